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
    # What the per-recipient limit counts it with (services.mailer.MAIL_KINDS): "notice" for
    # mail about a message, "account" and "reset" for mail about the recipient's own account.
    kind = db.Column(db.String(16), nullable=False, default="notice", server_default="notice")
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

    # The per-recipient limit counts an address's recent mail (services.mailer).
    __table_args__ = (db.Index("ix_queued_mail_recipient_created_at",
                               db.func.lower(recipient), created_at),)


class PendingAnnouncement(db.Model):
    """A change whose notifications and mails the worker still has to write.

    A submission only records this row; the notifications to the admins and the receipt
    are written by the background worker (`services.notify.announce_pending`), so a citizen's
    request never pays for the fan-out to staff. The row is written in the transaction of the
    change and removed in the transaction that writes what it announces: each change is
    announced exactly once, even with several workers.
    """
    __tablename__ = "pending_announcement"
    id = db.Column(db.Integer, primary_key=True)
    message_id = db.Column(db.Integer, db.ForeignKey("message.id", ondelete="CASCADE"),
                           nullable=False)
    event_id = db.Column(db.Integer, db.ForeignKey("message_event.id", ondelete="CASCADE"))
    action = db.Column(db.String(20), nullable=False)
    # Nobody signed in caused it (a guest or an API client): its mail is limited per address.
    by_stranger = db.Column(db.Boolean, nullable=False, default=False)
    # What the request knew: the address it came to (for links when PUBLIC_BASE_URL is unset)
    # and the language its person used.
    base_url = db.Column(db.String(255))
    locale = db.Column(db.String(10))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    message = db.relationship("Message")
    event = db.relationship("MessageEvent")
