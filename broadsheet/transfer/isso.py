"""Reading an Isso comment database (SQLite): its threads are pages of another site."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from broadsheet.comments.models import Comment
from broadsheet.transfer.records import CommentRecord, Record, ThreadRecord
from broadsheet.transfer.xmlstream import BadFile

# Isso's comment modes.
STATUS = {1: Comment.Status.APPROVED, 2: Comment.Status.PENDING, 4: Comment.Status.TRASH}


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise BadFile(f"{path} is not a file")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        connection.close()
        raise BadFile(f"this is not an Isso database: {error}") from None
    if not {"threads", "comments"} <= tables:
        connection.close()
        raise BadFile("this is not an Isso database: it has no threads and comments tables")
    return connection


def count(path: Path) -> int:
    with closing(_connect(path)) as connection:
        return int(connection.execute("SELECT count(*) FROM comments").fetchone()[0])


def _when(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value else None


def read(
    path: Path, *, origin: str, progress: Callable[[int], Any] | None = None
) -> Iterator[Record]:
    """``origin`` is the site Isso served (``https://blog.example``): Isso keeps only paths."""
    with closing(_connect(path)) as connection:
        try:
            for tid, uri, title in connection.execute("SELECT id, uri, title FROM threads"):
                yield ThreadRecord(str(tid), 0, f"{origin.rstrip('/')}{uri}", title or "")
            rows = connection.execute(
                "SELECT tid, id, parent, created, modified, mode, remote_addr, text, author,"
                " email, website, likes, dislikes FROM comments ORDER BY id"
            )
            for tid, cid, parent, created, modified, mode, addr, text, *rest in rows:
                author, email, website, likes, dislikes = rest
                yield CommentRecord(
                    external_id=str(cid),
                    line=0,
                    thread_id=str(tid),
                    parent_id=str(parent) if parent else None,
                    author_name=author or "",
                    author_email=email or "",
                    author_url=website or "",
                    content=text or "",
                    status=STATUS.get(mode, Comment.Status.PENDING),
                    created_at=_when(created),
                    edited_at=_when(modified),
                    ip=addr or "",
                    extra={"likes": likes or 0, "dislikes": dislikes or 0},
                )
                if progress is not None:
                    progress(1)
        except sqlite3.DatabaseError as error:
            raise BadFile(f"the Isso database cannot be read: {error}") from None
