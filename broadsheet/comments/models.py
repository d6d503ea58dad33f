from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from broadsheet.articles.models import Article
from broadsheet.lib.markdown import render_comment

# Characters of a comment's start that the same-text index holds.
TEXT_KEY = 64


class Thread(models.Model):
    """The comments under one page: an article here, or a page of another site by its URI."""

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comment_thread",
        verbose_name=_("article"),
    )
    origin = models.CharField(_("site origin"), max_length=200, blank=True)
    uri = models.CharField(_("page URI"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)
    # Kept up to date by the actions, so lists show counts without counting.
    approved_count = models.PositiveIntegerField(_("approved comments"), default=0)
    # Bumped by every change readers could see, so a cached rendering knows it is stale.
    version = models.PositiveIntegerField(default=0)
    # Blatant spam is not stored, only counted.
    discarded_count = models.PositiveIntegerField(_("discarded spam"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "uri"],
                condition=Q(article__isnull=True),
                name="comments_thread_unique_page",
            )
        ]

    def __str__(self) -> str:
        return self.title or (self.article.title if self.article else f"{self.origin}{self.uri}")

    def get_absolute_url(self) -> str:
        if self.article is not None:
            return self.article.get_absolute_url()
        return f"{self.origin}{self.uri}"

    def reply_parent(self, parent_id: int) -> Comment:
        """The comment a reply to ``parent_id`` goes under: that approved comment of this
        thread or, at the deepest level, its parent, so the reply sits beside it.
        Raises Comment.DoesNotExist when there is no such approved comment."""
        parent = self.comments.get(pk=parent_id, status=Comment.Status.APPROVED)
        if parent.depth + 1 >= settings.COMMENTS_MAX_DEPTH:
            return parent.parent  # type: ignore[return-value]  # depth > 0: it has one
        return parent

    def permalink(self) -> str:
        """The page's full address, wherever it lives."""
        url = self.get_absolute_url()
        return url if self.article is None else f"{settings.BASE_URL}{url}"


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    # Indexed with created_at below, which also serves lookups by thread alone.
    thread = models.ForeignKey(
        Thread,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("thread"),
        db_index=False,
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    # The top-level comment of this branch (itself for a top-level one): one query fetches a
    # page of branches whole.
    root = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # (root, status, created_at) below serves: one index less per post
    )
    depth = models.PositiveSmallIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("signed-in user"),
    )
    author_name = models.CharField(_("name"), max_length=100)
    author_email = models.EmailField(_("e-mail"), blank=True)
    author_url = models.URLField(_("website"), blank=True, max_length=300)
    content = models.TextField(_("comment"))
    content_html = models.TextField(editable=False, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Why the pipeline held, rejected or flagged it, in words a moderator reads.
    moderation_reasons = models.JSONField(_("moderation reasons"), default=list, blank=True)
    spam_score = models.FloatField(_("spam score"), null=True, blank=True)
    spam_reasons = models.JSONField(_("spam reasons"), default=list, blank=True)
    # Not auto_now_add: an imported comment keeps the time it was posted on the old site.
    created_at = models.DateTimeField(
        _("posted at"), default=timezone.now, editable=False, db_index=True
    )
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # What the privacy notice lists: the network, never the full address; keyed hashes to
    # group one author's comments; the browser family, not the full user agent.
    ip_network = models.CharField(_("IP network"), max_length=50, blank=True)
    ip_hash = models.CharField(_("IP hash"), max_length=32, blank=True)
    email_hash = models.CharField(_("e-mail hash"), max_length=32, blank=True)
    user_agent_family = models.CharField(_("browser"), max_length=50, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["thread", "status", "depth", "created_at"]),
            models.Index(fields=["root", "status", "created_at"]),
            # The rate limits count each key's comments in a window: a range of one index each.
            models.Index(fields=["thread", "created_at"]),
            models.Index(fields=["ip_hash", "created_at"]),
            models.Index(fields=["email_hash", "created_at"]),
            # The duplicate check finds a text in its thread by its start, instead of reading
            # every comment of the thread (thousands, on a busy one) on each post.
            models.Index(F("thread"), Substr("content", 1, TEXT_KEY), name="comments_same_text"),
        ]

    # The text content_html was last rendered from (None: not rendered by this instance).
    _rendered_text: str | None = None

    def __str__(self) -> str:
        return f"{self.author_name}: {self.content[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Rendered once here, not on every read; status-only saves leave it alone.
        if kwargs.get("update_fields") is None and self._rendered_text != self.content:
            self.render()
        # A reply takes its place in the tree from its parent. A top-level comment is the
        # root of its own branch, which needs its id, so that is set right after the insert.
        if self.parent is not None and self.root_id is None:
            self.root_id = self.parent.root_id
            self.depth = self.parent.depth + 1
        super().save(*args, **kwargs)
        if self.root_id is None:
            self.root_id = self.pk
            Comment.objects.filter(pk=self.pk).update(root=self.pk)

    def get_absolute_url(self) -> str:
        return f"{self.thread.get_absolute_url()}#comment-{self.pk}"

    def render(self) -> None:
        """Render the text to HTML now: before a write, so its transaction stays short."""
        self.content_html = render_comment(self.content)
        self._rendered_text = self.content

    @property
    def website(self) -> str:
        """The author's address to link to: only a web one. The form and the API take no
        other, but an imported comment may carry any, and a ``javascript:`` link runs when
        clicked."""
        url = self.author_url
        return url if url.lower().startswith(("http://", "https://")) else ""

    @property
    def text_hash(self) -> str:
        """Binds a guest's edit right to the text they wrote, not a moderator's edit of it."""
        return hashlib.sha256(self.content.encode()).hexdigest()[:16]


class ModerationEvent(models.Model):
    """Who changed a comment's status, and how: the queue's history."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now, editable=False)  # imports keep theirs

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.comment_id}"


class ApiToken(models.Model):
    """A staff member's key to the moderation API. Only a hash is kept: the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.name or self.pk})"


class Subscription(models.Model):
    """A reader who asked to hear by e-mail about new comments on a thread, or replies to one."""

    email = models.EmailField(_("e-mail"))
    # The keyed hash of the address: how a person's rows are found for export and erasure, and
    # how their own comments are told apart from others'.
    email_hash = models.CharField(_("e-mail hash"), max_length=32, db_index=True)
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("thread")
    )
    # Replies to this comment only; None for every new comment on the thread.
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("replies to"),
    )
    # Nothing is sent until the address's owner follows the link in the confirmation mail.
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["email_hash", "thread"],
                condition=Q(comment__isnull=True),
                name="comments_subscription_unique_thread",
            ),
            models.UniqueConstraint(
                fields=["email_hash", "comment"],
                condition=Q(comment__isnull=False),
                name="comments_subscription_unique_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.comment or self.thread}"


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


class Webhook(models.Model):
    """An address that is sent a signed JSON POST when comments are posted or moderated."""

    class Event(models.TextChoices):
        POSTED = "comment.posted", _("Comment posted")
        APPROVED = "comment.approved", _("Comment approved")
        SPAM = "comment.spam", _("Comment marked as spam")

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("secret"),
        max_length=200,
        default=new_webhook_secret,
        help_text=_("Signs every request: give the receiver the same secret."),
    )
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event for one webhook: the body sent, and how its attempts went (the delivery log)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.CharField(_("event"), max_length=40)
    # The exact bytes sent (and signed) on every attempt.
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook} ({self.get_status_display()})"
