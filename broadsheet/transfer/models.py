from __future__ import annotations

from django.db import models
from django.db.models import Q

from broadsheet.articles.models import Article, Section
from broadsheet.comments.models import Comment, Thread


class ImportedObject(models.Model):
    """What one object of an imported file became here, so importing it again updates it.

    Exactly one of the four links is set. ``extra`` keeps what the source had and Broadsheet has
    no field for (a WordPress comment's meta, a post's further categories), written back on
    export so a site moved in and out again loses nothing.
    """

    class Kind(models.TextChoices):
        SECTION = "section"
        ARTICLE = "article"
        THREAD = "thread"
        COMMENT = "comment"

    # The file's site, e.g. "wordpress:https://old.example", so two sites' ids never collide.
    source = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    external_id = models.CharField(max_length=200)
    section = models.ForeignKey(Section, on_delete=models.CASCADE, null=True, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, related_name="+")
    extra = models.JSONField(default=dict, blank=True)
    # A moderator's spam decision the file records for this comment ("spam", "ham" or ""), and
    # the one the spam filter was taught, so importing again teaches only what changed.
    lesson = models.CharField(max_length=4, blank=True)
    taught = models.CharField(max_length=4, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "external_id"], name="transfer_imported_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(section__isnull=False, article=None, thread=None, comment=None)
                    | Q(section=None, article__isnull=False, thread=None, comment=None)
                    | Q(section=None, article=None, thread__isnull=False, comment=None)
                    | Q(section=None, article=None, thread=None, comment__isnull=False)
                ),
                name="transfer_imported_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.external_id}"


class LegacyPath(models.Model):
    """An address the article had on the old site, answered with a permanent redirect."""

    # Decoded, without a trailing slash (the root is "/"), as ``normalise`` makes it.
    path = models.CharField(max_length=500, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="legacy_paths")

    def __str__(self) -> str:
        return f"{self.path} → {self.article}"


def normalise(path: str) -> str:
    return path.rstrip("/") or "/"
