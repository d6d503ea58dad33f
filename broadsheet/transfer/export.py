"""Moving a site out: everything as Broadsheet's JSON, or articles and comments as WXR.

Both are written as they are read, a chunk of rows at a time, so a large site exports in
constant memory. The JSON format is described in README.md, "Moving in and out".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from broadsheet.articles.models import Article, Section
from broadsheet.comments.models import Comment, ModerationEvent, Thread
from broadsheet.transfer.models import ImportedObject, LegacyPath
from broadsheet.transfer.wxr import BROADSHEET_META

FORMAT_VERSION = 1
CHUNK = 2000

WP_STATUS = {
    Article.Status.PUBLISHED: "publish",
    Article.Status.SCHEDULED: "future",
    Article.Status.DRAFT: "draft",
}
WP_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}
# XML 1.0 cannot hold these characters at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _events(comment: Comment) -> list[dict[str, Any]]:
    return [
        {
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "created_at": _iso(e.created_at),
        }
        for e in comment.events.all()
    ]


def _comments(**filters: Any) -> Iterator[Comment]:
    events = Prefetch("events", queryset=ModerationEvent.objects.order_by("created_at", "pk"))
    return (
        Comment.objects.filter(**filters)
        .order_by("pk")
        .prefetch_related(events)
        .iterator(chunk_size=CHUNK)
    )


# --- JSON ---


def write_json(out: IO[str]) -> None:
    """Everything, as one JSON object; each list item on its own line."""
    head = {
        "format": "broadsheet",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "site": {"name": settings.SITE_NAME, "base_url": settings.BASE_URL},
    }
    out.write(json.dumps(head, ensure_ascii=False)[:-1])
    _list(out, "sections", (_section(s) for s in Section.objects.order_by("pk")))
    articles = Article.objects.select_related("section").order_by("pk").iterator(CHUNK)
    _list(out, "articles", (_article(a) for a in articles))
    _list(out, "legacy_paths", _legacy_paths())
    threads = Thread.objects.order_by("pk").iterator(CHUNK)
    _list(out, "threads", (_thread(t) for t in threads))
    _list(out, "comments", (_comment(c) for c in _comments()))
    imported = ImportedObject.objects.order_by("pk").iterator(CHUNK)
    _list(out, "imported", (_imported(i) for i in imported))
    out.write("}\n")


def _list(out: IO[str], name: str, items: Iterator[dict[str, Any]]) -> None:
    out.write(f', "{name}": [')
    for index, item in enumerate(items):
        out.write(("," if index else "") + "\n  " + json.dumps(item, ensure_ascii=False))
    out.write("\n]")


def _section(section: Section) -> dict[str, Any]:
    return {
        "id": section.pk,
        "slug": section.slug,
        "name": section.name,
        "description": section.description,
        "position": section.position,
    }


def _article(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "slug": article.slug,
        "url": settings.BASE_URL + article.get_absolute_url(),
        "title": article.title,
        "section": article.section.slug,
        "summary": article.summary,
        "body": article.body,
        "byline": article.byline,
        "status": article.status,
        "published_at": _iso(article.published_at),
        "updated_at": _iso(article.updated_at),
    }


def _legacy_paths() -> Iterator[dict[str, Any]]:
    for path, article in LegacyPath.objects.order_by("path").values_list("path", "article_id"):
        yield {"path": path, "article": article}


def _thread(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "article": thread.article_id,
        "origin": thread.origin,
        "uri": thread.uri,
        "title": thread.title,
        "is_closed": thread.is_closed,
        "approved_count": thread.approved_count,
        "discarded_count": thread.discarded_count,
    }


def _comment(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "thread": comment.thread_id,
        "parent": comment.parent_id,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": comment.author_url,
        "content": comment.content,
        "status": comment.status,
        "created_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at),
        "ip_network": comment.ip_network,
        "ip_hash": comment.ip_hash,
        "user_agent_family": comment.user_agent_family,
        "spam_score": comment.spam_score,
        "spam_reasons": comment.spam_reasons,
        "moderation_reasons": comment.moderation_reasons,
        "events": _events(comment),
    }


def _imported(row: ImportedObject) -> dict[str, Any]:
    target = row.section_id or row.article_id or row.thread_id or row.comment_id
    return {
        "source": row.source,
        "kind": row.kind,
        "external_id": row.external_id,
        "id": target,
        "extra": row.extra,
    }


# --- WXR ---


def _cdata(text: str) -> str:
    text = _NOT_XML.sub("", text)
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _el(name: str, text: str | int, *, cdata: bool = False) -> str:
    value = str(text)
    return f"<{name}>{_cdata(value) if cdata else escape(_NOT_XML.sub('', value))}</{name}>"


def _wp_date(value: datetime | None, *, gmt: bool) -> str:
    if value is None:
        return "0000-00-00 00:00:00"
    value = value.astimezone(UTC) if gmt else timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _meta(tag: str, key: str, value: str) -> str:
    pair = _el("wp:meta_key", key) + _el("wp:meta_value", value, cdata=True)
    return f"\t\t<wp:{tag}>{pair}</wp:{tag}>\n"


def write_wxr(out: IO[str]) -> None:
    """Articles and their comments as a WordPress export (WXR 1.2) that WordPress imports.

    Comments are written as their HTML; each post and comment also carries a ``_broadsheet``
    meta entry with what WXR has no element for (the Markdown, the kept hashes, the moderation
    history), which WordPress keeps and Broadsheet reads back.
    """
    out.write(
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
    )
    out.write(f"\t{_el('title', settings.SITE_NAME)}\n\t{_el('link', settings.BASE_URL)}\n")
    out.write(
        f"\t<description></description>\n\t{_el('pubDate', format_datetime(timezone.now()))}\n"
    )
    out.write(
        f"\t{_el('language', settings.LANGUAGE_CODE)}\n\t<wp:wxr_version>1.2</wp:wxr_version>\n"
    )
    out.write(f"\t{_el('wp:base_site_url', settings.BASE_URL)}\n")
    out.write(f"\t{_el('wp:base_blog_url', settings.BASE_URL)}\n")
    logins = _authors(out)
    for section in Section.objects.order_by("pk"):
        out.write(
            f"\t<wp:category>{_el('wp:term_id', section.pk)}"
            f"{_el('wp:category_nicename', section.slug)}<wp:category_parent></wp:category_parent>"
            f"{_el('wp:cat_name', section.name, cdata=True)}"
            f"{_el('wp:category_description', section.description, cdata=True)}\n"
            + _meta("termmeta", "_broadsheet_position", str(section.position))
            + "\t</wp:category>\n"
        )
    out.write("\t<generator>Broadsheet</generator>\n")
    extras = _extras(ImportedObject.Kind.ARTICLE)
    articles = Article.objects.select_related("section", "comment_thread").order_by("pk")
    for article in articles.iterator(CHUNK):
        _item(out, article, logins, extras)
    out.write("</channel>\n</rss>\n")


def _authors(out: IO[str]) -> dict[str, str]:
    """One WordPress author per byline; returns byline -> login."""
    logins: dict[str, str] = {}
    bylines = Article.objects.order_by("byline").values_list("byline", flat=True).distinct()
    for number, byline in enumerate(bylines, start=1):
        if not byline:
            continue
        login = base = slugify(byline)[:50] or f"author-{number}"
        while login in logins.values():
            login = f"{base}-{number}"
        logins[byline] = login
        out.write(
            f"\t<wp:author>{_el('wp:author_id', number)}{_el('wp:author_login', login, cdata=True)}"
            f"<wp:author_email></wp:author_email>"
            f"{_el('wp:author_display_name', byline, cdata=True)}</wp:author>\n"
        )
    return logins


def _extras(kind: str) -> dict[int, dict[str, Any]]:
    """What imports kept for each article (few), by its id."""
    rows = ImportedObject.objects.filter(kind=kind).exclude(extra={})
    return {row.article_id: row.extra for row in rows if row.article_id is not None}


def _item(
    out: IO[str], article: Article, logins: dict[str, str], extras: dict[int, dict[str, Any]]
) -> None:
    extra = extras.get(article.pk, {})
    url = settings.BASE_URL + article.get_absolute_url()
    thread = getattr(article, "comment_thread", None)
    ours = {
        "body": article.body,
        "legacy_paths": list(
            LegacyPath.objects.filter(article=article).values_list("path", flat=True)
        ),
        "published_at": _iso(article.published_at),
        "updated_at": _iso(article.updated_at),
    }
    parts = [
        "\t<item>\n\t\t",
        _el("title", article.title),
        _el("link", url),
        _el("pubDate", format_datetime(article.published_at) if article.published_at else ""),
        _el("dc:creator", logins.get(article.byline, ""), cdata=True),
        f'<guid isPermaLink="false">{escape(url)}</guid><description></description>\n\t\t',
        _el("content:encoded", article.body_html, cdata=True),
        _el("excerpt:encoded", article.summary, cdata=True),
        "\n\t\t",
        _el("wp:post_id", article.pk),
        _el("wp:post_date", _wp_date(article.published_at, gmt=False)),
        _el("wp:post_date_gmt", _wp_date(article.published_at, gmt=True)),
        _el("wp:post_modified", _wp_date(article.updated_at, gmt=False)),
        _el("wp:post_modified_gmt", _wp_date(article.updated_at, gmt=True)),
        _el("wp:comment_status", "closed" if thread and thread.is_closed else "open"),
        _el("wp:ping_status", "closed"),
        _el("wp:post_name", article.slug),
        _el("wp:status", WP_STATUS[Article.Status(article.status)]),
        "<wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>",
        "<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>",
        "<wp:is_sticky>0</wp:is_sticky>\n",
        '\t\t<category domain="category" nicename=',
        quoteattr(article.section.slug),
        f">{_cdata(article.section.name)}</category>\n",
    ]
    out.write("".join(parts))
    for domain, nicename, name in extra.get("categories", []):
        if (domain, nicename) != ("category", article.section.slug):
            out.write(
                f"\t\t<category domain={quoteattr(domain)} nicename={quoteattr(nicename)}>"
                f"{_cdata(name)}</category>\n"
            )
    for key, value in extra.get("meta", []):
        out.write(_meta("postmeta", key, value))
    out.write(_meta("postmeta", BROADSHEET_META, json.dumps(ours, ensure_ascii=False)))
    if thread is not None:
        _wxr_comments(out, thread)
    out.write("\t</item>\n")


def _wxr_comments(out: IO[str], thread: Thread) -> None:
    extras = {
        row.comment_id: row.extra
        for row in ImportedObject.objects.filter(comment__thread=thread).exclude(extra={})
    }
    for comment in _comments(thread=thread):
        extra = extras.get(comment.pk, {})
        ours = {
            "markdown": comment.content,
            "ip_hash": comment.ip_hash,
            "user_agent_family": comment.user_agent_family,
            "created_at": _iso(comment.created_at),
            "edited_at": _iso(comment.edited_at),
            "spam_score": comment.spam_score,
            "spam_reasons": comment.spam_reasons,
            "moderation_reasons": comment.moderation_reasons,
            "events": _events(comment),
        }
        out.write(
            "\t\t<wp:comment>"
            + _el("wp:comment_id", comment.pk)
            + _el("wp:comment_author", comment.author_name, cdata=True)
            + _el("wp:comment_author_email", comment.author_email, cdata=True)
            + _el("wp:comment_author_url", comment.author_url)
            + _el("wp:comment_author_IP", comment.ip_network.split("/")[0])
            + _el("wp:comment_date", _wp_date(comment.created_at, gmt=False))
            + _el("wp:comment_date_gmt", _wp_date(comment.created_at, gmt=True))
            + "\n\t\t\t"
            + _el("wp:comment_content", comment.content_html, cdata=True)
            + "\n\t\t\t"
            + _el("wp:comment_approved", WP_APPROVED[Comment.Status(comment.status)])
            + _el("wp:comment_type", extra.get("type", "comment"))
            + _el("wp:comment_parent", comment.parent_id or 0)
            + "<wp:comment_user_id>0</wp:comment_user_id>\n"
        )
        for key, value in extra.get("meta", []):
            out.write(_meta("commentmeta", key, value))
        out.write(_meta("commentmeta", BROADSHEET_META, json.dumps(ours, ensure_ascii=False)))
        out.write("\t\t</wp:comment>\n")
