"""How a reporter can be reached: the phone and email checks every door applies.

Each check returns None for an acceptable value, else the reason to show the person, as
`models.nik.nik_problem` does; an empty value is not checked here (whether a contact is
required is the form's own decision).
"""
import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

# Indonesian numbers, written locally (0...) or with the country code (+62... or 62...): a mobile
# number is 8 followed by 8 to 11 digits; a landline (a village office, a shop) is an area code
# starting 2-7 or 9 followed by the subscriber number, 7 to 11 digits in all. A citizen who
# calls the office from a landline must be reachable on it.
INDONESIAN_NUMBER = re.compile(r"(?:\+62|62|0)(?:8\d{8,11}|[2-79]\d{6,10})")
WRITTEN_NUMBER = re.compile(r"\+?\d[\d -]*")
LONGEST_WRITTEN_NUMBER = 20  # what people type, separators included


def normalise_phone(value: str | None) -> str | None:
    """The number as stored: without spaces and dashes; None when empty."""
    compact = re.sub(r"[\s-]", "", value or "")
    return compact or None


def phone_problem(value: str | None):
    """None when `value` is an Indonesian phone number (or empty), else the reason."""
    written = (value or "").strip()
    if not written:
        return None
    if len(written) > LONGEST_WRITTEN_NUMBER or not WRITTEN_NUMBER.fullmatch(written):
        return _l("Nomor telepon tidak valid: tulis angka saja, boleh dengan spasi atau tanda "
                  "hubung (contoh: 0812-3456-7890).")
    if not INDONESIAN_NUMBER.fullmatch(normalise_phone(written)):
        return _l("Nomor telepon tidak valid: gunakan nomor Indonesia yang diawali 0, +62 "
                  "atau 62 (contoh: 081234567890 atau 0541-123456).")
    return None


def email_problem(value: str | None):
    """None when `value` is a well-formed email address (or empty), else the reason.

    Only the form of the address is checked, never DNS: a check must not wait on the network.
    """
    written = (value or "").strip()
    if not written:
        return None
    try:
        validate_email(written, check_deliverability=False)
    except EmailNotValidError:
        return _l("Alamat email tidak valid.")
    return None


def normalise_email(value: str | None) -> str | None:
    """The address as stored (domain in lower case); None when empty. Check it first."""
    written = (value or "").strip()
    if not written:
        return None
    return validate_email(written, check_deliverability=False).normalized
