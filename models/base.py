"""Small helpers shared by the models."""
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.orm import Session


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def per_session(session, key: str, compute: Callable):
    """`compute()` once per database session (one request), for small tables a page asks
    about once per row: the settings and the public holidays. Any write (a flush) forgets
    the remembered values, so a page never reads back an outdated one."""
    memo = session.info.setdefault("per_session", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@event.listens_for(Session, "after_flush")
def _forget_remembered(session, _context):
    session.info.pop("per_session", None)
