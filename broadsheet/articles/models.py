from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from broadsheet.lib.markdown import render_markdown


class Section(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first in the navigation.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:section", args=[self.slug])


class ArticleQuerySet(models.QuerySet["Article"]):
    def live(self) -> ArticleQuerySet:
        """What readers may see: published, or scheduled for a time that has come."""
        return self.filter(
            ~Q(status=Article.Status.DRAFT), published_at__lte=timezone.now()
        ).select_related("section", "comment_thread")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("section")
    )
    summary = models.TextField(
        _("summary"), max_length=500, help_text=_("Shown in lists, feeds and link previews.")
    )
    body = models.TextField(
        _("body"),
        help_text=_("Markdown. Use ## for subheadings: the title is the page's only top heading."),
    )
    body_html = models.TextField(editable=False, default="")
    byline = models.CharField(_("byline"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("A scheduled article appears on the site at this time."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"])]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.body_html = render_markdown(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:article", args=[self.slug])

    def clean(self) -> None:
        if self.status == self.Status.SCHEDULED and self.published_at is None:
            raise ValidationError(
                {"published_at": _("A scheduled article needs the time it is to appear.")}
            )

    @property
    def was_updated(self) -> bool:
        """True when edited noticeably after publication, so readers are told."""
        return (
            self.published_at is not None
            and (self.updated_at - self.published_at).total_seconds() > 300
        )
