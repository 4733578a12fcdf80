"""Small helpers shared by the models."""
from collections.abc import Callable
from datetime import UTC, datetime
from threading import Lock

from sqlalchemy import event, text
from sqlalchemy.engine import Engine


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


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


_JOINS_AS_WRITTEN = text("SET LOCAL join_collapse_limit = 1").execution_options(read_only=True)


def joins_as_written(session) -> None:
    """Have PostgreSQL join the tables of this transaction's queries in the order written.

    Planning a query, PostgreSQL weighs every order of its joins: for the message page's one
    row and the eight rows joined to it by their keys, 2 ms of planning for 0.15 ms of work
    (0.4 ms when it keeps the written order, which for joins by key from one row is the best).
    It lasts until the transaction ends; SQLite plans joins in no time and is not asked."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_JOINS_AS_WRITTEN)


_KEPT_STATEMENTS: dict = {}
_KEPT_STATEMENTS_AT_MOST = 512
_KEPT_STATEMENTS_LOCK = Lock()


def kept_statement(name, condition, build: Callable):
    """`build()`, a statement built around `condition`, kept under `name` (anything hashable
    that tells the statements apart but the condition) for every later `condition` with the
    same SQL and the same values (a viewer's scope: an OPD's operators share one).

    Before running a statement, SQLAlchemy works out its cache key, whose cost grows with its
    loader options: for the message page's query (eight rows joined), building it and working
    out its key took as long as running it. A kept statement has its key already; what varies
    between runs must be a named `bindparam`, given at execution. At most 512 are kept (the
    oldest forgotten first): one per OPD, per set of monitored sub categories and one for
    everyone who sees all."""
    # The key SQLAlchemy finds compiled SQL by (its documented CacheKey: the SQL's structure and
    # its bound parameters), as SQLAlchemy's own result-caching example reads it.
    key = condition._generate_cache_key()
    if key is None:  # a condition SQLAlchemy does not cache
        return build()
    values = tuple(tuple(value) if isinstance(value, list) else value
                   for value in (bind.effective_value for bind in key.bindparams))
    kept_key = (name, key.key, values)
    try:
        hash(kept_key)
    except TypeError:  # a value that cannot be a key: built every time
        return build()
    with _KEPT_STATEMENTS_LOCK:  # threaded servers: one change of the dict at a time
        statement = _KEPT_STATEMENTS.pop(kept_key, None)
        if statement is None:
            statement = build()
            if len(_KEPT_STATEMENTS) >= _KEPT_STATEMENTS_AT_MOST:
                del _KEPT_STATEMENTS[next(iter(_KEPT_STATEMENTS))]
        _KEPT_STATEMENTS[kept_key] = statement  # the most recently used last
    return statement
