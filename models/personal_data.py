"""A citizen's personal data (UU 27/2022): everything the service holds about one account,
and closing the account.

Closing erases who the citizen is (name, NIK, contact, address, birth data, photo, sign-in)
while the messages stay on record for the government's accountability, shown as anonymous to
everyone from then on (`access.reporter_view` reads `User.closed_at`). What else named them
goes too: mail to them (waiting mail is dropped, sent mail keeps only when it went out), their
name and contact in mail still waiting for others, and the audit's traces of them (their
username, the masked NIK, phone or email a staff search for them kept).
"""
import re
import secrets
import uuid
from datetime import date, datetime

from sqlalchemy import func, or_

from models import db
from models.access import downloadable_attachments, reporter_timeline
from models.audit import AuditLog, record
from models.base import utcnow
from models.feedback import Rating
from models.message import Message
from models.notification import Notification, QueuedMail
from models.reporter_lookup import SEARCH_ACTION, audit_lines_of, phone_spellings
from models.user import User

ERASED = "[dihapus: akun ditutup]"


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _row(obj, *names) -> dict:
    return {name: _plain(getattr(obj, name)) for name in names}


def attachment_archive_name(attachment) -> str:
    """Where an attachment lies inside the download (unique, and keeps the original name)."""
    safe = attachment.filename.replace("/", "_").replace("\\", "_")
    return f"lampiran/{attachment.message.tracking}/{attachment.id}-{safe}"


PHOTO_ARCHIVE_NAME = "foto-profil.jpg"

PROFILE_FIELDS = ("id", "username", "email", "nik", "full_name", "birth_place", "birth_date",
                  "religion", "gender", "phone", "address", "locale", "create_datetime",
                  "confirmed_at", "last_login_at", "current_login_at", "last_login_ip",
                  "current_login_ip", "login_count")
MESSAGE_FIELDS = ("tracking", "status", "channel", "perihal", "body", "kabupaten", "address",
                  "latitude", "longitude", "event_date", "anonim", "rahasia", "answer",
                  "close_reason", "created_at", "updated_at", "finished_at")


def _message(user: User, message: Message) -> dict:
    data = _row(message, *MESSAGE_FIELDS)
    data["category"] = message.category.name if message.category else None
    data["subcategory"] = message.subcategory.name if message.subcategory else None
    data["opd"] = message.opd.name if message.opd else None
    # The timeline as the citizen reads it on /riwayat, without staff names.
    data["timeline"] = [{**_row(e, "created_at", "action", "from_status", "to_status", "note"),
                         "opd": e.opd.name if e.opd else None} for e in reporter_timeline(message)]
    # The files as /riwayat lists them: an OPD's reply files wait, like its reply, for the check.
    data["attachments"] = [{**_row(a, "filename", "kind", "content_type", "size", "created_at"),
                            "file": attachment_archive_name(a)}
                           for a in downloadable_attachments(user, message)]
    return data


def own_messages(user):
    return Message.query.filter(Message.reporter_id == user.id).order_by(Message.id).all()


def personal_data(user: User) -> dict:
    """Everything the service holds about `user`, as plain JSON-ready data."""
    profile = _row(user, *PROFILE_FIELDS)
    profile["photo"] = PHOTO_ARCHIVE_NAME if user.photo_path else None
    ratings = Rating.query.filter_by(user_id=user.id).order_by(Rating.id).all()
    notifications = Notification.query.filter_by(user_id=user.id).order_by(Notification.id).all()
    mails = QueuedMail.query.filter_by(recipient=user.email).order_by(QueuedMail.id).all()
    audit = AuditLog.query.filter(db.or_(
        AuditLog.user_id == user.id,
        db.and_(AuditLog.object_type == "User", AuditLog.object_id == str(user.id)),
    )).order_by(AuditLog.id).all()
    return {
        "profile": profile,
        "messages": [_message(user, m) for m in own_messages(user)],
        "ratings": [{**_row(r, "stars", "comment", "created_at"),
                     "tracking": r.message.tracking} for r in ratings],
        "notifications": [{**_row(n, "kind", "text", "created_at", "read_at"),
                           "tracking": n.message.tracking if n.message else None}
                          for n in notifications],
        "mails": [_row(m, "recipient", "subject", "body", "created_at", "sent_at")
                  for m in mails],
        # Rows about the citizen written by staff name the action only, not the staff member.
        "audit": [{**_row(a, "at", "action", "object_type", "object_id"),
                   **(_row(a, "ip", "detail") if a.user_id == user.id else {})}
                  for a in audit],
    }


def personal_files(user: User, upload_dir) -> list[tuple[str, object]]:
    """(name inside the download, path on disk) of the citizen's files that still exist."""
    files = []
    if user.photo_path and (upload_dir / user.photo_path).is_file():
        files.append((PHOTO_ARCHIVE_NAME, upload_dir / user.photo_path))
    for message in own_messages(user):
        for attachment in downloadable_attachments(user, message):
            path = upload_dir / attachment.stored_name
            if path.is_file():
                files.append((attachment_archive_name(attachment), path))
    return files


def closed_email(user: User) -> str:
    """A unique address under the reserved .invalid domain: it can never receive mail."""
    return f"closed-{user.id}@invalid"


def close_account(user: User, upload_dir):
    """Erase the citizen's identity and disable sign-in; their messages stay, anonymous.

    The caller commits, then deletes the returned photo file (None: no photo): deleting it
    only after the commit means a failed commit never leaves a profile without its photo.
    """
    photo = upload_dir / user.photo_path if user.photo_path else None
    record("akun.tutup", user, detail="akun ditutup oleh pemiliknya; data pribadi dihapus",
           user=user)
    placeholder = closed_email(user)
    for message in own_messages(user):
        message.anonim = True
    _erase_from_mail(user, placeholder)
    Notification.query.filter_by(user_id=user.id).delete()
    _erase_from_audit(user)
    user.email = placeholder
    for field in ("username", "nik", "full_name", "birth_place", "birth_date", "religion",
                  "gender", "phone", "address", "photo_path", "last_login_ip",
                  "current_login_ip", "password"):
        setattr(user, field, None)
    user.active = False
    user.fs_uniquifier = uuid.uuid4().hex + secrets.token_hex(8)  # ends every open session
    user.closed_at = utcnow()
    return photo


def _identity(user: User) -> list[str]:
    """The values that name the person: what a mail or an audit line could hold of them."""
    values = [user.full_name, user.username, user.email, user.nik, user.address,
              *(phone_spellings(user.phone) if user.phone else [])]
    return [value.strip() for value in values if value and len(value.strip()) >= 3]


def _without(text: str | None, identity: list[str]) -> str | None:
    """`text` with each whole occurrence of the identity's values (any case) erased."""
    if not text:
        return text
    longest_first = sorted(identity, key=len, reverse=True)
    pattern = "|".join(re.escape(value) for value in longest_first)
    return re.sub(rf"(?<!\w)(?:{pattern})(?!\w)", ERASED, text, flags=re.IGNORECASE)


def _erase_from_mail(user: User, placeholder: str) -> None:
    own = func.lower(QueuedMail.recipient) == user.email.lower()
    # Mail not yet sent to the old address would reach someone who asked to be forgotten.
    QueuedMail.query.filter(own, QueuedMail.sent_at.is_(None)).delete(synchronize_session=False)
    # Mail sent stays on record (when each notice went out), without what it said to them.
    QueuedMail.query.filter(own).update(
        {"recipient": placeholder, "subject": ERASED, "body": ERASED, "html": None},
        synchronize_session=False)
    # Mail to someone else keeps nothing that names this person: what still waits goes out
    # without it, and the stored copy of what went out loses it.
    identity = _identity(user)
    naming = [column.icontains(value, autoescape=True) for value in identity
              for column in (QueuedMail.subject, QueuedMail.body, QueuedMail.html)]
    for mail in QueuedMail.query.filter(or_(*naming)):
        mail.subject = _without(mail.subject, identity)
        mail.body = _without(mail.body, identity)
        mail.html = _without(mail.html, identity)


def _erase_from_audit(user: User) -> None:
    """The audit trail keeps what happened and the account's id, not who the person was."""
    identity = _identity(user)
    about = or_(AuditLog.user_id == user.id,
                db.and_(AuditLog.object_type == "User", AuditLog.object_id == str(user.id)))
    for row in AuditLog.query.filter(about):
        row.detail = _without(row.detail, identity)
        if row.user_id == user.id:
            row.username = f"closed-{user.id}"
    # A search by their contact keeps it masked, still enough to recognise them: it goes. A
    # search for someone else whose masked value looks the same loses it too.
    searched = {line.lower() for line in audit_lines_of(user.nik, user.email, user.phone)}
    for row in AuditLog.query.filter(AuditLog.action == SEARCH_ACTION,
                                     func.lower(AuditLog.detail).in_(searched)):
        kind = row.detail.partition(":")[0]
        row.detail = f"{kind}: {ERASED}"
