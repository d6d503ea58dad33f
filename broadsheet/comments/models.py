from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from broadsheet.articles.models import Article
from broadsheet.lib.markdown import render_comment


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

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="comments", verbose_name=_("thread")
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
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
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
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # What the privacy notice lists: the network, never the full address; keyed hashes to
    # group one author's comments; the browser family, not the full user agent.
    ip_network = models.CharField(_("IP network"), max_length=50, blank=True)
    ip_hash = models.CharField(_("IP hash"), max_length=32, blank=True, db_index=True)
    email_hash = models.CharField(_("e-mail hash"), max_length=32, blank=True, db_index=True)
    user_agent_family = models.CharField(_("browser"), max_length=50, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["thread", "status", "depth", "created_at"]),
            models.Index(fields=["root", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.content[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Rendered once here, not on every read; status-only saves leave it alone.
        if kwargs.get("update_fields") is None:
            self.content_html = render_comment(self.content)
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.comment_id}"
