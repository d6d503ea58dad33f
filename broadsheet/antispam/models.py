"""Database state: installed base models, per-site layers, feedback, reputation, recent texts.

Nothing here holds raw personal data: e-mail, IP and name keys are keyed hashes, feedback keeps
the hashed feature vector, recent texts keep MinHash signatures only.
"""

from __future__ import annotations

from django.db import models


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
