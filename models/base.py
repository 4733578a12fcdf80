"""Small helpers shared by the models."""
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.engine import Engine
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


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany):
    """Any statement but a SELECT built with SQLAlchemy, or one marked
    `execution_options(read_only=True)`, may write: the transaction is marked."""
    compiled = getattr(context, "compiled", None)
    if not (context.execution_options.get("read_only")
            or (compiled is not None and getattr(compiled.statement, "is_select", False))):
        conn.info["wrote"] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget_writes(conn):
    conn.info.pop("wrote", None)


def transaction_wrote(connection) -> bool:
    """Whether the connection's transaction ran a statement that may have written."""
    return bool(connection.info.get("wrote"))
