"""In-app notifications and the outgoing mail queue.

Mail is queued in the database in the same transaction as the action that causes it and
delivered after commit, so a mail failure never loses or blocks the action.
"""
from models import db
from models.base import utcnow


class Notification(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    message_id = db.Column(db.Integer, db.ForeignKey("message.id"))
    kind = db.Column(db.String(20), nullable=False)
    text = db.Column(db.String(255), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    read_at = db.Column(db.DateTime)

    message = db.relationship("Message")

    # The badge and the list read a user's unread ones; opening a message reads its own.
    __table_args__ = (
        db.Index("ix_notification_user_id_read_at", "user_id", "read_at"),
        db.Index("ix_notification_message_id_user_id", "message_id", "user_id"),
    )


class QueuedMail(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    recipient = db.Column(db.String(255), nullable=False)
    subject = db.Column(db.String(255), nullable=False)
    body = db.Column(db.Text, nullable=False)
    html = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    sent_at = db.Column(db.DateTime, index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_error = db.Column(db.Text)
    # The timeline entry a citizen's notice tells of: when it went out is the publish step.
    event_id = db.Column(db.Integer, db.ForeignKey("message_event.id", ondelete="SET NULL"),
                         index=True)
    event = db.relationship("MessageEvent")

    # The per-recipient limit counts an address's recent mail (aspirasi.mailer).
    __table_args__ = (db.Index("ix_queued_mail_recipient_created_at",
                               db.func.lower(recipient), created_at),)
