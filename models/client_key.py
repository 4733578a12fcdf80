"""A submission's client key: the phone's own name for a message it may have to send twice.

A phone that wrote a message without signal keeps it and sends it when the signal returns; a
connection that drops before the answer arrives makes it send the same message again. Each
submission therefore carries a random UUID made on the phone. The first POST with a key keeps
the message under it; any later POST with that key from the same sender is answered with the
message already kept, so one message exists however often it arrives, even when two copies
arrive at the same moment (the column is unique; the loser of that race is rolled back). A
key that belongs to another sender is refused without saying whose it is.
"""
import uuid
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from models import db
from models.errors import DomainError
from models.message import Message
from models.roles import is_reporter_of


class KeyTaken(DomainError):
    def __init__(self):
        super().__init__(_l("Kode pengiriman ini sudah dipakai untuk pesan lain. Tidak ada yang "
                            "disimpan; muat ulang formulir lalu kirim lagi."))


def client_key_problem(value: str | None):
    """None when `value` is empty or a UUID written the usual way, else the reason to show."""
    if not value:
        return None
    try:
        usual = str(uuid.UUID(value)) == normalised(value)
    except (ValueError, TypeError):
        usual = False
    if not usual:
        return _l("Kode pengiriman formulir tidak sah. Tidak ada yang disimpan; muat ulang "
                  "formulir lalu kirim lagi.")
    return None


def normalised(value: str | None) -> str | None:
    """The key as stored (lower case), None for an empty one. Check it first."""
    return value.strip().lower() if value and value.strip() else None


def _same_sender(message: Message, reporter, guest_nik) -> bool:
    if reporter is not None:
        return is_reporter_of(reporter, message)
    return message.reporter_id is None and message.guest_nik == guest_nik


def earlier_submission(key: str | None, *, reporter=None, guest_nik=None) -> Message | None:
    """The message already kept under `key` by this sender (a reporter, or a guest by NIK);
    None when the key is new. Raises KeyTaken when another sender used it."""
    if not key:
        return None
    earlier = Message.query.filter_by(client_key=key).first()
    if earlier is None:
        return None
    if not _same_sender(earlier, reporter, guest_nik):
        raise KeyTaken()
    return earlier


def keep_once(create: Callable[[], Message], key: str | None, *, reporter=None,
              guest_nik=None) -> Message:
    """The message kept under `key` for this sender (a reporter, or a guest by NIK), made by
    `create` (which adds it and commits) when the key is new.

    A key already kept answers with that message and `create` is not run; when the same key
    is committed meanwhile (two copies of one submission arriving together), this copy is
    rolled back and the one kept is returned. Raises KeyTaken when the key is another
    sender's."""
    earlier = earlier_submission(key, reporter=reporter, guest_nik=guest_nik)
    if earlier is not None:
        return earlier
    try:
        return create()
    except IntegrityError:
        db.session.rollback()
        earlier = earlier_submission(key, reporter=reporter, guest_nik=guest_nik)
        if earlier is None:
            raise
        return earlier
