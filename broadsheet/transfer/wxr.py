"""Reading a WordPress export (WXR 1.0 to 1.2): sections, articles and their comments.

What maps to what is in README.md, "Moving in and out". Files Broadsheet wrote carry a
``_broadsheet`` meta entry on each post and comment with what WXR has no element for, so a
site exported and imported again compares equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from broadsheet.articles.models import Article
from broadsheet.comments.models import Comment
from broadsheet.transfer import phpserial
from broadsheet.transfer.htmltext import article_html, comment_markdown
from broadsheet.transfer.records import (
    ArticleRecord,
    CommentRecord,
    EventRecord,
    Record,
    SectionRecord,
    Skip,
)
from broadsheet.transfer.xmlstream import elements, short

BROADSHEET_META = "_broadsheet"
# Comment meta not kept: ours is read into fields; Akismet's copy of the submission holds the
# full IP address and user agent, which Broadsheet never stores.
NOT_KEPT = {BROADSHEET_META, "akismet_as_submitted"}
UNCATEGORIZED = "uncategorized"

POST_STATUS = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.SCHEDULED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}
COMMENT_STATUS = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
# Akismet's history events that change a comment's status, and the status they lead to.
AKISMET_STATUS = {
    "status-changed-approved": Comment.Status.APPROVED,
    "status-changed-unapproved": Comment.Status.PENDING,
    "status-changed-spam": Comment.Status.SPAM,
    "status-changed-trash": Comment.Status.TRASH,
    "report-spam": Comment.Status.SPAM,
    "report-ham": Comment.Status.APPROVED,
    "check-spam": Comment.Status.SPAM,
}
EXCERPT_WORDS = 55  # WordPress's own automatic excerpt length


class Channel:
    """What the file says about the whole site, read before its posts."""

    def __init__(self) -> None:
        self.base_url = ""
        self.authors: dict[str, str] = {}  # login -> display name
        self.sections: set[str] = set()


def source_name(stream: IO[bytes]) -> str:
    """The site the file came from, read from its head (the stream is rewound)."""
    start = stream.tell()
    try:
        for elem, _lines in elements(stream, depth=2, root="rss", what="a WordPress export"):
            name = short(elem.tag)
            if name in ("wp:base_site_url", "wp:base_blog_url", "link") and _text(elem).strip():
                return f"wordpress:{_text(elem).strip()}"
            if name == "item":
                break
        return "wordpress"
    finally:
        stream.seek(start)


def read(stream: IO[bytes], progress: Callable[[int], Any] | None = None) -> Iterator[Record]:
    channel = Channel()
    for elem, lines in elements(
        stream, depth=2, root="rss", what="a WordPress export", progress=progress
    ):
        name = short(elem.tag)
        if name == "wp:author":
            fields = _fields(elem)
            login = fields.get("wp:author_login", "")
            channel.authors[login] = fields.get("wp:author_display_name") or login
        elif name == "wp:category":
            yield _section(_fields(elem), elem, channel)
        elif name == "item":
            yield from _item(elem, lines, channel)


def _text(elem: Element | None) -> str:
    return "" if elem is None or elem.text is None else elem.text


def _fields(elem: Element) -> dict[str, str]:
    """The element's children's texts by prefixed name (the first of each name)."""
    out: dict[str, str] = {}
    for child in elem:
        out.setdefault(short(child.tag), _text(child))
    return out


def _meta(elem: Element, tag: str) -> list[list[str]]:
    return [
        [_text(m.find(f"{{{_ns(elem)}}}meta_key")), _text(m.find(f"{{{_ns(elem)}}}meta_value"))]
        for m in elem
        if short(m.tag) == tag
    ]


def _ns(elem: Element) -> str:
    """The wp: namespace URI of this file (it names its WXR version)."""
    for child in elem:
        if short(child.tag).startswith("wp:"):
            return child.tag[1:].partition("}")[0]
    return "http://wordpress.org/export/1.2/"


def _section(fields: dict[str, str], elem: Element, channel: Channel) -> SectionRecord:
    nicename = fields.get("wp:category_nicename", "")
    channel.sections.add(nicename)
    position = dict(_meta(elem, "wp:termmeta")).get("_broadsheet_position")
    record = SectionRecord(
        external_id=nicename,
        name=fields.get("wp:cat_name", "") or nicename,
        slug=_slug(nicename, fields.get("wp:term_id", "")),
        description=fields.get("wp:category_description", ""),
    )
    if position and position.isdigit():
        record.position = int(position)
    return record


def _slug(nicename: str, fallback_id: str) -> str:
    return slugify(unquote(nicename))[:80] or f"category-{fallback_id}"


def _date(value: str) -> datetime | None:
    """WordPress's "2024-05-01 12:00:00" (GMT); its "0000-00-00 00:00:00" means none."""
    value = value.strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _item(elem: Element, lines: dict[int, int], channel: Channel) -> Iterator[Record]:
    line = lines[id(elem)]
    fields = _fields(elem)
    post_id = fields.get("wp:post_id", "")
    post_type = fields.get("wp:post_type", "post")
    status = fields.get("wp:status", "")
    comments = [c for c in elem if short(c.tag) == "wp:comment"]
    reason = None
    if not post_id:
        reason = _("the post has no wp:post_id")
    elif post_type != "post":
        reason = _("WordPress “%(type)s” items are not articles") % {"type": post_type}
    elif status not in POST_STATUS:
        reason = _("posts with the status “%(status)s” are not imported") % {"status": status}
    if reason is not None:
        yield Skip("article", reason, line)
        for comment in comments:
            yield Skip("comment", _("its post was not imported"), lines[id(comment)])
        return

    categories = [
        [c.get("domain", ""), c.get("nicename", ""), _text(c)]
        for c in elem
        if short(c.tag) == "category"
    ]
    section = next((c for c in categories if c[0] == "category"), None)
    if section is None:
        section = ["category", UNCATEGORIZED, _("Uncategorized")]
    if section[1] not in channel.sections:  # used by a post but not listed in the channel
        channel.sections.add(section[1])
        yield SectionRecord(section[1], section[2] or section[1], _slug(section[1], post_id))
    meta = _meta(elem, "wp:postmeta")
    ours = _broadsheet(meta)
    content = fields.get("content:encoded", "")
    body = ours["body"] if "body" in ours else article_html(content)
    summary = fields.get("excerpt:encoded", "").strip() or _excerpt(body)
    creator = fields.get("dc:creator", "")
    link = fields.get("link", "")
    legacy = [urlsplit(link).path] if link else []
    if legacy and not ours:  # WordPress keeps a post's earlier slugs; its old links used them
        legacy += [_replace_last(legacy[0], old) for k, old in meta if k == "_wp_old_slug"]
    slug = unquote(fields.get("wp:post_name", ""))
    published = _date(fields.get("wp:post_date_gmt", ""))
    if "published_at" in ours:  # written by Broadsheet, to the microsecond
        published = _iso(ours["published_at"])
    extra: dict[str, Any] = {"categories": categories, "creator": creator}
    extra["meta"] = [m for m in meta if m[0] != BROADSHEET_META]
    article = ArticleRecord(
        external_id=post_id,
        line=line,
        title=fields.get("title", "").strip() or _("(untitled)"),
        slug=slugify(slug)[:200] or slugify(fields.get("title", ""))[:200] or f"post-{post_id}",
        body=body,
        summary=Truncator(summary).chars(500),
        byline=channel.authors.get(creator, creator),
        section_id=section[1],
        status=POST_STATUS[status],
        published_at=published,
        updated_at=_iso(ours.get("updated_at"))
        or _date(fields.get("wp:post_modified_gmt", ""))
        or published,
        is_closed=fields.get("wp:comment_status") == "closed",
        legacy_paths=[*legacy, *ours.get("legacy_paths", [])],
        extra=extra,
    )
    for comment in comments:
        record = _comment(comment, lines[id(comment)], post_id)
        if isinstance(record, Skip):
            yield record
        else:
            article.comments.append(record)
    yield article


def _broadsheet(meta: list[list[str]]) -> dict[str, Any]:
    for key, value in meta:
        if key == BROADSHEET_META:
            try:
                loaded = json.loads(value)
            except ValueError:
                return {}
            return loaded if isinstance(loaded, dict) else {}
    return {}


def _excerpt(html: str) -> str:
    return Truncator(" ".join(strip_tags(html).split())).words(EXCERPT_WORDS)


def _replace_last(path: str, slug: str) -> str:
    head, _sep, tail = path.rstrip("/").rpartition("/")
    return f"{head}/{slug}/" if tail else path


def _comment(elem: Element, line: int, post_id: str) -> CommentRecord | Skip:
    fields = _fields(elem)
    comment_type = fields.get("wp:comment_type", "") or "comment"
    if comment_type in ("pingback", "trackback"):
        return Skip("comment", _("pingbacks and trackbacks are not comments"), line)
    approved = fields.get("wp:comment_approved", "1")
    meta = _meta(elem, "wp:commentmeta")
    ours = _broadsheet(meta)
    content = fields.get("wp:comment_content", "")
    parent = fields.get("wp:comment_parent", "0")
    extra: dict[str, Any] = {"meta": [m for m in meta if m[0] not in NOT_KEPT]}
    if comment_type != "comment":
        extra["type"] = comment_type
    record = CommentRecord(
        external_id=fields.get("wp:comment_id", ""),
        line=line,
        thread_id=post_id,
        parent_id=parent if parent not in ("", "0") else None,
        author_name=fields.get("wp:comment_author", "").strip(),
        author_email=fields.get("wp:comment_author_email", "").strip(),
        author_url=fields.get("wp:comment_author_url", "").strip(),
        content=ours["markdown"] if "markdown" in ours else comment_markdown(content),
        status=COMMENT_STATUS.get(approved, Comment.Status.PENDING),
        created_at=_date(fields.get("wp:comment_date_gmt", ""))
        or _date(fields.get("wp:comment_date", "")),
        ip=fields.get("wp:comment_author_IP", "").strip(),
        user_agent=fields.get("wp:comment_agent", ""),
        extra=extra,
    )
    if ours:
        _apply_broadsheet(record, ours)
    else:
        record.events = _akismet_events(meta)
    return record


def _apply_broadsheet(record: CommentRecord, ours: dict[str, Any]) -> None:
    record.created_at = _iso(ours.get("created_at")) or record.created_at
    record.ip_hash = ours.get("ip_hash", "")
    record.user_agent_family = ours.get("user_agent_family", "")
    record.edited_at = _iso(ours.get("edited_at"))
    record.spam_score = ours.get("spam_score")
    record.spam_reasons = ours.get("spam_reasons", [])
    record.moderation_reasons = ours.get("moderation_reasons", [])
    record.events = [
        EventRecord(e["action"], e["from_status"], e["to_status"], _iso(e.get("created_at")))
        for e in ours.get("events", [])
    ]


def _akismet_events(meta: list[list[str]]) -> list[EventRecord]:
    events: list[EventRecord] = []
    for key, value in meta:
        if key != "akismet_history":
            continue
        try:
            entry = phpserial.loads(value)
        except phpserial.NotSerialized:
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("event"), str):
            continue
        event = entry["event"]
        when = entry.get("time")
        events.append(
            EventRecord(
                action=f"akismet-{event}"[:20],
                from_status="",
                to_status=AKISMET_STATUS.get(event, ""),
                created_at=datetime.fromtimestamp(when, UTC)
                if isinstance(when, int | float)
                else None,
            )
        )
    return sorted(events, key=lambda e: e.created_at or datetime.min.replace(tzinfo=UTC))
