"""SQLite writers wait their turn on the queue's file lock; readers never wait."""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import OperationalError
from django.db.utils import ConnectionHandler
from django.test import SimpleTestCase


@contextmanager
def atomic(connection: Any) -> Iterator[Any]:
    """What transaction.atomic does, on a connection of our own handler."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        with connection.cursor() as cursor:
            yield cursor
    except BaseException:
        connection.rollback()
        raise
    else:
        connection.commit()
    finally:
        connection.set_autocommit(True)


class WriterQueueTests(SimpleTestCase):
    databases = {"default"}  # lets the test open connections of its own handler

    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = Path(folder.name, "q.sqlite3")
        self.handler = ConnectionHandler(
            {
                "default": {
                    "ENGINE": "broadsheet.lib.sqlite",
                    "NAME": str(self.path),
                    "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.3},
                }
            }
        )
        self.addCleanup(self.handler.close_all)
        with self.handler["default"].cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("CREATE TABLE t (who TEXT)")

    def write(self, who: str) -> None:
        """Insert a row in a transaction, from another thread (with its own connection)."""
        connection = self.handler["default"]
        try:
            with atomic(connection) as cursor:
                cursor.execute("INSERT INTO t VALUES (%s)", [who])
        finally:
            connection.close()

    def rows(self) -> list[str]:
        with self.handler["default"].cursor() as cursor:
            cursor.execute("SELECT who FROM t")
            return [who for (who,) in cursor.fetchall()]

    def turn_taken(self) -> bool:
        """Whether some connection holds the writers' turn (the lock file beside the database)."""
        fd = os.open(f"{self.path}.writer", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def test_a_transaction_holds_the_writers_turn_until_it_ends(self) -> None:
        self.assertFalse(self.turn_taken())
        with atomic(self.handler["default"]) as cursor:
            self.assertTrue(self.turn_taken())
            cursor.execute("INSERT INTO t VALUES ('one')")
        self.assertFalse(self.turn_taken())
        self.rows()  # reading takes no turn
        self.assertFalse(self.turn_taken())

    def test_a_writer_waits_for_the_one_before_then_goes(self) -> None:
        second = threading.Thread(target=self.write, args=["second"])
        with atomic(self.handler["default"]) as cursor:
            cursor.execute("INSERT INTO t VALUES ('first')")
            second.start()
            second.join(0.1)
            self.assertTrue(second.is_alive(), "the second writer did not wait")
        second.join(5)
        self.assertFalse(second.is_alive())
        self.assertEqual(self.rows(), ["first", "second"])

    def test_readers_do_not_wait_for_a_writer(self) -> None:
        seen: list[list[str]] = []

        def read() -> None:
            try:
                seen.append(self.rows())
            finally:
                self.handler["default"].close()

        with atomic(self.handler["default"]) as cursor:
            cursor.execute("INSERT INTO t VALUES ('uncommitted')")
            reader = threading.Thread(target=read)
            reader.start()
            reader.join(5)
        self.assertEqual(seen, [[]])

    def test_a_writer_kept_waiting_past_the_timeout_is_told_the_database_is_locked(self) -> None:
        failed: list[BaseException] = []

        def write() -> None:
            try:
                self.write("late")
            except OperationalError as error:
                failed.append(error)

        with atomic(self.handler["default"]):
            late = threading.Thread(target=write)
            late.start()
            late.join(5)
        self.assertEqual([str(error) for error in failed], ["database is locked"])
        self.write("later")  # the turn was handed back: the next writer goes at once
        self.assertEqual(self.rows(), ["later"])

    def test_a_rolled_back_writer_hands_the_turn_on(self) -> None:
        with self.assertRaises(ZeroDivisionError), atomic(self.handler["default"]) as cursor:
            cursor.execute("INSERT INTO t VALUES ('undone')")
            1 / 0  # noqa: B018
        writer = threading.Thread(target=self.write, args=["next"])
        writer.start()
        writer.join(5)
        self.assertEqual(self.rows(), ["next"])
