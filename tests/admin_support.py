"""Helpers for the back-office tests: find demo rows, move a message along its lifecycle."""
from models import Message, Opd, Subcategory, User, db
from models import lifecycle


def user(username):
    return User.query.filter_by(username=username).one()


def opd(code):
    return Opd.query.filter_by(code=code).one()


def sub(code):
    return Subcategory.query.filter_by(code=code).one()


def new_message(perihal="Lampu jalan padam", body="Lampu jalan di Jl. Pahlawan padam seminggu.",
                reporter="warga", **fields):
    """A fresh `baru` message from the citizen, committed; returns its id."""
    message = Message(perihal=perihal, body=body, reporter=user(reporter), channel="web", **fields)
    lifecycle.submit(message, actor=user(reporter))
    db.session.commit()
    return message.id


def forwarded(app, opd_code="DISKOMINFO", sub_code="adu-internet", status="diteruskan", **fields):
    """A message forwarded to `opd_code` (and accepted when status is diproses); returns its id."""
    with app.app_context():
        message_id = new_message(**fields)
        message = db.session.get(Message, message_id)
        subcategory = sub(sub_code)
        lifecycle.perform(message, "forward", user("admin"), category=subcategory.category,
                          subcategory=subcategory, opd=opd(opd_code))
        if status in ("diproses", "selesai"):
            operator = User.query.filter_by(opd_id=opd(opd_code).id).first()
            lifecycle.perform(message, "accept", operator)
        db.session.commit()
        return message_id


def fresh(app, message_id):
    """The message as stored now (status, version, counts), read in a new session."""
    with app.app_context():
        db.session.remove()
        message = db.session.get(Message, message_id)
        return {"status": message.status, "version": message.version,
                "opd": message.opd.code if message.opd else None,
                "events": [e.action for e in message.events],
                "attachments": len(message.attachments), "answer": message.answer,
                "anonim": message.anonim, "rahasia": message.rahasia, "hidden": message.hidden}
