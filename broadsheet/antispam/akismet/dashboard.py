"""The spam dashboard's figures: per day and per site, checks, spam, discards and corrections,
laid out as SVG bar charts (no script, no chart library)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from broadsheet.antispam.akismet import usage
from broadsheet.antispam.models import ApiDay

WIDTH, HEIGHT = 720, 160  # SVG units
DAYS = (7, 30, 90, 365)
PARTS = {
    "ham": gettext_lazy("ham"),
    "kept_spam": gettext_lazy("spam"),
    "discards": gettext_lazy("spam discarded"),
    "missed_spam": gettext_lazy("missed spam"),
    "false_positives": gettext_lazy("false positives"),
}


@dataclass(frozen=True)
class Segment:
    y: float
    height: float
    part: str  # CSS class
    value: int

    @property
    def label(self) -> str:
        return str(PARTS[self.part])


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    day: date
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    peak: int
    parts: tuple[str, ...]


def _chart(days: list[date], series: dict[date, dict[str, int]], parts: tuple[str, ...]) -> Chart:
    """Bars of stacked parts, one per day, scaled to the tallest day."""
    peak = max((sum(series.get(d, {}).get(p, 0) for p in parts) for d in days), default=0)
    step = WIDTH / max(len(days), 1)
    bars = []
    for n, day in enumerate(days):
        top = float(HEIGHT)
        segments = []
        for part in parts:
            value = series.get(day, {}).get(part, 0)
            height = value / peak * HEIGHT if peak else 0.0
            top -= height
            segments.append(Segment(round(top, 1), round(height, 1), part, value))
        bars.append(Bar(round(n * step, 1), round(max(step - 1, 1), 1), day, segments))
    return Chart(bars, peak, parts)


def figures(days: int, blog: str = "") -> dict[str, Any]:
    """Everything the dashboard page shows for the last `days` days, optionally one site."""
    end = timezone.localdate()
    start = end - timedelta(days=days - 1)
    rows = ApiDay.objects.filter(day__gte=start)
    if blog:
        rows = rows.filter(blog=blog)
    series = {}
    for row in usage.daily(rows):
        counts = dict(row)
        counts["ham"] = row["checks"] - row["spam"]
        counts["kept_spam"] = row["spam"] - row["discards"]
        series[row["day"]] = counts
    span = [start + timedelta(days=n) for n in range(days)]
    sites = (
        ApiDay.objects.filter(day__gte=start)
        .values("blog")
        .annotate(**{f"{name}_": Sum(name) for name in usage.COUNTERS})
        .order_by("-checks_", "blog")
    )
    return {
        "verdicts": _chart(span, series, ("ham", "kept_spam", "discards")),
        "corrections": _chart(span, series, ("missed_spam", "false_positives")),
        "totals": usage.totals(rows),
        "sites": [
            {name: row[f"{name}_"] for name in usage.COUNTERS} | {"blog": row["blog"]}
            for row in sites
        ],
        "start": start,
        "end": end,
    }
