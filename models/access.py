"""Which messages (and rows around them) a user may see. One place, for every door.

Staff scoping: admins, superadmins and evaluators see every message; an operator only its
OPD's; a monitor only its monitored sub categories'; a citizen only its own. A user holding
several roles sees the union.

Strangers: a tracking number finds every `trackable` message, a NIK every trackable one that
is not rahasia (`nik_lookup_clause`); only `public` ones are
listed (/pesan, the home page's figures, Open311) and show more than their status
(`stranger_view`). Reports count every message that is `counted`. A withdrawn message is in
none of these: it is kept for audit, and its owner still finds it in their history.

The reporter: `reporter_view` is the one answer to "what of the reporter may this viewer
read" (name, username, NIK, phone, email), asked by the detail page and its timeline, the
exports, the public pages and everything else that names a reporter.
"""
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import false, or_, true
from sqlalchemy.orm import joinedload, selectinload

from models import db
from models.cache import cached_for_request
from models.message import Attachment, Message
from models.roles import (
    is_admin,
    is_evaluator,
    is_monitor,
    is_reporter_of,
    is_superadmin,
    operated_opd_id,
    reported_by,
    signed_in_id,
)
from models.stages import StageTrack, message_stages
from models.taxonomy import subcategory_monitors
from models.timeline import MessageEvent
from models.user import User
from models.vocabulary import IN_REVIEW, WITHDRAWN


def message_scope(user, include_own: bool = True):
    """A SQL condition on Message selecting what `user` may see (false for nobody).

    `include_own=False` leaves out the citizen's own messages: the back office scope.
    """
    if user is None or not user.is_authenticated:
        return false()
    if is_admin(user) or is_evaluator(user):
        # Plain true: a condition on a column (id IS NOT NULL) keeps PostgreSQL from counting
        # a queue from its index alone, and it reads the table instead.
        return true()
    own = [Message.reporter_id == user.id] if include_own else []
    return or_(opd_grant(user), monitor_grant(user), *own)  # a grant not held is false


# A staff user's scope is the union of their grants. A list of one grant's messages (an OPD's
# own, a monitor's) filters by that grant alone: the same rows as the grant AND the whole scope,
# but the database then reads each row from the table to test the other grants.

def opd_grant(user):
    """The messages `user` sees as the operator of an OPD (none for a user without one)."""
    opd_id = operated_opd_id(user)
    return false() if opd_id is None else Message.opd_id == opd_id


def monitor_grant(user):
    """The messages `user` sees as a monitor of sub categories (none for a non-monitor)."""
    return monitored_clause(user) if is_monitor(user) else false()


def monitored_subcategory_ids(user) -> list[int]:
    """The sub categories `user` monitors, read once per request (a page's list and count
    both ask)."""
    return cached_for_request(f"monitored:{user.id}", lambda: db.session.scalars(
        db.select(subcategory_monitors.c.subcategory_id)
        .where(subcategory_monitors.c.user_id == user.id)
        .order_by(subcategory_monitors.c.subcategory_id)).all())


def monitored_clause(user):
    """Messages in the sub categories `user` monitors, whatever OPD handles them.

    The ids are read first and given as values, not as a subquery: with values the database
    reads a monitor's list newest first from ix_message_subcategory_id_created_at (PostgreSQL
    would otherwise walk the whole date index)."""
    return Message.subcategory_id.in_(monitored_subcategory_ids(user))


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


def staff_message_or_404(user, message_id, *options) -> Message:
    """The message if `user` may see it; `options` load with it what the caller reads next."""
    statement = (db.select(Message).options(*options)
                 .where(staff_message_scope(user), Message.id == message_id))
    message = db.session.execute(statement).unique().scalar_one_or_none()
    if message is None:
        abort(404)
    return message


# --- what strangers and reports see -------------------------------------------------------------

def not_withdrawn_clause():
    return Message.status != WITHDRAWN


def counted_clause():
    """The messages reports and the evaluator's table count: all but withdrawn ones."""
    return not_withdrawn_clause()


def trackable_clause():
    """The messages a tracking number finds (/tracking and /tracking/<nomor>)."""
    return not_withdrawn_clause()


def nik_lookup_clause(nik: str):
    """The messages a NIK lookup lists: the account's or the guest's with that NIK, trackable
    and not rahasia. A stranger typing a NIK learns only that some non-confidential messages
    exist under it (number, date, status): a rahasia message is not even counted."""
    accounts = db.select(User.id).where(User.nik == nik)
    return db.and_(or_(Message.reporter_id.in_(accounts), Message.guest_nik == nik),
                   Message.rahasia.is_(False), trackable_clause())


def public_clause():
    """Messages anyone may see listed: never confidential, hidden or withdrawn."""
    return db.and_(Message.rahasia.is_(False), Message.hidden.is_(False), not_withdrawn_clause())


def is_public(message: Message) -> bool:
    """`public_clause` for one loaded message (tests prove the two agree)."""
    return not (message.rahasia or message.hidden or message.status == WITHDRAWN)


def public_messages():
    return Message.query.filter(public_clause())


def trackable_message(tracking: str, with_timeline: bool = False) -> Message | None:
    """The message a tracking number finds; `with_timeline` also reads, in the same round
    trips, what its own page shows (category, OPD, reporter, original, timeline steps)."""
    query = Message.query.filter(Message.tracking == tracking, trackable_clause())
    if with_timeline:
        query = query.options(
            joinedload(Message.category), joinedload(Message.opd),
            # A stranger sees the reporter's name at most: not the account's roles.
            joinedload(Message.reporter).lazyload(User.roles), joinedload(Message.duplicate_of),
            selectinload(Message.events).joinedload(MessageEvent.opd))
    return query.first()


def messages_under_nik(nik: str, newest: int):
    """The `newest` messages `nik_lookup_clause` finds, newest first.

    Asked as two small lookups, one per index (the account's messages, the guest's), each
    with its own newest rows, then merged: asked as one OR ordered by date, PostgreSQL walks
    the whole date index looking for the few matching rows."""
    # A NIK belongs to one account at most (user.nik is unique): compared as one value, the
    # account's messages are read newest first from ix_message_reporter_id_created_at; asked
    # with IN, PostgreSQL read and sorted all of them.
    account = db.select(User.id).where(User.nik == nik).scalar_subquery()
    common = (Message.rahasia.is_(False), trackable_clause())
    branches = [
        db.select(Message.id).where(condition, *common)
        .order_by(Message.created_at.desc(), Message.id.desc()).limit(newest).subquery()
        for condition in (Message.reporter_id == account, Message.guest_nik == nik)]
    ids = db.union(*(db.select(branch.c.id) for branch in branches))
    return (Message.query.filter(Message.id.in_(ids))
            .order_by(Message.created_at.desc(), Message.id.desc()).limit(newest))


@dataclass(frozen=True)
class StrangerView:
    """What anyone holding a tracking number (or NIK) may read of one message.

    A message that is not public shows its number, status, dates and the public timeline
    steps only: no subject, sender, category, OPD or timeline notes.
    """
    tracking: str
    status: str
    created_at: datetime
    updated_at: datetime
    shows_details: bool
    perihal: str | None = None
    sender: str | None = None
    category_name: str | None = None
    opd_name: str | None = None
    original_tracking: str | None = None  # the original of a duplicate, when it is public
    events: tuple = ()
    shows_notes: bool = False
    # The stage and its dates: each date is one of a public timeline step's, which every
    # tracking-number holder already reads, so the stages tell a stranger nothing more.
    stages: StageTrack | None = None


def reporter_timeline(message: Message) -> list:
    """The timeline steps a reporter reads of their own message: the public steps and every
    change of status they made themselves (a withdrawal is kept from the public, never from
    its author). Their rating is shown beside the timeline, as stars."""
    return [event for event in message.events
            if event.public or (event.actor_id is not None
                                and event.actor_id == message.reporter_id
                                and event.to_status not in (None, event.from_status))]


def stranger_view(message: Message, with_timeline: bool = False) -> StrangerView:
    """`message` as a stranger may read it; `with_timeline` adds what its own page shows
    beside: the public timeline steps and the stages (a list of results shows neither)."""
    view = StrangerView(tracking=message.tracking, status=message.status,
                        created_at=message.created_at, updated_at=message.updated_at,
                        shows_details=False,
                        stages=message_stages(message) if with_timeline else None,
                        events=tuple(message.public_events) if with_timeline else ())
    if not is_public(message):
        return view
    original = message.duplicate_of
    return replace(
        view, shows_details=True, shows_notes=True, perihal=message.perihal,
        sender=reporter_view(message, None).name,
        category_name=message.category.name if message.category else None,
        opd_name=message.opd.name if message.opd else None,
        original_tracking=original.tracking if original and is_public(original) else None)


def _held_for_review(user, attachment: Attachment) -> bool:
    """An OPD's reply files wait, like the reply, for the check before the reporter gets them."""
    message = attachment.message
    return (attachment.kind == "balasan" and message.status == IN_REVIEW
            and is_reporter_of(user, message))


def can_download(user, attachment: Attachment) -> bool:
    """Attachments are never public: the reporter and the staff who may see the message."""
    return not _held_for_review(user, attachment) and can_see(user, attachment.message)


def downloadable_attachments(user, message) -> list:
    """The message's attachments `user` may download (and so be shown): `can_download` for
    each, with the message's visibility asked once."""
    if not message.attachments or not can_see(user, message):
        return []
    return [attachment for attachment in message.attachments
            if not _held_for_review(user, attachment)]


# --- who sees the reporter ------------------------------------------------------------------

@dataclass(frozen=True)
class ReporterView:
    """What one viewer may read of a message's reporter; None where it is withheld.

    `name` is always something to print: the full name, initials, or "Anonim".
    """
    name: str
    username: str | None = None
    nik: str | None = None
    phone: str | None = None
    email: str | None = None
    nik_masked: bool = False  # `nik` is shown with its middle digits hidden


def mask_nik(nik: str | None) -> str | None:
    """A NIK with only its region (first four) and last four digits: enough to tell two apart."""
    if not nik:
        return nik
    return nik[:4] + "*" * max(len(nik) - 8, 0) + nik[-4:]


def initials(name: str | None) -> str:
    """ "Siti Rahmawati" -> "S. R." (what strangers read of a reporter who is not anonim)."""
    parts = [part for part in (name or "").split() if part[:1].isalnum()]
    return " ".join(f"{part[0].upper()}." for part in parts[:3]) or _("Anonim")


def reporter_is_erased(message: Message) -> bool:
    """The reporter closed their account: there is no identity left to show to anyone."""
    return message.reporter is not None and message.reporter.closed_at is not None


def reporter_view(message: Message, viewer, reveal_nik: bool = False) -> ReporterView:
    """The one rule for who sees the reporter, asked by every page, export, letter and mail.

    - the reporter themself: everything;
    - admins (who triage): name, username, phone and email even when anonim; the NIK masked
      unless `reveal_nik` (an audited action on the detail page, or a superadmin's export);
    - other staff (OPD operators, monitors, evaluators): the name only, and nothing of an
      anonim reporter; never a NIK, phone or email;
    - anyone else: initials, or "Anonim".
    An erased (closed) account shows "Anonim" to everyone.
    """
    return reporter_lens(viewer, reveal_nik)(message)


def reporter_lens(viewer, reveal_nik: bool = False,
                  name_only: bool = False) -> Callable[[Message], ReporterView]:
    """`reporter_view` for one viewer and many messages (an export of a year): what depends
    on the viewer alone (their roles) is decided once, not per message. With `name_only` the
    views hold the name alone (an export without contact details reads nothing else)."""
    viewer_id = signed_in_id(viewer)
    admin = is_admin(viewer)
    staff = viewer_id is not None and viewer.is_staff
    anonymous = _("Anonim")
    # A guest who gave no name (an API or channel report) is named as such, never left blank.
    unnamed = _("Tamu tanpa nama")

    def view(message: Message) -> ReporterView:
        if reporter_is_erased(message):
            return ReporterView(name=anonymous)
        reporter = message.reporter
        own = reported_by(message, viewer_id)
        name = message.sender_name or unnamed
        if (own or admin) and name_only:
            return ReporterView(name=name)
        if own or admin:
            masked = not own and not reveal_nik
            nik = message.nik
            return ReporterView(
                name=name, username=reporter.username if reporter else None,
                nik=mask_nik(nik) if masked else nik, nik_masked=masked,
                phone=reporter.phone if reporter else message.guest_phone,
                email=reporter.email if reporter else message.guest_email)
        if message.anonim:
            return ReporterView(name=anonymous)
        if staff:
            return ReporterView(name=name)
        return ReporterView(name=initials(message.guest_name or (reporter.full_name if reporter
                                                                    else None)))
    return view


def may_search_by_reporter(viewer) -> bool:
    """Whether a search may match the reporter's name, NIK, phone or email: only for those who
    see every reporter (admins). For anyone else a hit would confirm who sent a message."""
    return is_admin(viewer)


def timeline_actor(event, viewer) -> str | None:
    """Who did a timeline step, as `viewer` may read it: the reporter's own steps follow
    `reporter_view`; staff steps name the staff member. None: no actor recorded."""
    message = event.message
    if event.actor_id is not None and event.actor_id == message.reporter_id:
        return reporter_view(message, viewer).name
    if event.actor is None:
        return None
    return str(event.actor)


def may_export_personal_data(user) -> bool:
    """NIK, email and phone leave the system only for a superadmin (UU 27/2022)."""
    return is_superadmin(user)




def staff_scope_key(user) -> str:
    """A short name for the rows `staff_message_scope(user)` selects: users with the same key
    see the same messages, so figures counted over them may be kept once for all of them."""
    if user is None or not user.is_authenticated:
        return "tidak-ada"
    if is_admin(user) or is_evaluator(user):
        return "semua"
    parts = []
    opd_id = operated_opd_id(user)
    if opd_id is not None:
        parts.append(f"opd{opd_id}")
    if is_monitor(user):
        parts.append("sub" + ",".join(str(sub_id) for sub_id in monitored_subcategory_ids(user)))
    return "+".join(parts) or "tidak-ada"
