"""Each minute's readers per article, kept one hour for the editors' sparklines."""

from __future__ import annotations

from django.db import DatabaseError

from broadsheet.live import store
from broadsheet.live.models import Sample

MINUTES = 60
KEEP_ARTICLES = 200  # the most read each minute; the rest would be flat lines at zero

_last_minute = -1


def maybe_record(now: float) -> None:
    """Write this minute's counts once: the first worker to get here each minute does it."""
    global _last_minute
    minute = int(now // 60)
    if minute == _last_minute:
        return
    _last_minute = minute
    pairs = store.counts("", now)
    counts = sorted(
        ((int(item), count) for item, count in pairs.items() if item.isdigit()),
        key=lambda pair: -pair[1],
    )[:KEEP_ARTICLES]
    try:
        Sample.objects.filter(minute__lte=minute - MINUTES).delete()
        Sample.objects.bulk_create(
            [Sample(minute=minute, article_id=pk, readers=count) for pk, count in counts],
            ignore_conflicts=True,
        )
    except DatabaseError:
        pass  # a busy database costs one point of a sparkline, never a page


def history(article_ids: list[int], now: float) -> dict[int, list[int]]:
    """The last hour per article, oldest minute first, zero where nothing was recorded."""
    minute = int(now // 60)
    first = minute - MINUTES + 1
    lines = {pk: [0] * MINUTES for pk in article_ids}
    rows = Sample.objects.filter(minute__gte=first, article_id__in=article_ids).values_list(
        "article_id", "minute", "readers"
    )
    for pk, at, readers in rows:
        lines[pk][at - first] = readers
    return lines


def forget() -> None:
    global _last_minute
    _last_minute = -1
