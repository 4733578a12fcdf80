"""Every status transition of a message, who may make it, and what must hold first.

Views never change `Message.status` themselves: they call `perform(...)`, which checks the
current status, the actor's right to act on this message, the required data and the version
the actor saw; then applies the change, appends the timeline event and emits
`message_changed` in the same transaction. The caller commits (see `commit`).

Each action is one `Rule` in `RULES`: the statuses it starts from, the one it leads to, who
may take it, what else must hold first, and the handler that applies it. `allowed_actions`
reads the same rules as `perform`, so an action is offered exactly when it would be accepted
(given complete input), and adding an action means adding one entry.
"""
import math
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from blinker import signal
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm.exc import StaleDataError

from models import db
from models.base import utcnow
from models.errors import DomainError
from models.feedback import Rating, Reprimand
from models.message import Message, new_tracking_number
from models.roles import (  # noqa: F401 - re-exported: the rules' vocabulary
    is_admin,
    is_evaluator,
    is_handler,
    is_monitor,
    is_operator_of,
    is_reporter_of,
    is_superadmin,
    operated_opd_id,
)
from models.settings import Setting
from models.sla import answer_deadline, triage_deadline, workdays_since
from models.timeline import MessageEvent
from models.vocabulary import CLOSE_REASONS, IN_REVIEW, STATUS_LABELS

# Receivers (notifications, mail) run inside the same transaction as the change.
message_changed = signal("message-changed")


class TransitionError(DomainError):
    """An action the rules refuse; `str(error)` is the message to show the user."""


class Forbidden(TransitionError):
    def __init__(self, message=_l("Anda tidak berwenang melakukan tindakan ini pada pesan ini.")):
        super().__init__(message, 403)


class StaleError(TransitionError):
    def __init__(self):
        super().__init__(_l("Pesan ini telah diubah oleh petugas lain sementara Anda membukanya. "
                            "Tidak ada yang disimpan; muat ulang halaman dan periksa perubahannya."),
                         409)


# --- who -----------------------------------------------------------------------------
# The role questions live in models.roles; they are re-exported here because every rule below
# is written with them.


def has_forwarding_letter(message: Message) -> bool:
    """A forwarding letter exists once the message sits at an OPD it was forwarded to."""
    return message.forwarded_at is not None and message.opd is not None


def may_print_letter(user, message: Message) -> bool:
    """The page's button, the PDF route and the template all ask this one question."""
    return is_handler(user, message) and has_forwarding_letter(message)


# --- doing -------------------------------------------------------------------------------

def _require(value, error):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise TransitionError(error)
    return value.strip() if isinstance(value, str) else value


def _event(message, action, actor, from_status, note=None, public=True):
    event = MessageEvent(message=message, action=action, actor=actor, from_status=from_status,
                         to_status=message.status, note=note, public=public,
                         opd_id=message.opd_id)
    db.session.add(event)
    return event


# Asked of the table itself, not through the ORM: every submission asks, and only whether
# the number exists matters.
_NUMBER_TAKEN = (select(Message.__table__.c.id)
                 .where(Message.__table__.c.tracking == bindparam("candidate")).limit(1))


def unused_tracking_number() -> str:
    """A fresh tracking number. A clash is rare (about one in a million submissions once a
    million numbers are given out) but would lose a submission, so the number is checked."""
    while True:
        candidate = new_tracking_number()
        taken = db.session.connection().execute(_NUMBER_TAKEN, {"candidate": candidate})
        if taken.first() is None:
            return candidate


def submit(message: Message, actor=None, note=None) -> MessageEvent:
    """Record a new message (portal, guest form, API or staff intake) in status `baru`."""
    now = utcnow()
    message.status = "baru"
    message.tracking = message.tracking or unused_tracking_number()
    message.created_at = message.created_at or now
    message.triage_due_at = triage_deadline(message.created_at)
    db.session.add(message)
    event = _event(message, "submit", actor, None, note=note)
    message_changed.send(message, action="submit", actor=actor, event=event)
    return event


def perform(message: Message, action: str, actor, *, expected_version=None, note=None,
            **data) -> MessageEvent:
    """Apply `action` to `message` on behalf of `actor`, or raise TransitionError.

    `expected_version` is the version the actor's form was built from: a mismatch means
    someone else changed the message meanwhile, and nothing is applied.
    """
    rule = RULES.get(action)
    if rule is None:
        raise TransitionError(_l("Tindakan tidak dikenal."))
    if not rule.may(actor, message):
        raise Forbidden()
    refusal = _refusal(rule, message, data)
    if expected_version is not None and str(expected_version) != str(message.version):
        # A citizen's page is out of date mostly because the citizen acted already (a second
        # click, another tab): what now forbids the action says that better than a change by
        # "another officer".
        if refusal is not None and not rule.by_staff:
            raise refusal
        raise StaleError()
    if refusal is not None:
        raise refusal

    # A query inside the action flushes pending changes; meeting a newer version there is the
    # same race as meeting it at commit, and gets the same answer.
    with _stale_as_refusal():
        from_status = message.status
        note = rule.handler(message, actor, note=note, **data)
        if rule.target and message.status == from_status:  # a handler may have chosen another
            message.status = rule.target
        message.updated_at = utcnow()
        public = rule.public(message) if callable(rule.public) else rule.public
        staff_only = public and rule.note_for_staff and note and not data.get("publish_note")
        event = _event(message, action, actor, from_status, note=None if staff_only else note,
                       public=public)
        if staff_only:
            # The step stays public; what one officer wrote to another goes beside it, inside.
            _event(message, "note", actor, message.status, note=note, public=False)
        for attachment in data.get("attachments") or ():
            attachment.event = event
        message_changed.send(message, action=action, actor=actor, event=event,
                             from_status=from_status)
    return event


@contextmanager
def _stale_as_refusal():
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise StaleError() from None


def _set_taxonomy(message, data):
    from models.opd import Opd
    from models.taxonomy import Category, Subcategory

    category = data.get("category") or (db.session.get(Category, data["category_id"])
                                        if data.get("category_id") else None)
    subcategory = data.get("subcategory") or (db.session.get(Subcategory, data["subcategory_id"])
                                              if data.get("subcategory_id") else None)
    opd = data.get("opd") or (db.session.get(Opd, data["opd_id"]) if data.get("opd_id") else None)
    return category, subcategory, opd


def _forward(message, actor, note=None, **data):
    category, subcategory, opd = _set_taxonomy(message, data)
    _require(category, _l("Pilih kategori sebelum meneruskan pesan."))
    _require(subcategory, _l("Pilih sub kategori sebelum meneruskan pesan."))
    _require(opd, _l("Pilih OPD tujuan sebelum meneruskan pesan."))
    if subcategory.category_id != category.id:
        raise TransitionError(_l("Sub kategori tidak termasuk dalam kategori yang dipilih."))
    if not opd.active:
        raise TransitionError(_l("OPD tujuan tidak aktif."))
    _change_flags_on_the_way(message, actor, data)
    now = utcnow()
    message.category, message.subcategory, message.opd = category, subcategory, opd
    message.triaged_at = message.triaged_at or now
    message.forwarded_at = now
    message.answer_due_at = answer_deadline(now, subcategory)
    return note or None


def _reroute(message, actor, note=None, **data):
    if not (data.get("opd") or data.get("opd_id")):
        raise TransitionError(_l("Pilih OPD tujuan yang baru."))
    previous = message.opd_id
    data.setdefault("category", message.category)
    data.setdefault("subcategory", message.subcategory)
    result = _forward(message, actor, note=note, **data)
    if message.opd_id == previous:
        raise TransitionError(_l("Pesan sudah berada di OPD tersebut."))
    return result


def _answer(message, actor, note=None, **data):
    category, subcategory, _opd = _set_taxonomy(message, data)
    category = category or message.category
    if category is None or not category.is_informasi:
        raise TransitionError(_l("Hanya pesan berkategori Informasi yang dapat dijawab langsung "
                                 "oleh admin; pesan lain diteruskan ke OPD."))
    answer = _require(data.get("answer"), _l("Isi jawaban wajib diisi."))
    now = utcnow()
    message.category = category
    message.subcategory = subcategory or message.subcategory
    message.answer = answer
    message.triaged_at = message.triaged_at or now
    message.finished_at = now
    message.answer_due_at = None
    return answer


def _close(message, actor, note=None, **data):
    reason = data.get("reason")
    if reason not in CLOSE_REASONS:
        raise TransitionError(_l("Pilih alasan penutupan."))
    text = (note or "").strip()
    if reason == "duplicate":
        # The precondition has refused every candidate that has no usable original.
        message.duplicate_of = original_of(_named_message(data.get("duplicate_of")))
    elif not text:
        raise TransitionError(_l("Tuliskan alasan penutupan yang akan dibaca pelapor."))
    if reason == "spam":
        message.hidden = True
    message.close_reason = f"{CLOSE_REASONS[reason]}: {text}" if text else str(CLOSE_REASONS[reason])
    message.triaged_at = message.triaged_at or utcnow()
    return message.close_reason


def _withdraw(message, actor, note=None, **data):
    return note or None


def _return(message, actor, note=None, **data):
    reason = _require(note, _l("Tuliskan alasan pengembalian (misalnya salah OPD)."))
    message.opd = None
    message.forwarded_at = None
    message.answer_due_at = None
    message.triage_due_at = triage_deadline(utcnow())
    return reason


def _accept(message, actor, note=None, **data):
    message.accepted_at = utcnow()
    return note or None


def _update(message, actor, note=None, **data):
    return _require(note, _l("Tuliskan isi pembaruan status."))


def answers_are_reviewed() -> bool:
    """Whether an OPD's answer waits for the Diskominfo team's check before the citizen sees it."""
    return Setting.get_int("review_answers") == 1


def _reply(message, actor, note=None, **data):
    answer = _require(data.get("answer") or note, _l("Isi tanggapan wajib diisi."))
    if answers_are_reviewed():
        # The answer waits in this (internal) timeline entry until an admin releases it; the
        # message keeps showing the citizen its earlier answer, if any.
        message.status = IN_REVIEW
        return answer
    return _finish_with(message, answer)


def _finish_with(message, answer: str) -> str:
    """The answer the citizen reads, and the moment the message is finished."""
    message.answer = answer
    message.finished_at = utcnow()
    return answer


def _reply_is_public(message) -> bool:
    return message.status != IN_REVIEW


def answer_in_review(message: Message) -> str | None:
    """The OPD's answer waiting for the check: the note of the latest reply."""
    replies = [event for event in message.events if event.action == "reply"]
    return replies[-1].note if replies else None


def _release(message, actor, note=None, **data):
    answer = _require(answer_in_review(message), _l("Tidak ada tanggapan OPD yang menunggu "
                                                   "pemeriksaan."))
    return _finish_with(message, answer)


def _send_back(message, actor, note=None, **data):
    return _require(note, _l("Tuliskan apa yang perlu diperbaiki OPD."))


def _reopen(message, actor, note=None, **data):
    reason = _require(note, _l("Tuliskan alasan mengapa pesan belum terselesaikan."))
    if message.opd_id is None:
        # An informasi answered by the admin has no OPD to go back to: it returns to triage.
        message.status = "baru"
        message.triage_due_at = triage_deadline(utcnow())
    else:
        message.forwarded_at = utcnow()
        message.answer_due_at = answer_deadline(message.forwarded_at, message.subcategory)
    message.reopen_count += 1
    message.finished_at = None
    return reason


def _note(message, actor, note=None, **data):
    return _require(note, _l("Catatan tidak boleh kosong."))


def _apply_flags(message, data):
    changed = []
    for flag in ("anonim", "rahasia", "hidden"):
        if flag in data and data[flag] is not None and bool(data[flag]) != getattr(message, flag):
            setattr(message, flag, bool(data[flag]))
            changed.append(f"{flag}={'ya' if data[flag] else 'tidak'}")
    return changed


def _change_flags_on_the_way(message, actor, data):
    """Flags changed in another action's form (forwarding) are still a flag change of their
    own: a `flags` step in the timeline and an audit row, never a silent side effect."""
    from models.audit import record

    changed = _apply_flags(message, data)
    if changed:
        note = ", ".join(changed)
        _event(message, "flags", actor, message.status, note=note, public=False)
        record("pesan.flags", message, detail=note, user=actor)
    return changed


def _flags(message, actor, note=None, **data):
    changed = _apply_flags(message, data)
    if not changed:
        raise TransitionError(_l("Tidak ada pengaturan yang berubah."))
    return ", ".join(changed)


def _rate(message, actor, note=None, **data):
    try:
        stars = float(data.get("stars"))
    except (TypeError, ValueError):
        raise TransitionError(_l("Pilih nilai 0,5 sampai 5 bintang.")) from None
    half = stars * 2
    if not math.isfinite(half) or half != int(half) or not 1 <= half <= 10:
        raise TransitionError(_l("Pilih nilai 0,5 sampai 5 bintang."))
    db.session.add(Rating(message=message, user_id=actor.id, half_stars=int(half),
                          comment=(note or "").strip() or None))
    return f"{stars:g}/5"


def _reprimand(message, actor, note=None, **data):
    text = _require(note, _l("Isi teguran wajib diisi."))
    db.session.add(Reprimand(message=message, opd_id=message.opd_id, sender_id=actor.id,
                             text=text))
    return text


# --- preconditions: what must hold besides the status; each returns its refusal or None --

def reopen_limit_workdays() -> int:
    """How many working days after finishing a citizen may still reopen a message."""
    return Setting.get_int("reopen_workdays")


def _refuse_if_rated(message, **_data):
    if message.rating is not None:
        return TransitionError(_l("Pesan ini sudah Anda nilai. Penilaian hanya dapat diberikan "
                                  "satu kali; penilaian Anda sebelumnya tetap tersimpan dan tidak "
                                  "ada yang diubah."), 409)
    return None


def _refuse_if_not_reopenable(message, **_data):
    if message.reopen_count >= 1:
        return TransitionError(_l("Pesan hanya dapat dibuka kembali satu kali."), 409)
    limit = reopen_limit_workdays()
    if message.finished_at and workdays_since(message.finished_at, utcnow()) > limit:
        return TransitionError(_l("Batas %(days)s hari kerja untuk membuka kembali pesan telah "
                                  "lewat.", days=limit), 409)
    return None


def _named_message(candidate) -> Message | None:
    """The message a close form names as the original: a row, or its tracking number."""
    if isinstance(candidate, str):
        number = candidate.strip().upper()
        return Message.query.filter_by(tracking=number).first() if number else None
    return candidate


def _closed_as_duplicate(message: Message) -> bool:
    return message.status == "ditutup" and message.duplicate_of_id is not None


def original_of(candidate: Message) -> Message | None:
    """The message a duplicate of `candidate` belongs to: `candidate` itself, or, when it is
    closed as a duplicate, the root of its chain; None when the chain runs in a circle.

    A clerk who sees that a complaint repeats B means the complaint B repeats: pointing at
    the root keeps every duplicate one step from the message being handled, where the
    citizen's link and the staff's work are."""
    seen = set()
    while _closed_as_duplicate(candidate):
        if candidate.id in seen:
            return None
        seen.add(candidate.id)
        candidate = candidate.duplicate_of
    return candidate


def _refuse_unusable_original(message, reason=None, duplicate_of=None, **_data):
    """Closing as a duplicate needs an original that exists, is not this message (directly or
    at the root of its chain) and is not withdrawn. Other closes need nothing more here."""
    if reason != "duplicate":
        return None
    named = _named_message(duplicate_of)
    if named is None or named.id == message.id:
        return TransitionError(_l("Nomor tracking pesan asli tidak ditemukan."))
    original = original_of(named)
    if original is None:
        return TransitionError(_l("Pesan %(named)s termasuk rangkaian duplikat yang melingkar "
                                  "tanpa pesan asli; pilih pesan yang masih ditangani.",
                                  named=named.tracking), 409)
    if original.id == message.id:
        return TransitionError(_l(
            "Pesan %(named)s sudah ditutup sebagai duplikat dari pesan ini; pesan ini tidak "
            "dapat menjadi duplikat dari duplikatnya sendiri.",
            named=named.tracking), 409)
    if original.status == "dicabut":
        return TransitionError(_l("Pesan asli %(original)s telah dicabut pelapornya; pilih "
                                  "pesan lain sebagai pesan asli.", original=original.tracking),
                               409)
    return None


# --- the table ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One action: from which statuses, to which, who may, what else must hold, what it does.

    `handler(message, actor, note=..., **data)` checks the action's data, applies it and
    returns the timeline note (raising TransitionError for bad data). `settles` names the
    notification kinds that stop waiting once the action has happened, whoever did it.
    """
    sources: tuple
    target: str | None          # None: the status does not change
    may: Callable               # (user, message) -> bool
    handler: Callable
    # (message, **data) -> TransitionError | None; without data it answers for any input
    precondition: Callable | None = None
    public: bool | Callable = True  # shown to the citizen; or (message after the action) -> bool
    settles: tuple = ()
    # The note is written to other staff (the OPD): it is kept as an internal note beside the
    # public step unless the actor chooses to publish it (`publish_note` in the data).
    note_for_staff: bool = False

    @property
    def by_staff(self) -> bool:
        """Taken in the back office (every action but the reporter's own)."""
        return self.may is not is_reporter_of


_LIVE = ("baru", "diteruskan", "diproses", IN_REVIEW, "selesai", "ditutup")
_WAITING_TRIAGE = ("baru", "dikembalikan")

RULES = {
    "forward": Rule(("baru",), "diteruskan", is_admin, _forward, settles=_WAITING_TRIAGE,
                    note_for_staff=True),
    "reroute": Rule(("diteruskan",), "diteruskan", is_admin, _reroute, settles=("diteruskan",),
                    note_for_staff=True),
    "answer": Rule(("baru",), "selesai", is_admin, _answer, settles=_WAITING_TRIAGE),
    "close": Rule(("baru",), "ditutup", is_admin, _close, settles=_WAITING_TRIAGE,
                  precondition=_refuse_unusable_original),
    "withdraw": Rule(("baru",), "dicabut", is_reporter_of, _withdraw, public=False,
                     settles=_WAITING_TRIAGE),
    "return": Rule(("diteruskan",), "baru", is_operator_of, _return, public=False,
                   settles=("diteruskan", "dibuka")),
    "accept": Rule(("diteruskan",), "diproses", is_operator_of, _accept,
                   settles=("diteruskan", "dibuka")),
    "update": Rule(("diproses",), None, is_operator_of, _update),
    # With the check switched on, the handler sends the answer to `diperiksa` instead.
    "reply": Rule(("diproses",), "selesai", is_operator_of, _reply, public=_reply_is_public,
                  settles=("dibuka", "perbaiki")),
    "release": Rule((IN_REVIEW,), "selesai", is_admin, _release, settles=(IN_REVIEW,)),
    "send_back": Rule((IN_REVIEW,), "diproses", is_admin, _send_back, public=False,
                      settles=(IN_REVIEW,)),
    "reopen": Rule(("selesai",), "diproses", is_reporter_of, _reopen,
                   precondition=_refuse_if_not_reopenable),
    "note": Rule(_LIVE, None, is_handler, _note, public=False),
    "flags": Rule(_LIVE, None, is_admin, _flags, public=False),
    "rate": Rule(("selesai",), None, is_reporter_of, _rate, precondition=_refuse_if_rated,
                 public=False),
    "reprimand": Rule(("diteruskan", "diproses"), None, is_evaluator, _reprimand, public=False),
}

STAFF_ACTIONS = tuple(name for name, rule in RULES.items() if rule.by_staff)
CITIZEN_ACTIONS = tuple(name for name, rule in RULES.items() if not rule.by_staff)


def _refusal(rule: Rule, message: Message, data=None):
    """Why the message's state forbids the action now (status, then precondition, given the
    action's `data` when known), or None."""
    if message.status not in rule.sources:
        return TransitionError(_l("Tindakan ini tidak dapat dilakukan pada pesan berstatus "
                                  "\"%(status)s\".", status=STATUS_LABELS[message.status]), 409)
    return rule.precondition(message, **(data or {})) if rule.precondition else None


def allowed_actions(user, message: Message) -> list[str]:
    """The actions this user could take on this message now: `perform` checks the same
    status, right and precondition, so a listed action is refused only for its data. (The
    status is asked first: a refusal's sentence is not written for an action nobody reads.)"""
    return [name for name, rule in RULES.items()
            if message.status in rule.sources and rule.may(user, message)
            and _refusal(rule, message) is None]


def refusal(user, message: Message, action: str, **data) -> TransitionError | None:
    """Why `perform` would refuse `user` taking `action` with `data` now, or None, as far as
    the rules decide before the action's handler reads its input: the question a page asks
    before offering a button that carries its data (closing as a duplicate of one message)."""
    rule = RULES.get(action)
    if rule is None:
        return TransitionError(_l("Tindakan tidak dikenal."))
    if not rule.may(user, message):
        return Forbidden()
    return _refusal(rule, message, data)


def acknowledge(reprimand: Reprimand, actor) -> MessageEvent:
    """An operator of the reprimanded OPD acknowledges a teguran."""
    opd_id = operated_opd_id(actor)
    if opd_id is None or opd_id != reprimand.opd_id:
        raise Forbidden()
    if reprimand.acknowledged_at is not None:
        raise TransitionError(_l("Teguran ini sudah diterima."), 409)
    reprimand.acknowledged_at = utcnow()
    reprimand.acknowledged_by_id = actor.id
    return _event(reprimand.message, "acknowledge", actor, reprimand.message.status,
                  note=reprimand.text, public=False)


def commit():
    """Commit the session; a concurrent writer's newer version becomes a StaleError."""
    with _stale_as_refusal():
        db.session.commit()
