from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from broadsheet.articles.models import Article, Section
from broadsheet.articles.seo import article_json_ld
from broadsheet.lib.jsonld import json_ld_script
from broadsheet.lib.pagecache import shared_page
from broadsheet.lib.pagination import page_or_404

# How many of each section's latest articles the home page lists beside the main column.
SECTION_TEASERS = 3


def home(request: HttpRequest) -> HttpResponse:
    # No key but the page: a newly published article reaches readers within the cache's seconds.
    return shared_page(request, ["home"], lambda: _home(request))


def _home(request: HttpRequest) -> HttpResponse:
    page = page_or_404(request, Article.objects.live(), settings.ARTICLES_PER_PAGE)
    by_section: dict[Section, list[Article]] = {}
    if page.number == 1:
        # One query for every section's latest few, rather than one query per section.
        latest_per_section = (
            Article.objects.live()
            .annotate(
                rank=Window(
                    RowNumber(), partition_by=F("section"), order_by=F("published_at").desc()
                )
            )
            .filter(rank__lte=SECTION_TEASERS)
            .order_by("section__position", "section__name", "rank")
        )
        for article in latest_per_section:
            by_section.setdefault(article.section, []).append(article)
    return render(request, "articles/home.html", {"page": page, "by_section": by_section})


def section(request: HttpRequest, slug: str) -> HttpResponse:
    return shared_page(request, ["section", slug], lambda: _section(request, slug))


def _section(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Section, slug=slug)
    page = page_or_404(
        request, Article.objects.live().filter(section=section), settings.ARTICLES_PER_PAGE
    )
    return render(request, "articles/section.html", {"section": section, "page": page})


def render_article(
    request: HttpRequest,
    article: Article,
    *,
    preview: bool = False,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The article page; other apps pass ``extra`` context, e.g. a comment form with errors."""
    context = {
        "article": article,
        "json_ld": json_ld_script(article_json_ld(article)),
        "preview": preview,
        **(extra or {}),
    }
    return render(request, "articles/article.html", context, status=status)


def article(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.live(), slug=slug)
    thread = getattr(article, "comment_thread", None)
    return shared_page(
        request,
        ["article", article.pk, article.updated_at.timestamp(), thread.version if thread else 0],
        lambda: render_article(request, article),
    )


@permission_required("articles.view_article")
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Editors see any article, draft or scheduled, as readers will."""
    article = get_object_or_404(Article.objects.select_related("section"), slug=slug)
    response = render_article(request, article, preview=True)
    response["X-Robots-Tag"] = "noindex"
    return response
