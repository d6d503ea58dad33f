"""Live readers in a SQLite file in the data folder: shared by every worker on one host.

The default without Redis, because ``broadsheet serve`` runs several worker processes and an
in-process dictionary would give each its own counts. It is a separate file from the site's
database, so beats never wait for the site's write lock, and it holds nothing worth keeping:
synchronous=OFF is safe, and a lost file only forgets the last 90 seconds.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from broadsheet.live.backends import rank

_SCHEMA = """
CREATE TABLE IF NOT EXISTS readers (
    scope TEXT NOT NULL, visitor BLOB NOT NULL, item TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (scope, visitor)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS readers_at ON readers (scope, at);
CREATE INDEX IF NOT EXISTS readers_item ON readers (scope, item, at);
"""


class SqliteBackend:
    def __init__(self, path: Path, window: float, min_interval: float) -> None:
        self.window = window
        self.min_interval = min_interval
        self.path = path
        self._local = threading.local()
        self._pruned = 0.0

    def _db(self) -> sqlite3.Connection:
        # One connection per thread and process: a connection must not cross a fork.
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=1.0, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")
            conn.executescript(_SCHEMA)
            # From here _write() retries a locked database itself, yielding the CPU, where
            # SQLite's busy handler would sleep a millisecond or more for a 20 µs write.
            conn.execute("PRAGMA busy_timeout=0")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _write(self, db: sqlite3.Connection, sql: str, args: tuple[object, ...]) -> int:
        """Run one write statement, retrying for up to a second while another process writes."""
        deadline = time.monotonic() + 1.0
        while True:
            try:
                return db.execute(sql, args).rowcount
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                os.sched_yield()

    def _prune(self, db: sqlite3.Connection, scope: str, now: float) -> None:
        sql = "DELETE FROM readers WHERE scope = ? AND at <= ?"
        self._write(db, sql, (scope, now - self.window))
        self._pruned = now

    def beat(
        self, scope: str, visitor: bytes, item: str, now: float, previous: bytes | None = None
    ) -> bool:
        db = self._db()
        # Expired rows are ignored when counting; deleting them once a second is enough.
        if not 0 <= now - self._pruned < 1:
            self._prune(db, scope, now)
        if previous is not None:
            sql = "DELETE FROM readers WHERE scope = ? AND visitor = ?"
            self._write(db, sql, (scope, previous))
        # One statement, so one implicit transaction: the repeat rule is the upsert's WHERE.
        changed = self._write(
            db,
            "INSERT INTO readers (scope, visitor, item, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (scope, visitor) DO UPDATE SET item = excluded.item, at = excluded.at "
            "WHERE NOT (readers.item = excluded.item AND readers.at > ? AND ? - readers.at < ?)",
            (scope, visitor, item, now, now - self.window, now, self.min_interval),
        )
        return changed == 1

    def leave(self, scope: str, visitor: bytes, item: str, now: float) -> None:
        sql = "DELETE FROM readers WHERE scope = ? AND visitor = ? AND item = ?"
        self._write(self._db(), sql, (scope, visitor, item))

    def counts(self, scope: str, now: float) -> dict[str, int]:
        db = self._db()
        self._prune(db, scope, now)
        rows = db.execute(
            "SELECT item, count(*) FROM readers WHERE scope = ? AND at > ? GROUP BY item",
            (scope, now - self.window),
        )
        return dict(rows)

    def top(self, scope: str, n: int, minimum: int, now: float) -> list[tuple[str, int]]:
        return rank(self.counts(scope, now), n, minimum)

    def clear(self) -> None:
        self._db().execute("DELETE FROM readers")
