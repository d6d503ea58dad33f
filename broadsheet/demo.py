"""Demo content: invented local news and an editor account, loaded idempotently."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from broadsheet.articles.demo_content import ARTICLES, SECTIONS
from broadsheet.articles.models import Article, Section
from broadsheet.comments.actions import do_approve
from broadsheet.comments.demo_content import COMMENTS
from broadsheet.comments.models import Comment, Thread
from broadsheet.roles import EDITORS, MODERATORS, ensure_roles

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
        # Written when published: readers should not be told the demo was "updated" today.
        Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)

    password = secrets.token_urlsafe(12)
    editor, _ = get_user_model().objects.get_or_create(
        username=EDITOR_USERNAME, defaults={"email": "editor@example.invalid"}
    )
    editor.is_staff = True
    editor.set_password(password)
    editor.save()
    # One demo account shows both sides of the site: writing and moderating.
    editor.groups.add(groups[EDITORS], groups[MODERATORS])
    load_demo_comments()
    return password


def load_demo_comments() -> None:
    """The demo conversation, once: a site that has comments already is left as it is."""
    if Comment.objects.exists():
        return
    comments: list[Comment] = []
    for item in COMMENTS:
        thread, _created = Thread.objects.get_or_create(
            article=Article.objects.get(slug=item["article"])
        )
        parent = comments[item["reply_to"]] if item["reply_to"] is not None else None
        comment = Comment.objects.create(
            thread=thread,
            parent=parent,
            author_name=item["author"],
            content=item["text"],
            moderation_reasons=[]
            if item["approved"]
            else [gettext("first comment from this author")],
        )
        if item["approved"]:
            do_approve(comment, moderator=None)
        else:
            Thread.objects.filter(pk=thread.pk).update(version=F("version") + 1)
        comments.append(comment)
