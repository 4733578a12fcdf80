"""The timeline ("log") of a message: one event per transition, update or note."""
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from models import db
from models.base import utcnow
from models.user import User


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


# Built once: a message page reads its timeline on every visit.
_TIMELINE_WITH_ACTORS = (
    select(MessageEvent)
    .options(joinedload(MessageEvent.actor).lazyload(User.roles))
    .where(MessageEvent.message_id == bindparam("message_id"))
    .order_by(MessageEvent.id))


def read_timeline(session, message) -> None:
    """Read `message`'s timeline, each step with its actor (not the actor's roles), in one
    statement, and keep it as the message's loaded `events`, in the relationship's order.

    Joined to the message's query, the steps would multiply its files' and reprimands' rows;
    read apart, the actors come with them in the same statement."""
    set_committed_value(message, "events",
                        session.scalars(_TIMELINE_WITH_ACTORS, {"message_id": message.id}).all())
