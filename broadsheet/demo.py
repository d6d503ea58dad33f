"""Demo content: invented local news and an editor account, loaded idempotently."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from broadsheet.articles.demo_content import ARTICLES, SECTIONS
from broadsheet.articles.models import Article, Section
from broadsheet.roles import EDITORS, ensure_roles

EDITOR_USERNAME = "editor"


@transaction.atomic
def load_demo() -> str:
    """Load the demo sections and articles, and return a fresh password for the editor.

    Loading again updates the same rows rather than adding copies; articles keep the
    publication times they were first given.
    """
    groups = ensure_roles()
    sections = {}
    for position, section in enumerate(SECTIONS):
        sections[section["slug"]], _ = Section.objects.update_or_create(
            slug=section["slug"],
            defaults={
                "name": section["name"],
                "description": section["description"],
                "position": position,
            },
        )
    now = timezone.now()
    for item in ARTICLES:
        article = Article.objects.filter(slug=item["slug"]).first() or Article(
            slug=item["slug"], published_at=now - timedelta(hours=item["hours_ago"])
        )
        article.title = item["title"]
        article.section = sections[item["section"]]
        article.summary = item["summary"]
        article.byline = item["byline"]
        article.body = item["body"]
        article.status = Article.Status.PUBLISHED
        article.save()

    password = secrets.token_urlsafe(12)
    editor, _ = get_user_model().objects.get_or_create(
        username=EDITOR_USERNAME, defaults={"email": "editor@example.invalid"}
    )
    editor.is_staff = True
    editor.set_password(password)
    editor.save()
    editor.groups.add(groups[EDITORS])
    return password
