"""Reading a Disqus export: threads by their page's address, then posts with their parents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO, Any
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _

from broadsheet.comments.models import Comment
from broadsheet.transfer.htmltext import comment_markdown
from broadsheet.transfer.records import CommentRecord, Record, Skip, ThreadRecord
from broadsheet.transfer.xmlstream import elements, short

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
WHAT = "a Disqus export"


def source_name(stream: IO[bytes]) -> str:
    """``disqus:<forum>``, read from the first thread (the stream is rewound)."""
    start = stream.tell()
    try:
        for elem, _lines in elements(stream, depth=1, root=f"{NS}disqus", what=WHAT):
            forum = _text(elem, "forum")
            if short(elem.tag) == "thread" and forum:
                return f"disqus:{forum}"
        return "disqus"
    finally:
        stream.seek(start)


def read(stream: IO[bytes], progress: Callable[[int], Any] | None = None) -> Iterator[Record]:
    for elem, lines in elements(stream, depth=1, root=f"{NS}disqus", what=WHAT, progress=progress):
        name, line = short(elem.tag), lines[id(elem)]
        if name == "thread":
            yield ThreadRecord(
                external_id=elem.get(DSQ_ID, ""),
                line=line,
                url=_text(elem, "link"),
                title=_text(elem, "title"),
                is_closed=_flag(elem, "isClosed"),
            )
        elif name == "post":
            yield _post(elem, line)


def _text(elem: Element, name: str) -> str:
    child = elem.find(NS + name)
    return (child.text or "").strip() if child is not None else ""


def _flag(elem: Element, name: str) -> bool:
    return _text(elem, name).lower() == "true"


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _post(elem: Element, line: int) -> Record:
    thread = elem.find(NS + "thread")
    if thread is None or not thread.get(DSQ_ID):
        return Skip("comment", _("the post names no thread"), line)
    parent = elem.find(NS + "parent")
    author = elem.find(NS + "author")
    if _flag(elem, "isSpam"):
        status = Comment.Status.SPAM
    elif _flag(elem, "isDeleted"):
        status = Comment.Status.TRASH
    elif _text(elem, "isApproved").lower() == "false":
        status = Comment.Status.PENDING
    else:
        status = Comment.Status.APPROVED
    message = elem.find(NS + "message")
    return CommentRecord(
        external_id=elem.get(DSQ_ID, ""),
        line=line,
        thread_id=thread.get(DSQ_ID, ""),
        parent_id=parent.get(DSQ_ID) if parent is not None else None,
        author_name=_text(author, "name") if author is not None else "",
        author_email=_text(author, "email") if author is not None else "",
        author_url="",
        content=comment_markdown(message.text or "" if message is not None else ""),
        status=status,
        created_at=_date(_text(elem, "createdAt")),
        ip=_text(elem, "ipAddress"),
    )
