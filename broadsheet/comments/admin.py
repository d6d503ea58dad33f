"""The moderation queue: Django's admin, with the pipeline's and the spam engine's reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from broadsheet.comments import actions, webhooks
from broadsheet.comments.models import (
    Comment,
    Subscription,
    Thread,
    Webhook,
    WebhookDelivery,
)


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


class WebhookForm(forms.ModelForm[Webhook]):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=Webhook.Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "secret", "events", "is_active"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin[Webhook]):
    form = WebhookForm
    list_display = ["name", "url", "event_list", "is_active", "log"]
    list_filter = ["is_active"]
    actions = ["send_ping"]

    @admin.display(description=_("events"))
    def event_list(self, hook: Webhook) -> str:
        labels = dict(Webhook.Event.choices)
        return ", ".join(str(labels.get(event, event)) for event in hook.events)

    @admin.display(description=_("delivery log"))
    def log(self, hook: Webhook) -> str:
        return format_html(
            '<a href="../webhookdelivery/?webhook__id__exact={}">{}</a>', hook.pk, _("deliveries")
        )

    @admin.action(description=_("Send a test event (ping)"))
    def send_ping(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for hook in queryset:
            webhooks.ping(hook)
        self.message_user(request, _("Sent; see the delivery log."), messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = [
        "created_at",
        "webhook",
        "event",
        "status",
        "attempts",
        "status_code",
        "error",
        "next_attempt_at",
    ]
    list_filter = ["status", "event", "webhook", "created_at"]
    list_select_related = ["webhook"]
    search_fields = ["error", "body"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "webhook",
        "event",
        "status",
        "attempts",
        "status_code",
        "error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "body",
    ]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # deliveries come from events

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a log: read, retried or deleted, never edited

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("comments.change_webhook")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        webhooks.retry_now(list(queryset))
        self.message_user(request, _("Queued again; see their status shortly."), messages.SUCCESS)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    """Who follows what by e-mail, so a reader's request about it can be answered."""

    list_display = ["email", "thread", "comment", "confirmed_at", "created_at"]
    list_filter = ["confirmed_at", "created_at"]
    list_select_related = ["thread__article", "comment"]
    search_fields = ["email", "=email_hash", "thread__uri", "thread__article__title"]
    readonly_fields = ["email", "email_hash", "thread", "comment", "confirmed_at", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the address's owner subscribes, by the confirmation link
