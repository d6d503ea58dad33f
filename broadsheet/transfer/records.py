"""What the readers of each format yield, and the importer takes: one shape for every source.

A reader yields, in file order, sections, then articles (each with its comments) or threads and
comments, and a ``Skip`` for everything it read and will not import, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class SectionRecord:
    external_id: str
    name: str
    slug: str
    description: str = ""
    position: int | None = None  # None: left as it is, or 0 for a new section


@dataclass
class EventRecord:
    """One step of a comment's moderation history (ModerationEvent)."""

    action: str
    from_status: str
    to_status: str
    created_at: datetime | None


@dataclass
class CommentRecord:
    external_id: str
    line: int
    thread_id: str  # the external id of its article or thread
    parent_id: str | None
    author_name: str
    author_email: str
    author_url: str
    content: str  # comment Markdown
    status: str  # a Comment.Status value
    created_at: datetime | None
    ip: str = ""  # a full address from the file: only its network and keyed hash are kept
    user_agent: str = ""  # only its family is kept
    # Set only when the file was written by Broadsheet, which already keeps the hash, not the IP.
    ip_hash: str | None = None
    user_agent_family: str | None = None
    edited_at: datetime | None = None
    spam_score: float | None = None
    spam_reasons: list[str] = field(default_factory=list)
    moderation_reasons: list[str] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ArticleRecord:
    external_id: str
    line: int
    title: str
    slug: str
    body: str
    summary: str
    byline: str
    section_id: str | None  # external id of a SectionRecord already yielded
    status: str  # an Article.Status value
    published_at: datetime | None
    updated_at: datetime | None
    is_closed: bool = False
    legacy_paths: list[str] = field(default_factory=list)
    comments: list[CommentRecord] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ThreadRecord:
    """Comments under a page that is not an article of the file (Disqus, Isso)."""

    external_id: str
    line: int
    url: str  # the page's full address
    title: str
    is_closed: bool = False


@dataclass
class Skip:
    kind: str  # "article", "comment", …
    reason: str
    line: int


Record = SectionRecord | ArticleRecord | ThreadRecord | CommentRecord | Skip
