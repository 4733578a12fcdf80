"""Rate-limit counts in one SQLite file, shared by every process of one machine.

Counts kept in memory belong to one process: with several gunicorn workers each would let the
whole limit through. Without Redis (RATELIMIT_STORAGE_URI, which several machines share) the
counts therefore live in a file under instance/ that every worker reads and writes. Each
change is one statement, so two workers counting the same key at once never lose a count.

The store is registered with the `limits` library under the scheme `aspirasi+sqlite` through
its public extension point (a subclass of `limits.storage.Storage` naming its scheme), and
serves Flask-Limiter's fixed-window strategy, the one the app uses.
"""
import os
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from limits.storage import Storage

SCHEME = "aspirasi+sqlite"
# Expired counts are removed at most this often (seconds) by each process.
PURGE_EVERY = 60

SCHEMA = ("CREATE TABLE IF NOT EXISTS counts (key TEXT PRIMARY KEY, value INTEGER NOT NULL, "
          "expires REAL NOT NULL) WITHOUT ROWID")
# A count whose window has ended starts again at `amount`, with a new window.
INCREMENT = """
INSERT INTO counts (key, value, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN expires > :now THEN value + excluded.value ELSE excluded.value END,
    expires = CASE WHEN expires > :now THEN expires ELSE excluded.expires END
RETURNING value
"""


def uri_for(path: Path) -> str:
    return f"{SCHEME}://{quote(str(path.resolve()))}"


class SqliteStorage(Storage):
    """`aspirasi+sqlite:///absolute/path/to/file.db`. Each thread has its own connection in
    autocommit mode, and reads every statement to its end (fetchall), which commits a change
    or ends a read there and then."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(unquote(urlparse(uri).path))
        self.local = threading.local()
        self.purged_at = 0.0

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened at its first count. A worker forked from a process
        that had one opens its own: a SQLite connection must not cross a fork."""
        local = self.local
        if getattr(local, "pid", None) != os.getpid():
            local.connection = self.connect()
            local.pid = os.getpid()
        return local.connection

    def connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The keys name addresses and accounts: the file is its owner's only, from the start.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        # Write-ahead log: readers never wait for a writer. NORMAL: a count may be lost at a
        # power cut, the file never.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(SCHEMA)
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        connection = self.connection()
        if now - self.purged_at > PURGE_EVERY:
            self.purged_at = now
            connection.execute("DELETE FROM counts WHERE expires <= ?", (now,))
        rows = connection.execute(INCREMENT, {"key": key, "amount": amount, "now": now,
                                              "expiry": expiry}).fetchall()
        return rows[0][0]

    def get(self, key: str) -> int:
        rows = self.connection().execute(
            "SELECT value FROM counts WHERE key = ? AND expires > ?", (key, time.time())
        ).fetchall()
        return rows[0][0] if rows else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        rows = self.connection().execute(
            "SELECT expires FROM counts WHERE key = ? AND expires > ?", (key, now)).fetchall()
        return rows[0][0] if rows else now

    def check(self) -> bool:
        try:
            self.connection().execute("SELECT 1 FROM counts LIMIT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self.connection().execute("DELETE FROM counts").rowcount

    def clear(self, key: str) -> None:
        self.connection().execute("DELETE FROM counts WHERE key = ?", (key,))
