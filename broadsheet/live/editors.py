"""The editors' live view: every article read right now, however few, with its last hour."""

from __future__ import annotations

import time
from dataclasses import dataclass

from broadsheet.articles.models import Article
from broadsheet.live import readers, samples

ROWS = 50
WIDTH, HEIGHT = 120, 24  # sparkline, in SVG units


@dataclass(frozen=True)
class Row:
    article: Article
    readers: int
    history: list[int]

    @property
    def sparkline(self) -> str:
        """SVG polyline points for the last hour, scaled to the row's own peak."""
        values = [*self.history[:-1], self.readers]  # the current minute is the live figure
        peak = max(max(values), 1)
        step = WIDTH / (len(values) - 1)
        return " ".join(
            f"{n * step:.1f},{HEIGHT - value / peak * (HEIGHT - 2) - 1:.1f}"
            for n, value in enumerate(values)
        )

    @property
    def peak(self) -> int:
        return max([*self.history, self.readers])


def rows(now: float | None = None) -> tuple[int, list[Row]]:
    """Total current readers, and the most read articles with their last hour."""
    now = time.time() if now is None else now
    samples.maybe_record(now)
    counts = readers.counts(now)
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:ROWS]
    articles = Article.objects.filter(pk__in=[pk for pk, _ in ranked]).in_bulk()
    history = samples.history(list(articles), now)
    return sum(counts.values()), [
        Row(articles[pk], count, history[pk]) for pk, count in ranked if pk in articles
    ]
