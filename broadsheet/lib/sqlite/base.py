"""SQLite whose writers queue on a file lock, so a waiting writer starts the moment it is free.

SQLite lets one transaction write at a time. A writer that finds the database locked sleeps and
tries again (after 1, 2, 5, 10… ms), however soon the lock was released: with two workers
writing small transactions, about one Akismet comment-check in two slept a millisecond or more,
longer than the check itself. A ``flock`` on a file beside the database hands the turn
over (within 0.1 ms) when the holder commits. Readers never take it (WAL lets them read during a
write).
"""

from __future__ import annotations

import fcntl
import os
import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _turn_fd: int | None = None
    _has_turn = False

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            self._turn_fd = os.open(f"{self.settings_dict['NAME']}.writer", os.O_RDWR | os.O_CREAT)
        return connection

    def set_autocommit(
        self, autocommit: bool, force_begin_transaction_with_broken_autocommit: bool = False
    ) -> None:
        # Django starts every atomic block's transaction here (BEGIN IMMEDIATE on SQLite).
        if not autocommit and force_begin_transaction_with_broken_autocommit:
            self._take_turn()
        try:
            super().set_autocommit(autocommit, force_begin_transaction_with_broken_autocommit)
        except BaseException:
            self._end_turn()
            raise

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end_turn()
            if self._turn_fd is not None and self.connection is None:
                os.close(self._turn_fd)
                self._turn_fd = None

    def _take_turn(self) -> None:
        if self._turn_fd is None or self._has_turn:
            return
        # flock cannot time out, so poll, every 0.1 ms (a turn usually comes within a
        # millisecond), then every 1 ms; give up like SQLite after the connection's timeout.
        start = time.monotonic()
        while True:
            try:
                fcntl.flock(self._turn_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited > self.settings_dict["OPTIONS"].get("timeout", 5):
                    raise OperationalError("database is locked") from None
                time.sleep(0.0001 if waited < 0.02 else 0.001)
        self._has_turn = True

    def _end_turn(self) -> None:
        if self._has_turn:
            self._has_turn = False
            assert self._turn_fd is not None
            fcntl.flock(self._turn_fd, fcntl.LOCK_UN)
