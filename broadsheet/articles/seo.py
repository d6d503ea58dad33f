"""Machine-readable descriptions of articles: JSON-LD for search engines."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language

from broadsheet.articles.models import Article


def absolute_url(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def article_json_ld(article: Article) -> dict[str, Any]:
    url = absolute_url(article.get_absolute_url())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": article.section.name,
        "inLanguage": get_language(),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.BASE_URL,
        },
    }
    if article.byline:
        data["author"] = [{"@type": "Person", "name": article.byline}]
    return data
