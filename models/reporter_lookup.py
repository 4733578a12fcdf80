"""Finding messages by who sent them: a NIK, a phone number or an email address typed into a
staff search, matched against the guest's details and the reporter's account.

Only those who see every reporter may search so (`access.may_search_by_reporter`: admins);
for anyone else a hit would tell who sent a message they may not know the sender of. The door
that runs such a search writes it to the audit log (`audit_line` says what to write: the kind
and the value with its middle hidden, never the whole NIK, phone or address again).
"""
from sqlalchemy import func, or_, select

from models.access import mask_nik
from models.contact import INDONESIAN_NUMBER, email_problem, normalise_phone
from models.message import Message
from models.nik import looks_like_nik
from models.user import User

KINDS = ("nik", "telepon", "email")
# The audit action of a search by a reporter's contact (its detail: `audit_line`).
SEARCH_ACTION = "pesan.cari_pelapor"


def contact_kind(term: str | None) -> str | None:
    """Which contact `term` is written as ("nik", "telepon", "email"), or None for plain text."""
    term = (term or "").strip()
    if looks_like_nik(term):
        return "nik"
    if "@" in term and " " not in term and email_problem(term) is None:
        return "email"
    compact = normalise_phone(term) or ""
    if len(term) <= 20 and INDONESIAN_NUMBER.fullmatch(compact):
        return "telepon"
    return None


def phone_spellings(term: str) -> list[str]:
    """The ways one number is stored: 0812..., +62812..., 62812..."""
    number = normalise_phone(term) or ""
    for prefix in ("+62", "62", "0"):
        if number.startswith(prefix):
            rest = number[len(prefix):]
            return ["0" + rest, "+62" + rest, "62" + rest]
    return [number]


def matching_reporter(guest_column, user_column, values):
    """Messages whose guest, or whose reporter's account, has one of `values` in this field."""
    reporters = select(User.id).where(user_column.in_(values))
    return or_(guest_column.in_(values), Message.reporter_id.in_(reporters))


def reporter_contact_clause(term: str):
    """Messages whose guest or reporter has this NIK, phone number or email; None when `term`
    is none of them."""
    kind = contact_kind(term)
    term = term.strip()
    if kind == "nik":
        return matching_reporter(Message.guest_nik, User.nik, [term])
    if kind == "telepon":
        return matching_reporter(Message.guest_phone, User.phone, phone_spellings(term))
    if kind == "email":
        address = term.lower()
        reporters = select(User.id).where(func.lower(User.email) == address)
        return or_(func.lower(Message.guest_email) == address, Message.reporter_id.in_(reporters))
    return None


def hidden_middle(term: str) -> str:
    """The searched value as the audit log keeps it: enough to recognise, not to reuse."""
    term = term.strip()
    kind = contact_kind(term)
    if kind == "nik":
        return mask_nik(term)
    if kind == "email":
        name, _at, domain = term.lower().partition("@")
        return f"{name[:2]}***@{domain}"
    # A number as it is stored, however it was typed: one number is kept one way per prefix.
    number = normalise_phone(term) if kind == "telepon" else term
    return number[:4] + "*" * max(len(number) - 7, 0) + number[-3:]


def audit_lines_of(nik: str | None, email: str | None, phone: str | None) -> set[str]:
    """The audit details a search for this NIK, email or phone number (any prefix) leaves."""
    terms = [nik, email, *(phone_spellings(phone) if phone else [])]
    return {audit_line(term) for term in terms if term and contact_kind(term)}


def audit_line(term: str) -> str:
    """The audit row's detail for a search by `term` (a contact, see `contact_kind`)."""
    return f"cari {contact_kind(term)}: {hidden_middle(term)}"
