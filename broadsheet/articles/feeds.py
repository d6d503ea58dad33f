"""Atom feeds: the whole site and each section."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from broadsheet.articles.models import Article, Section

FEED_LENGTH = 30


class ArticleEntries:
    """How an article reads as a feed entry, whichever feed it is in."""

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_author_name(self, item: Article) -> str:
        return item.byline

    def item_pubdate(self, item: Article) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name]


class LatestArticlesFeed(ArticleEntries, Feed):
    feed_type = Atom1Feed
    link = "/"

    def title(self) -> str:
        return settings.SITE_NAME

    def subtitle(self) -> str:
        return _("The latest articles from %(site)s") % {"site": settings.SITE_NAME}

    def items(self) -> QuerySet[Article]:
        return Article.objects.live()[:FEED_LENGTH]


class SectionFeed(ArticleEntries, Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Section:  # type: ignore[override]
        return get_object_or_404(Section, slug=slug)

    def title(self, obj: Section) -> str:
        return f"{settings.SITE_NAME}: {obj.name}"

    def subtitle(self, obj: Section) -> str:
        return obj.description

    def link(self, obj: Section) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Section) -> QuerySet[Article]:
        return Article.objects.live().filter(section=obj)[:FEED_LENGTH]
