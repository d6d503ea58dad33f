"""Database state: installed base models, per-site layers, feedback, reputation, recent texts.

Nothing the engine keeps holds raw personal data: e-mail, IP and name keys are keyed hashes,
feedback keeps the hashed feature vector, recent texts keep MinHash signatures only. The API's
call log (CheckLog) does keep the request's fields, for rechecks, until the privacy purge.
"""

from __future__ import annotations

import secrets
import string

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """A base model installed into the database; the newest active one replaces the shipped file."""

    version = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.version


class SiteLayer(models.Model):
    """A snapshot of one site's learnt layer; later feedback (by id) is replayed on load."""

    site = models.CharField(max_length=64, unique=True)
    generation = models.PositiveIntegerField(default=1)  # bumped by retrain: workers reload
    base_version = models.CharField(max_length=64)
    last_feedback_id = models.BigIntegerField(default=0)
    snapshot = models.BinaryField()
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.site} g{self.generation}"


class Feedback(models.Model):
    """One moderation label (site's moderators or the API's submit calls), as a hashed vector."""

    site = models.CharField(max_length=64)
    spam = models.BooleanField()
    vector = models.BinaryField()  # int32 indices then float32 values
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["site", "id"])]

    def __str__(self) -> str:
        return f"{self.site} {'spam' if self.spam else 'ham'} #{self.pk}"


class Reputation(models.Model):
    """Spam and ham counts for one source (e-mail, IP, /24, URL domain, name, link domain)."""

    site = models.CharField(max_length=64)
    kind = models.CharField(max_length=8)
    key = models.CharField(max_length=32)  # HMAC of the value with SECRET_KEY
    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "key"], name="antispam_rep_unique")
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.kind} {self.spam}/{self.ham}"


class RecentText(models.Model):
    """MinHash signature of a recent comment, for spotting campaigns; pruned by age."""

    site = models.CharField(max_length=64)
    created = models.DateTimeField(db_index=True)
    thread = models.CharField(max_length=16, blank=True)  # keyed hash of the permalink
    # True: judged spam (verdict or moderator); False: approved by a moderator; None: neither.
    spam = models.BooleanField(null=True)
    signature = models.BinaryField()
    b0 = models.BigIntegerField(db_index=True)
    b1 = models.BigIntegerField(db_index=True)
    b2 = models.BigIntegerField(db_index=True)
    b3 = models.BigIntegerField(db_index=True)
    b4 = models.BigIntegerField(db_index=True)
    b5 = models.BigIntegerField(db_index=True)
    b6 = models.BigIntegerField(db_index=True)
    b7 = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.site} {self.created:%Y-%m-%d %H:%M}"


def new_api_key() -> str:
    # WordPress only accepts 12-character keys, so ours are 12 too: 36**12 ≈ 2**62 choices.
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(12))


class ApiKey(models.Model):
    """A key for the Akismet-compatible API: one per site calling it, with its blog URL(s)."""

    key = models.CharField(_("key"), max_length=12, unique=True, default=new_api_key)
    name = models.CharField(_("name"), max_length=100, blank=True)
    blogs = models.TextField(
        _("blog URLs"),
        help_text=_("The site's addresses, one per line, as its Akismet client sends them."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.name or next(iter(self.blog_list), f"#{self.pk}")

    @property
    def blog_list(self) -> list[str]:
        return [line.strip() for line in self.blogs.splitlines() if line.strip()]

    @property
    def site(self) -> str:
        return engine_site(self.pk)


def engine_site(key_id: int) -> str:
    """The spam engine's site for an API key: the key's id, never the secret key itself."""
    return f"key:{key_id}"


class ApiDay(models.Model):
    """One key's calls from one blog on one day: the long-lived aggregates behind usage-limit,
    key-sites and the spam dashboard (the per-call log is purged, these are not)."""

    # The unique (key, day, blog) constraint's index serves as the key's.
    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="days", db_index=False)
    day = models.DateField()
    blog = models.CharField(max_length=253)  # the blog URL's host
    checks = models.PositiveIntegerField(default=0)
    spam = models.PositiveIntegerField(default=0)
    discards = models.PositiveIntegerField(default=0)
    missed_spam = models.PositiveIntegerField(default=0)  # submit-spam calls
    false_positives = models.PositiveIntegerField(default=0)  # submit-ham calls

    class Meta:
        verbose_name = _("spam dashboard")
        verbose_name_plural = _("spam dashboard")
        constraints = [
            models.UniqueConstraint(fields=["key", "day", "blog"], name="antispam_apiday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.blog} {self.day}"


class CheckLog(models.Model):
    """One call to the API (comment-check, submit-spam or submit-ham), kept for the dashboard and
    for rechecks as long as the privacy settings allow (the privacy app purges old rows)."""

    class Call(models.TextChoices):
        CHECK = "check", _("comment-check")
        SPAM = "spam", _("submit-spam")
        HAM = "ham", _("submit-ham")

    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    # (key, match) below serves as the key's index: one index less to write per call.
    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+", db_index=False)
    call = models.CharField(_("call"), max_length=5, choices=Call.choices)
    blog = models.CharField(_("blog"), max_length=253)
    guid = models.CharField(max_length=32, blank=True, db_index=True)
    # Keyed hash of the fields a submit is paired on when it does not send the check's guid.
    match = models.CharField(max_length=32, blank=True)
    original = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="submits"
    )  # a submit's original check
    email_hash = models.CharField(max_length=32, blank=True, db_index=True)
    is_test = models.BooleanField(default=False)
    spam = models.BooleanField(_("spam"), null=True)
    discard = models.BooleanField(_("discard"), default=False)
    score = models.FloatField(_("score"), null=True)
    reasons = models.JSONField(default=list)
    version = models.CharField(max_length=100, blank=True)
    fields = models.JSONField(default=dict)  # the request's parameters, without the key

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        indexes = [models.Index(fields=["key", "match"])]

    def __str__(self) -> str:
        return f"{self.get_call_display()} {self.guid or self.pk}"
