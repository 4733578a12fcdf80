"""Every status transition of a message, and who may make it (SPEC "Message lifecycle").

Views never change `Message.status` themselves: they call `perform(...)`, which checks the
current status, the actor's right to act on this message, the required data and the version
the actor saw; then applies the change, appends the timeline event and emits
`message_changed` in the same transaction. The caller commits (see `commit`).
"""
from dataclasses import dataclass

from blinker import signal
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from models import db
from models.base import utcnow
from models.feedback import Rating, Reprimand
from models.message import Message, new_tracking_number
from models.settings import Setting
from models.sla import answer_deadline, triage_deadline, workdays_since
from models.timeline import MessageEvent
from models.vocabulary import CLOSE_REASONS, STATUS_LABELS

# Receivers (notifications, mail) run inside the same transaction as the change.
message_changed = signal("message-changed")


class TransitionError(Exception):
    """An action the rules refuse; `str(error)` is the message to show the user."""

    def __init__(self, message, status_code: int = 400):
        super().__init__(str(message))
        self.status_code = status_code


class Forbidden(TransitionError):
    def __init__(self, message=_l("Anda tidak berwenang melakukan tindakan ini pada pesan ini.")):
        super().__init__(message, 403)


class StaleError(TransitionError):
    def __init__(self):
        super().__init__(_l("Pesan ini telah diubah oleh petugas lain sementara Anda membukanya. "
                            "Tidak ada yang disimpan; muat ulang halaman dan periksa perubahannya."),
                         409)


# --- who -----------------------------------------------------------------------------

def is_admin(user, message=None) -> bool:
    return bool(user and user.is_authenticated and user.role_names & {"admin", "superadmin"})


def is_evaluator(user, message=None) -> bool:
    return bool(user and user.is_authenticated and user.role_names & {"evaluator", "superadmin"})


def is_operator_of(user, message: Message) -> bool:
    return bool(user and user.is_authenticated and "operator" in user.role_names
                and user.opd_id is not None and user.opd_id == message.opd_id)


def is_reporter_of(user, message: Message) -> bool:
    return bool(user and user.is_authenticated and message.reporter_id == user.id)


def is_handler(user, message: Message) -> bool:
    """May write internal notes: the admins, and the operators of the OPD holding it."""
    return is_admin(user) or is_operator_of(user, message)


@dataclass(frozen=True)
class Rule:
    sources: tuple
    target: str | None          # None: the status does not change
    may: callable               # (user, message) -> bool
    public: bool = True         # whether the timeline event is shown to the citizen


RULES = {
    "forward": Rule(("baru",), "diteruskan", is_admin),
    "reroute": Rule(("diteruskan",), "diteruskan", is_admin),
    "answer": Rule(("baru",), "selesai", is_admin),
    "close": Rule(("baru",), "ditutup", is_admin),
    "withdraw": Rule(("baru",), "dicabut", is_reporter_of),
    "return": Rule(("diteruskan",), "baru", is_operator_of, public=False),
    "accept": Rule(("diteruskan",), "diproses", is_operator_of),
    "update": Rule(("diproses",), None, is_operator_of),
    "reply": Rule(("diproses",), "selesai", is_operator_of),
    "reopen": Rule(("selesai",), "diproses", is_reporter_of),
    "note": Rule(("baru", "diteruskan", "diproses", "selesai", "ditutup"), None, is_handler,
                 public=False),
    "flags": Rule(("baru", "diteruskan", "diproses", "selesai", "ditutup"), None, is_admin,
                  public=False),
    "rate": Rule(("selesai",), None, is_reporter_of, public=False),
    "reprimand": Rule(("diteruskan", "diproses"), None, is_evaluator, public=False),
}


def allowed_actions(user, message: Message) -> list[str]:
    """The actions this user may take on this message now (for buttons; the server re-checks)."""
    return [name for name, rule in RULES.items()
            if message.status in rule.sources and rule.may(user, message)]


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


def unused_tracking_number() -> str:
    """A fresh tracking number; a clash is astronomically rare, but would lose a submission."""
    while True:
        candidate = new_tracking_number()
        if not db.session.query(Message.query.filter_by(tracking=candidate).exists()).scalar():
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
    if expected_version is not None and str(expected_version) != str(message.version):
        raise StaleError()
    if message.status not in rule.sources:
        raise TransitionError(_l("Tindakan ini tidak dapat dilakukan pada pesan berstatus "
                                 "\"%(status)s\".", status=STATUS_LABELS[message.status]), 409)

    from_status = message.status
    handler = _HANDLERS.get(action)
    public = rule.public
    if handler:
        result = handler(message, actor, note=note, **data)
        if result is not None:
            note, public = result
    if rule.target and message.status == from_status:  # a handler may have chosen another
        message.status = rule.target
    message.updated_at = utcnow()
    event = _event(message, action, actor, from_status, note=note, public=public)
    for attachment in data.get("attachments") or ():
        attachment.event = event
    message_changed.send(message, action=action, actor=actor, event=event, from_status=from_status)
    return event


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
    _apply_flags(message, data)
    now = utcnow()
    message.category, message.subcategory, message.opd = category, subcategory, opd
    message.triaged_at = message.triaged_at or now
    message.forwarded_at = now
    message.answer_due_at = answer_deadline(now, subcategory)
    return (note or None), True


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
    return answer, True


def _close(message, actor, note=None, **data):
    reason = data.get("reason")
    if reason not in CLOSE_REASONS:
        raise TransitionError(_l("Pilih alasan penutupan."))
    text = (note or "").strip()
    if reason == "duplicate":
        original = data.get("duplicate_of")
        if isinstance(original, str):
            original = Message.query.filter_by(tracking=original.strip().upper()).first()
        if original is None or original.id == message.id or original.status == "dicabut":
            raise TransitionError(_l("Nomor tracking pesan asli tidak ditemukan."))
        message.duplicate_of = original
    elif not text:
        raise TransitionError(_l("Tuliskan alasan penutupan yang akan dibaca pelapor."))
    if reason == "spam":
        message.hidden = True
    message.close_reason = f"{CLOSE_REASONS[reason]}: {text}" if text else str(CLOSE_REASONS[reason])
    message.triaged_at = message.triaged_at or utcnow()
    return message.close_reason, True


def _withdraw(message, actor, note=None, **data):
    return (note or None), False


def _return(message, actor, note=None, **data):
    reason = _require(note, _l("Tuliskan alasan pengembalian (misalnya salah OPD)."))
    message.opd = None
    message.forwarded_at = None
    message.answer_due_at = None
    message.triage_due_at = triage_deadline(utcnow())
    return reason, False


def _accept(message, actor, note=None, **data):
    message.accepted_at = utcnow()
    return (note or None), True


def _update(message, actor, note=None, **data):
    return _require(note, _l("Tuliskan isi pembaruan status.")), True


def _reply(message, actor, note=None, **data):
    answer = _require(data.get("answer") or note, _l("Isi tanggapan wajib diisi."))
    message.answer = answer
    message.finished_at = utcnow()
    return answer, True


def _reopen(message, actor, note=None, **data):
    reason = _require(note, _l("Tuliskan alasan mengapa pesan belum terselesaikan."))
    if message.reopen_count >= 1:
        raise TransitionError(_l("Pesan hanya dapat dibuka kembali satu kali."), 409)
    limit = Setting.get_int("reopen_workdays")
    if message.finished_at and workdays_since(message.finished_at, utcnow()) > limit:
        raise TransitionError(_l("Batas %(days)s hari kerja untuk membuka kembali pesan telah "
                                 "lewat.", days=limit), 409)
    if message.opd_id is None:
        # An informasi answered by the admin has no OPD to go back to: it returns to triage.
        message.status = "baru"
        message.triage_due_at = triage_deadline(utcnow())
    else:
        message.forwarded_at = utcnow()
        message.answer_due_at = answer_deadline(message.forwarded_at, message.subcategory)
    message.reopen_count += 1
    message.finished_at = None
    return reason, True


def _note(message, actor, note=None, **data):
    return _require(note, _l("Catatan tidak boleh kosong.")), False


def _apply_flags(message, data):
    changed = []
    for flag in ("anonim", "rahasia", "hidden"):
        if flag in data and data[flag] is not None and bool(data[flag]) != getattr(message, flag):
            setattr(message, flag, bool(data[flag]))
            changed.append(f"{flag}={'ya' if data[flag] else 'tidak'}")
    return changed


def _flags(message, actor, note=None, **data):
    changed = _apply_flags(message, data)
    if not changed:
        raise TransitionError(_l("Tidak ada pengaturan yang berubah."))
    return ", ".join(changed), False


def _rate(message, actor, note=None, **data):
    if message.rating is not None:
        raise TransitionError(_l("Pesan ini sudah Anda nilai."), 409)
    try:
        stars = float(data.get("stars"))
    except (TypeError, ValueError):
        raise TransitionError(_l("Pilih nilai 0,5 sampai 5 bintang.")) from None
    half = stars * 2
    if half != int(half) or not 1 <= half <= 10:
        raise TransitionError(_l("Pilih nilai 0,5 sampai 5 bintang."))
    db.session.add(Rating(message=message, user_id=actor.id, half_stars=int(half),
                          comment=(note or "").strip() or None))
    return f"{stars:g}/5", False


def _reprimand(message, actor, note=None, **data):
    text = _require(note, _l("Isi teguran wajib diisi."))
    db.session.add(Reprimand(message=message, opd_id=message.opd_id, sender_id=actor.id,
                             text=text))
    return text, False


_HANDLERS = {
    "forward": _forward, "reroute": _reroute, "answer": _answer, "close": _close,
    "withdraw": _withdraw, "return": _return, "accept": _accept, "update": _update,
    "reply": _reply, "reopen": _reopen, "note": _note, "flags": _flags, "rate": _rate,
    "reprimand": _reprimand,
}


def acknowledge(reprimand: Reprimand, actor) -> MessageEvent:
    """An operator of the reprimanded OPD acknowledges a teguran."""
    if not (actor.is_authenticated and "operator" in actor.role_names
            and actor.opd_id == reprimand.opd_id):
        raise Forbidden()
    if reprimand.acknowledged_at is not None:
        raise TransitionError(_l("Teguran ini sudah diterima."), 409)
    reprimand.acknowledged_at = utcnow()
    reprimand.acknowledged_by_id = actor.id
    return _event(reprimand.message, "acknowledge", actor, reprimand.message.status,
                  note=reprimand.text, public=False)


def commit():
    """Commit the session; a concurrent writer's newer version becomes a StaleError."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleError() from None
