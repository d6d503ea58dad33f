"""The sitemap of every public page, and a Google News sitemap of the last two days."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from broadsheet.articles.models import Article, Section

# Google News only reads articles published in the last two days.
NEWS_WINDOW = timedelta(days=2)


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 10_000

    def items(self) -> QuerySet[Article]:
        return Article.objects.live()

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self) -> QuerySet[Section]:
        return Section.objects.all()


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self) -> list[str]:
        return ["articles:home"]

    def location(self, item: str) -> str:  # type: ignore[override]
        return reverse(item)


SITEMAPS: dict[str, type[Sitemap]] = {
    "home": HomeSitemap,
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
}


def news_sitemap(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.live().filter(published_at__gte=timezone.now() - NEWS_WINDOW)
    return render(
        request,
        "articles/news_sitemap.xml",
        {"articles": articles[:1000]},
        content_type="application/xml; charset=utf-8",
    )
