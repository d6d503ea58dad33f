"""Moving a site in: one import is one transaction; the spam filter learns after it commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import F

from broadsheet.comments import spam
from broadsheet.transfer.importer import Importer
from broadsheet.transfer.models import ImportedObject
from broadsheet.transfer.records import Record
from broadsheet.transfer.summary import Summary

# Each lesson is a write in the spam engine (about 35 ms here), so the most recent decisions
# of each kind are taught: they say most about today's spam.
TEACH_LIMIT = 1000


def do_import(
    records: Iterable[Record],
    *,
    source: str,
    teach: bool = True,
    teach_limit: int = TEACH_LIMIT,
    on_teach: Callable[[int], Any] | None = None,
) -> Summary:
    """Import everything or nothing: a bad record anywhere in the file rolls it all back.

    ``records`` is a reader's generator, so reading and writing stream together.
    """
    summary = Summary(source)
    with transaction.atomic():
        Importer(source, summary).add_all(records)
        if teach:
            # robust: a failure to learn is logged and leaves the committed import alone.
            transaction.on_commit(
                lambda: do_teach(source, summary, teach_limit, on_teach), robust=True
            )
    return summary


def do_teach(
    source: str,
    summary: Summary,
    limit: int = TEACH_LIMIT,
    on_teach: Callable[[int], Any] | None = None,
) -> None:
    """Teach the site's spam filter the decisions the file recorded and it has not learnt yet."""
    for label in ("spam", "ham"):
        lessons = (
            ImportedObject.objects.filter(source=source, kind=ImportedObject.Kind.COMMENT)
            .filter(lesson=label)
            .exclude(taught=F("lesson"))
            .select_related("comment__thread__article")
            .order_by("-comment__created_at")[:limit]
        )
        for mapped in lessons:
            comment = mapped.comment
            assert comment is not None
            spam.learn(comment, is_spam=label == "spam")
            with transaction.atomic():
                ImportedObject.objects.filter(pk=mapped.pk).update(taught=label)
            summary.taught[label] += 1
            if on_teach is not None:
                on_teach(1)
