"""The timeline ("log") of a message: one event per transition, update or note."""
from models import db
from models.base import utcnow


class MessageEvent(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    message_id = db.Column(db.Integer, db.ForeignKey("message.id"), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    actor_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    action = db.Column(db.String(20), nullable=False)
    from_status = db.Column(db.String(12))
    to_status = db.Column(db.String(12))
    note = db.Column(db.Text)
    public = db.Column(db.Boolean, nullable=False, default=True)
    opd_id = db.Column(db.Integer, db.ForeignKey("opd.id"))  # the OPD at that moment

    message = db.relationship("Message", back_populates="events")
    actor = db.relationship("User")
    opd = db.relationship("Opd")
    attachments = db.relationship("Attachment", back_populates="event")
