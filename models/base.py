"""Small helpers shared by the models."""
from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


# Every id column is an Integer: 32 bits signed in PostgreSQL. A larger number names no row,
# and asking the database for it is an error (PostgreSQL: out of range; SQLite: too large).
LARGEST_ID = 2**31 - 1


def as_row_id(value) -> int | None:
    """`value` (a number or its digits) as an id a row may have, or None when it cannot be one."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= LARGEST_ID else None
