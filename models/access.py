"""Which messages (and rows around them) a user may see. One place, for every door.

Staff scoping: admins, superadmins and evaluators see every message; an operator only its
OPD's; a monitor only its monitored sub categories'; a citizen only its own. A user holding
several roles sees the union. The public sees `public_messages()`.
"""
from flask import abort
from sqlalchemy import false, or_

from models import db
from models.message import Attachment, Message
from models.roles import (
    is_admin,
    is_evaluator,
    is_monitor,
    is_superadmin,
    operated_opd_id,
)
from models.taxonomy import subcategory_monitors


def message_scope(user, include_own: bool = True):
    """A SQL condition on Message selecting what `user` may see (false for nobody).

    `include_own=False` leaves out the citizen's own messages: the back office scope.
    """
    if user is None or not user.is_authenticated:
        return false()
    if is_admin(user) or is_evaluator(user):
        return Message.id.isnot(None)
    conditions = []
    opd_id = operated_opd_id(user)
    if opd_id is not None:
        conditions.append(Message.opd_id == opd_id)
    if is_monitor(user):
        conditions.append(monitored_clause(user))
    if include_own:
        conditions.append(Message.reporter_id == user.id)
    return or_(*conditions) if conditions else false()


def monitored_clause(user):
    """Messages in the sub categories `user` monitors, whatever OPD handles them."""
    monitored = db.select(subcategory_monitors.c.subcategory_id).where(
        subcategory_monitors.c.user_id == user.id)
    return Message.subcategory_id.in_(monitored)


def staff_message_scope(user):
    return message_scope(user, include_own=False)


def visible_messages(user):
    return Message.query.filter(staff_message_scope(user))


def can_see(user, message: Message) -> bool:
    if message is None:
        return False
    return db.session.query(
        Message.query.filter(Message.id == message.id, message_scope(user)).exists()).scalar()


def own_messages(user):
    """The citizen's own messages (the /riwayat list)."""
    return Message.query.filter(Message.reporter_id == user.id)


def own_message_or_404(user, tracking: str) -> Message:
    message = Message.query.filter_by(tracking=tracking.upper()).first()
    # 404 rather than 403: another citizen's tracking number must not be confirmed to exist.
    if message is None or message.reporter_id != user.id:
        abort(404)
    return message


def staff_message_or_404(user, message_id) -> Message:
    message = visible_messages(user).filter(Message.id == message_id).first()
    if message is None:
        abort(404)
    return message


def public_clause():
    return db.and_(Message.rahasia.is_(False), Message.hidden.is_(False),
                   Message.status != "dicabut")


def public_messages():
    """Messages anyone may see listed: never confidential, hidden or withdrawn."""
    return Message.query.filter(public_clause())


def can_download(user, attachment: Attachment) -> bool:
    """Attachments are never public: the reporter and the staff who may see the message."""
    return can_see(user, attachment.message)


def display_sender(message: Message, viewer=None) -> str:
    """The sender's name as `viewer` may see it: anonim hides it from all but admins."""
    from models.lifecycle import is_admin

    if message.anonim and not is_admin(viewer) and not (
            viewer is not None and viewer.is_authenticated and viewer.id == message.reporter_id):
        return "Anonim"
    return message.sender_name


def may_export_personal_data(user) -> bool:
    """NIK, email and phone leave the system only for a superadmin (UU 27/2022)."""
    return is_superadmin(user)


def may_see_contact_details(user) -> bool:
    """The reporter's NIK, phone and email, in the back office: the admins who triage only.

    OPD operators, monitors and evaluators work from the message itself.
    """
    return is_admin(user)
