"""Atom feeds of approved comments: one per thread, and the site's latest."""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from broadsheet.articles.models import Article
from broadsheet.comments.models import Comment, Thread

FEED_LENGTH = 30
# XML 1.0 has no place for most control characters, and Django's feed writer fails on them
# rather than drop them: one comment holding one would break the whole feed.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def visible_threads() -> QuerySet[Thread]:
    """Threads readers may see: another site's pages, or articles that are out."""
    live = Article.objects.live().values("pk")
    return Thread.objects.filter(Q(article__isnull=True) | Q(article__in=live))


def approved() -> QuerySet[Comment]:
    return (
        Comment.objects.filter(status=Comment.Status.APPROVED, thread__in=visible_threads())
        .select_related("thread__article")
        .order_by("-created_at", "-id")
    )


class CommentEntries:
    """How a comment reads as a feed entry: the author's name, never their e-mail."""

    def item_title(self, item: Comment) -> str:
        title = _("%(name)s on “%(thread)s”") % {"name": item.author_name, "thread": item.thread}
        return xml_text(title)

    def item_description(self, item: Comment) -> str:
        return xml_text(item.content_html)  # sanitised when the comment was saved

    def item_link(self, item: Comment) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Comment) -> str:
        return xml_text(item.author_name)

    def item_pubdate(self, item: Comment) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Comment) -> datetime:
        return item.edited_at or item.created_at


class LatestCommentsFeed(CommentEntries, Feed):
    feed_type = Atom1Feed
    link = "/"

    def title(self) -> str:
        return _("Comments on %(site)s") % {"site": settings.SITE_NAME}

    def subtitle(self) -> str:
        return _("The latest comments on %(site)s") % {"site": settings.SITE_NAME}

    def items(self) -> QuerySet[Comment]:
        return approved()[:FEED_LENGTH]


class ThreadFeed(CommentEntries, Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, thread_id: int) -> Thread:  # type: ignore[override]
        return get_object_or_404(visible_threads().select_related("article"), pk=thread_id)

    def title(self, obj: Thread) -> str:
        return xml_text(_("Comments on “%(thread)s”") % {"thread": obj})

    def subtitle(self, obj: Thread) -> str:
        return settings.SITE_NAME

    def link(self, obj: Thread) -> str:
        return f"{obj.get_absolute_url()}#comments"

    def items(self, obj: Thread) -> QuerySet[Comment]:
        return approved().filter(thread=obj)[:FEED_LENGTH]
