from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Salt(models.Model):
    """The secret of one hour's visitor keys; deleted 48 hours later (spec §1)."""

    hour = models.PositiveIntegerField(unique=True)  # hours since the Unix epoch
    secret = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"salt for hour {self.hour}"  # never the secret


class Sample(models.Model):
    """An article's readers at one minute, for the editors' sparklines; kept one hour.

    Only counts: no visitor is in here.
    """

    minute = models.PositiveIntegerField()  # minutes since the Unix epoch
    article_id = models.PositiveIntegerField()
    readers = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["minute", "article_id"], name="live_sample_once")
        ]
        verbose_name = _("currently reading")
        verbose_name_plural = _("currently reading")

    def __str__(self) -> str:
        return f"{self.article_id}@{self.minute}: {self.readers}"
