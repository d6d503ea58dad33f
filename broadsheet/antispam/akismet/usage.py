"""Counting calls per key, blog and day, and the figures usage-limit, key-sites, get-stats and
the spam dashboard are made of."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from broadsheet.antispam.akismet import sql
from broadsheet.antispam.models import ApiDay

# The counters (ham is checks - spam).
COUNTERS = ("checks", "spam", "discards", "missed_spam", "false_positives")
ORDERS = {
    "total": "api_calls",
    "spam": "spam",
    "ham": "ham",
    "missed_spam": "missed_spam",
    "false_positives": "false_positives",
}


def count(key_id: int, blog: str, **increments: int) -> None:
    """Add to today's counters: one UPDATE, and an INSERT the first time each day."""
    changes = {name: n for name, n in increments.items() if n}
    if not changes:
        return
    where = {"key_id": key_id, "day": timezone.localdate(), "blog": blog}
    if sql.add(ApiDay, changes, where):
        return
    try:
        with transaction.atomic():
            ApiDay.objects.create(**where, **changes)
    except IntegrityError:  # another worker created today's row first
        sql.add(ApiDay, changes, where)


def month_start(value: str = "") -> date:
    """The first day of a "YYYY-MM" month; this month when the value is not one."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def next_month(start: date) -> date:
    return (start + timedelta(days=32)).replace(day=1)


def totals(days: QuerySet[ApiDay]) -> dict[str, int]:
    sums = days.aggregate(**{name: Coalesce(Sum(name), 0) for name in COUNTERS})
    return {name: int(sums[name]) for name in COUNTERS}


def month_usage(key_id: int) -> int:
    start = month_start()
    return totals(ApiDay.objects.filter(key_id=key_id, day__gte=start))["checks"]


def sites(
    key_id: int, start: date, *, contains: str, order: str, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Each blog's figures for one month, in key-sites' order, and how many blogs there are."""
    days = ApiDay.objects.filter(key_id=key_id, day__gte=start, day__lt=next_month(start))
    if contains:
        days = days.filter(blog__icontains=contains)
    grouped = days.values("blog").annotate(
        api_calls=Sum("checks"),
        spam_=Sum("spam"),
        ham=Sum("checks") - Sum("spam"),
        missed_spam_=Sum("missed_spam"),
        false_positives_=Sum("false_positives"),
    )
    column = ORDERS.get(order, "api_calls")
    column = column if column in {"api_calls", "ham"} else column + "_"
    rows = list(grouped.order_by(f"-{column}", "blog")[offset : offset + limit])
    return [
        {
            "site": row["blog"],
            "api_calls": row["api_calls"],
            "spam": row["spam_"],
            "ham": row["ham"],
            "missed_spam": row["missed_spam_"],
            "false_positives": row["false_positives_"],
        }
        for row in rows
    ], grouped.count()


def daily(days: QuerySet[ApiDay]) -> list[dict[str, Any]]:
    """Counters summed per day, oldest first."""
    grouped = days.values("day").annotate(**{f"{name}_": Sum(name) for name in COUNTERS})
    return [
        {"day": row["day"], **{name: row[f"{name}_"] for name in COUNTERS}}
        for row in grouped.order_by("day")
    ]
