"""Readers' requests, the export files they produce, consents, the IP-hash keys and purge runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# GDPR Art. 12(3): a request is answered within one month.
DUE_DAYS = 30


class PrivacyRequest(models.Model):
    """One export or erasure, asked for by a reader (double opt-in) or run by staff.

    The address itself is kept only while the request is open; afterwards only its keyed hash.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export my data")
        ERASE = "erase", _("Erase my data")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        READER = "reader", _("Reader's form")
        ADMIN = "admin", _("Admin")
        COMMAND = "command", _("Command line")

    kind = models.CharField(_("type"), max_length=6, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    source = models.CharField(_("source"), max_length=7, choices=Source.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    email_hash = models.CharField(_("e-mail hash"), max_length=32, db_index=True)
    # Keyed hash of the requester's address, for the per-address rate limit only.
    ip_hash = models.CharField(max_length=32, blank=True, db_index=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    replace_content = models.BooleanField(
        _("replace comment texts with “[deleted]”"), default=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # What was done: rows per store, what was kept and why, or why it failed.
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    reduced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        permissions = [
            ("handle_request", _("Can export and erase a reader's data")),
            ("download_export", _("Can download data exports")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"  # never the address

    @property
    def due_at(self) -> datetime:
        return self.created_at + timedelta(days=DUE_DAYS)


class ExportFile(models.Model):
    """The JSON of one export: downloadable once, through an unguessable link, until it expires."""

    request = models.OneToOneField(
        PrivacyRequest, on_delete=models.CASCADE, related_name="export_file"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    content = models.TextField(blank=True)  # emptied once downloaded
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"export for request #{self.request_id}"

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(hours=settings.PRIVACY_EXPORT_HOURS)


class Consent(models.Model):
    """A commenter's answer to the "save my details in this browser" box (GDPR Art. 7(1))."""

    class Purpose(models.TextChoices):
        DETAILS_COOKIE = "details-cookie", _("Save name, e-mail and website in a cookie")

    email_hash = models.CharField(max_length=32, db_index=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    given = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.purpose}: {'given' if self.given else 'withdrawn'}"


class IpKey(models.Model):
    """The secret that IP addresses are hashed with during one period; deleted after it."""

    period = models.PositiveIntegerField(unique=True)  # days since the epoch // key days
    secret = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"IP key for period {self.period}"  # never the secret


class PurgeRun(models.Model):
    """One run of `broadsheet privacy purge`: when, and how many rows each rule changed."""

    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"))
    counts = models.JSONField(_("rows changed"), default=dict)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
