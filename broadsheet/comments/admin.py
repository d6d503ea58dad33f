"""The moderation queue: Django's admin, with the pipeline's and the spam engine's reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from broadsheet.comments import actions
from broadsheet.comments.models import Comment, Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin[Thread]):
    list_display = ["__str__", "origin", "uri", "approved_count", "discarded_count", "is_closed"]
    list_filter = ["is_closed"]
    list_editable = ["is_closed"]
    search_fields = ["title", "uri", "article__title"]
    readonly_fields = ["approved_count", "discarded_count", "created_at"]
    raw_id_fields = ["article"]


def _history(status: str) -> Subquery:
    """How many of this author's comments (by e-mail hash) have the status, in one subquery."""
    same_author = Comment.objects.filter(email_hash=OuterRef("email_hash"), status=status)
    return Subquery(
        same_author.exclude(email_hash="")
        .values("email_hash")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )


def _bulk(
    name: str,
    do: Callable[[Comment, Any], None],
    done: str,
    done_plural: str,
    description: StrOrPromise,
) -> Callable[[Any, HttpRequest, QuerySet[Comment]], None]:
    """An admin action that runs one of the actions on each selected comment."""

    def action(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        count = 0
        for comment in queryset.select_related("thread__article"):
            do(comment, request.user)
            count += 1
        modeladmin.message_user(
            request, ngettext(done, done_plural, count) % {"count": count}, messages.SUCCESS
        )

    action.__name__ = name
    return admin.action(description=description)(action)


class ReasonFilter(admin.SimpleListFilter):
    title = _("held or flagged because")
    parameter_name = "reason"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [
            ("first", _("first comment from this author")),
            ("links", _("links")),
            ("word", _("word lists")),
            ("spam", _("the spam filter")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        needles = {
            "first": "first comment",
            "links": "link",
            "word": "word",
            "spam": "spam filter",
        }
        value = self.value()
        if value in needles:
            return queryset.filter(moderation_reasons__icontains=needles[value])
        return queryset


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    list_display = [
        "excerpt",
        "author",
        "thread_link",
        "status",
        "reasons",
        "score",
        "history",
        "created_at",
    ]
    list_filter = ["status", ReasonFilter, "created_at"]
    list_select_related = ["thread__article"]
    search_fields = [
        "content",
        "author_name",
        "author_email",
        "=ip_hash",
        "=email_hash",
        "thread__uri",
        "thread__article__title",
    ]
    # Filters by link rather than by drop-down: a news site has too many threads to list.
    LINK_FILTERS = ("thread__id__exact", "email_hash__exact", "ip_hash__exact")
    date_hierarchy = "created_at"
    list_per_page = 50
    ordering = ["-created_at"]
    readonly_fields = [
        "thread",
        "parent",
        "user",
        "status",
        "moderation_reasons",
        "spam_score",
        "spam_reasons",
        "created_at",
        "edited_at",
        "ip_network",
        "ip_hash",
        "email_hash",
        "user_agent_family",
    ]
    fields = ["author_name", "author_email", "author_url", "content", *readonly_fields]
    # As the reader's form does: a website typed without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [
        _bulk(
            "approve",
            lambda comment, user: actions.do_approve(comment, moderator=user),
            "%(count)d comment approved.",
            "%(count)d comments approved.",
            _("Approve"),
        ),
        _bulk(
            "mark_spam",
            lambda comment, user: actions.do_mark_spam(comment, moderator=user),
            "%(count)d comment marked as spam.",
            "%(count)d comments marked as spam.",
            _("Mark as spam"),
        ),
        _bulk(
            "mark_ham",
            lambda comment, user: actions.do_mark_ham(comment, moderator=user),
            "%(count)d comment marked as not spam.",
            "%(count)d comments marked as not spam.",
            _("Not spam: approve and teach the filter"),
        ),
        _bulk(
            "trash",
            lambda comment, user: actions.do_trash(comment, actor=user),
            "%(count)d comment moved to the trash.",
            "%(count)d comments moved to the trash.",
            _("Move to trash"),
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                approved_before=_history(Comment.Status.APPROVED),
                spam_before=_history(Comment.Status.SPAM),
            )
        )

    def lookup_allowed(self, lookup: str, value: str, request: Any = None) -> bool:  # type: ignore[override]
        return lookup in self.LINK_FILTERS or super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers, through the pipeline

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        return comment.content[:120]

    @admin.display(description=_("author"), ordering="author_name")
    def author(self, comment: Comment) -> str:
        """The name, and links to every comment from the same e-mail or address."""
        by_email = (
            format_html(
                '<a href="?email_hash__exact={}">{}</a>', comment.email_hash, comment.author_email
            )
            if comment.email_hash
            else ""
        )
        by_ip = format_html(
            '<a href="?ip_hash__exact={}">{}</a>', comment.ip_hash, comment.ip_network
        )
        return format_html("{}<br><small>{} {}</small>", comment.author_name, by_email, by_ip)

    @admin.display(description=_("thread"))
    def thread_link(self, comment: Comment) -> str:
        return format_html(
            '<a href="?thread__id__exact={}">{}</a>', comment.thread_id, comment.thread
        )

    @admin.display(description=_("reasons"))
    def reasons(self, comment: Comment) -> str:
        items = [*comment.moderation_reasons, *comment.spam_reasons]
        return format_html_join("", "<div>{}</div>", ((reason,) for reason in items))

    @admin.display(description=_("spam score"), ordering="spam_score")
    def score(self, comment: Comment) -> str:
        return "—" if comment.spam_score is None else f"{comment.spam_score:.2f}"

    @admin.display(description=_("author's history"))
    def history(self, comment: Any) -> str:
        return format_html(
            '<span title="{}">✓ {}</span> · <span title="{}">✗ {}</span>',
            _("approved"),
            comment.approved_before or 0,
            _("spam"),
            comment.spam_before or 0,
        )
