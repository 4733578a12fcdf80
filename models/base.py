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
    about once per row (the settings, the public holidays) and for the unread badge. Any
    write (a flush) and the end of a transaction forget the remembered values, so a page never
    reads back an outdated one, even after a write that bypassed the session (a bulk UPDATE)."""
    memo = session.info.setdefault("per_session", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_remembered(session, *_):
    session.info.pop("per_session", None)
