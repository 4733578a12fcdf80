"""Helpers for the citizen-portal tests: files to upload, accounts and messages in a state."""
import io
import re

from PIL import Image

GOOD_NIK = "6471054107950002"    # Balikpapan, a woman born 1 July 1995 (day 01 + 40)
OTHER_NIK = "6402031203880001"   # Kutai Kartanegara, born 12 March 1988
PASSWORD = "Kata-Sandi-Kuat-9"


def jpeg_bytes(width=60, height=40, color=(11, 93, 70)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)


def make_citizen(app, username="siti", email="siti@example.com", nik=GOOD_NIK, confirmed=True):
    """A citizen account created directly (the registration itself is tested elsewhere)."""
    from aspirasi.cli import create_user, ensure_roles
    from models import db

    with app.app_context():
        ensure_roles()
        user = create_user(username, email, PASSWORD, ["user"], full_name=username.title(),
                           confirmed=confirmed)
        user.nik = nik
        db.session.commit()
        return user.id


def log_in(client, identity, password=PASSWORD):
    client.post("/logout")
    response = client.post("/login", data={"identity": identity, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def new_message(app, reporter_id=None, perihal="Drainase tersumbat", **fields):
    """A message submitted through the lifecycle; returns its tracking number."""
    from models import Message, User, db, lifecycle

    with app.app_context():
        reporter = db.session.get(User, reporter_id) if reporter_id else None
        fields.setdefault("body", "Saluran air di depan rumah tersumbat sampah. NIK saya "
                                  "6471054107950002, HP 081299998888.")
        message = Message(perihal=perihal, reporter=reporter,
                          channel="web" if reporter else "guest", **fields)
        lifecycle.submit(message, actor=reporter)
        lifecycle.commit()
        return message.tracking


def advance(app, tracking, *steps):
    """Move a message on as staff would: "forward", "accept", "reply", "close", "note"."""
    from models import Message, Opd, Subcategory, User, db, lifecycle

    with app.app_context():
        message = Message.query.filter_by(tracking=tracking).one()
        admin = User.query.filter_by(username="admin").one()
        operator = User.query.filter_by(username="op-dlh").one()
        for step in steps:
            if step == "forward":
                sub = Subcategory.query.filter_by(code="adu-pencemaran").one()
                lifecycle.perform(message, "forward", admin, category=sub.category,
                                  subcategory=sub, opd=Opd.query.filter_by(code="DLH").one(),
                                  note="Mohon segera ditinjau.")
            elif step == "accept":
                lifecycle.perform(message, "accept", operator)
            elif step == "reply":
                lifecycle.perform(message, "reply", operator, answer="Saluran sudah dibersihkan.")
            elif step == "note":
                lifecycle.perform(message, "note", operator, note="CATATAN-INTERNAL-RAHASIA")
            elif step == "close":
                lifecycle.perform(message, "close", admin, reason="out_of_scope",
                                  note="Kewenangan pemerintah kota.")
            db.session.flush()
        lifecycle.commit()


def count_rows(app, model, **filters) -> int:
    with app.app_context():
        return model.query.filter_by(**filters).count()


def first_link(text: str, fragment: str) -> str:
    links = [link for link in re.findall(r"https?://[^\s\"'<>]+", text) if fragment in link]
    assert links, f"no link containing {fragment!r} in: {text[:500]}"
    return links[0]
