"""The health check behind /healthz: can the service read, write and keep attachments?

Each check answers "ok" or a short phrase naming what is wrong; the page is healthy only
when every check is "ok". The checks leave nothing behind: the database write is rolled
back and the probe file in the upload folder is removed.
"""
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from models import db

OK = "ok"


def database_answers() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return "unavailable"
    return OK


def database_accepts_writes() -> str:
    try:
        if db.engine.dialect.name == "postgresql":
            return _postgresql_writable()
        return _sqlite_writable()
    except Exception:  # noqa: BLE001 - an unreadable answer is as bad as a refusal
        return "unavailable"


def _postgresql_writable() -> str:
    # A standby, or a server set to read-only transactions, refuses every submission.
    with db.engine.connect() as conn:
        recovering, read_only = conn.execute(text(
            "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")).one()
    return "read-only" if recovering or read_only == "on" else OK


def _sqlite_writable() -> str:
    # SQLite only finds out that a file (or its folder or file system) is read-only when it
    # tries to write, so write the header's user_version back unchanged and roll it back.
    import sqlite3

    raw = db.engine.raw_connection()
    conn = raw.driver_connection
    try:
        if conn.in_transaction:
            conn.rollback()
        conn.execute("BEGIN")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(f"PRAGMA user_version = {version}")
    except sqlite3.OperationalError as error:
        message = str(error).lower()
        if "readonly" in message or "read-only" in message:
            return "read-only"
        if "locked" in message or "busy" in message:
            return OK  # another process holds the write lock: the file takes writes
        raise
    finally:
        if conn.in_transaction:
            conn.rollback()
        raw.close()
    return OK


def uploads_writable() -> str:
    folder = Path(current_app.config["UPLOAD_DIR"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-") as probe:
            probe.write(b"ok")
            probe.flush()
    except OSError:
        return "not writable"
    return OK


def worker_backlog() -> dict:
    """How many submissions wait for the background worker to announce them, and how long the
    oldest has waited: a backlog that only grows means the worker is not running."""
    from models import PendingAnnouncement, utcnow

    try:
        waiting, oldest = db.session.query(db.func.count(PendingAnnouncement.id),
                                           db.func.min(PendingAnnouncement.created_at)).one()
    except Exception:  # noqa: BLE001 - the database checks above say what is wrong
        db.session.rollback()
        return {"waiting": None, "oldest_seconds": None}
    age = int((utcnow() - oldest).total_seconds()) if oldest else 0
    return {"waiting": waiting, "oldest_seconds": age}


def report() -> tuple[dict, int]:
    """The JSON body of /healthz and its status code (200 when all is well, else 503).

    The worker's backlog is reported beside the checks, for monitoring, but does not make the
    page fail: these web workers still take submissions while the worker is down."""
    checks = {"database": database_answers()}
    checks["database_write"] = (database_accepts_writes() if checks["database"] == OK
                                else "not checked")
    checks["uploads"] = uploads_writable()
    healthy = all(value == OK for value in checks.values())
    body = {"status": "ok" if healthy else "error", "checks": checks,
            "worker": worker_backlog() if checks["database"] == OK else None}
    return body, 200 if healthy else 503
