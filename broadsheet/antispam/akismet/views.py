"""The API's endpoints: parse, authorise, call the engine, answer in Akismet's exact words.

Every API-level outcome is HTTP 200 (clients take anything else for a broken connection); only
an oversized body (413), a wrong method (405) or an unknown path (404) are not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from broadsheet.antispam import engine
from broadsheet.antispam.akismet import actions, keys, usage, wire
from broadsheet.antispam.fields import truthy
from broadsheet.antispam.models import ApiDay

Endpoint = Callable[[wire.Call], HttpResponse]
# What get-stats counts each caught spam as saving a moderator (Akismet publishes no figure).
SECONDS_PER_SPAM = 20


def endpoint(
    *methods: str, key_first: bool = False
) -> Callable[[Endpoint], Callable[[HttpRequest], HttpResponse]]:
    def decorate(view: Endpoint) -> Callable[[HttpRequest], HttpResponse]:
        @csrf_exempt  # no cookie is read or set: the API key authorises each call
        @wraps(view)
        def handle(request: HttpRequest) -> HttpResponse:
            if request.method not in methods:
                return wire.text("Method not allowed", {"Allow": ", ".join(methods)}, 405)
            if wire.too_big(request):
                return wire.text("Request body too large", status=413)
            return view(wire.read(request, key_first=key_first))

        return handle

    return decorate


def _authorise(call: wire.Call, *, key_name: str = "api_key") -> keys.Known | HttpResponse:
    if not call.key:
        return wire.invalid(f'Empty "{key_name}" value')
    found = keys.find(call.key)
    if found is None:
        return wire.invalid("Invalid key")
    if found.revoked:
        return wire.invalid("This key has been revoked")
    return found


def _authorise_blog(
    call: wire.Call, *, required: bool = True, key_name: str = "api_key"
) -> tuple[keys.Known, str] | HttpResponse:
    """The key, and the blog's host when the key serves that blog."""
    found = _authorise(call, key_name=key_name)
    if isinstance(found, HttpResponse):
        return found
    blog = call.get("blog").strip()
    if not blog:
        return wire.missing("blog") if required else wire.invalid('Empty "blog" value')
    host = keys.blog_host(blog)
    if host is None:
        return wire.invalid("We were unable to parse your blog URI")
    if host not in found.hosts:
        return wire.invalid("This key is not registered for this blog URI")
    return found, host


@endpoint("POST", key_first=True)
def verify_key(call: wire.Call) -> HttpResponse:
    found = _authorise_blog(call, required=False, key_name="key")
    return found if isinstance(found, HttpResponse) else wire.text("valid")


@endpoint("POST")
def comment_check(call: wire.Call) -> HttpResponse:
    found = _authorise_blog(call)
    if isinstance(found, HttpResponse):
        return found
    key, blog = found
    if not call.get("user_ip").strip():
        return wire.missing("user_ip")
    fields = call.fields()
    verdict = engine.check(fields, key.site, remember=False)  # remembered with the log row
    headers = {"X-akismet-guid": actions.do_record_check(key, blog, fields, verdict)}
    if verdict.spam and verdict.discard:
        headers["X-akismet-pro-tip"] = "discard"
    return wire.text("true" if verdict.spam else "false", headers)


def _submit(call: wire.Call, *, spam: bool) -> HttpResponse:
    found = _authorise_blog(call)
    if isinstance(found, HttpResponse):
        return found
    if not call.get("user_ip").strip():
        return wire.missing("user_ip")
    actions.do_submit(*found, call.fields(), spam=spam)
    return wire.text(wire.THANKS)


@endpoint("POST")
def submit_spam(call: wire.Call) -> HttpResponse:
    return _submit(call, spam=True)


@endpoint("POST")
def submit_ham(call: wire.Call) -> HttpResponse:
    return _submit(call, spam=False)


@endpoint("GET", "POST")
def usage_limit(call: wire.Call) -> HttpResponse:
    found = _authorise(call)
    if isinstance(found, HttpResponse):
        return found
    answer: dict[str, object] = {
        "limit": "none",  # no plan limits here
        "usage": usage.month_usage(found.id),
        "percentage": "0.00",
        "throttled": False,
    }
    if truthy(call.get("extended")):
        answer |= {"notice_level": "NOTICE_NONE", "upgrade": False}
    return wire.as_json(answer)


@endpoint("GET", "POST")
def key_sites(call: wire.Call) -> HttpResponse:
    found = _authorise(call)
    if isinstance(found, HttpResponse):
        return found
    start = usage.month_start(call.get("month"))
    limit = wire.whole(call.get("limit"), 500)
    offset = wire.whole(call.get("offset"), 0)
    rows, total = usage.sites(
        found.id,
        start,
        contains=call.get("filter"),
        order=call.get("order"),
        limit=limit,
        offset=offset,
    )
    month = f"{start:%Y-%m}"
    for row in rows:
        row["is_revoked"] = row["site"] not in found.hosts  # no longer one of the key's blogs
    if call.get("format").lower() == "csv":
        lines = [
            f"Active sites for {call.key} during {month} "
            f"(limit:{limit}, offset: {offset}, total: {total})",
            "Site,Total API Calls,Spam,Ham,Missed Spam,False Positives,Is Revoked",
            *(",".join(_csv_cells(row)) for row in rows),
        ]
        return HttpResponse("\n".join(lines), content_type="text/csv; charset=utf-8")
    listed = [
        {k: (v if k in {"site", "is_revoked"} else str(v)) for k, v in row.items()} for row in rows
    ]
    return wire.as_json({month: listed, "limit": limit, "offset": offset, "total": total})


def _csv_cells(row: dict[str, object]) -> list[str]:
    cells = [str(row[name]) for name in _SITE_COLUMNS]
    return [*cells, "true" if row["is_revoked"] else "false"]


_SITE_COLUMNS = ("site", "api_calls", "spam", "ham", "missed_spam", "false_positives")


@endpoint("GET", "POST")
def test(call: wire.Call) -> HttpResponse:
    """WordPress's "Test connection"."""
    return wire.text("connected")


# Periods of WordPress's get-stats: how far back, and whether the breakdown is by day or month.
_PERIODS = {
    "60-days": (60, "%Y-%m-%d"),
    "days": (30, "%Y-%m-%d"),
    "months": (365, "%Y-%m"),
    "6-months": (183, "%Y-%m"),
    "all": (None, "%Y-%m"),
}


@endpoint("POST")
def get_stats(call: wire.Call) -> HttpResponse:
    found = _authorise_blog(call, required=False, key_name="key")
    if isinstance(found, HttpResponse):
        return found
    key, _blog = found
    back, step = _PERIODS.get(call.get("from"), _PERIODS["6-months"])
    days = ApiDay.objects.filter(key_id=key.id)
    if back is not None:
        days = days.filter(day__gte=timezone.localdate() - timedelta(days=back))
    breakdown: dict[str, dict[str, int]] = {}
    for row in usage.daily(days):
        entry = breakdown.setdefault(
            row["day"].strftime(step),
            dict.fromkeys(("spam", "ham", "missed_spam", "false_positives"), 0),
        )
        entry["spam"] += row["spam"]
        entry["ham"] += row["checks"] - row["spam"]
        entry["missed_spam"] += row["missed_spam"]
        entry["false_positives"] += row["false_positives"]
    sums = usage.totals(days)
    wrong = sums["missed_spam"] + sums["false_positives"]
    accuracy = 100 * max(sums["checks"] - wrong, 0) / sums["checks"] if sums["checks"] else 100
    return wire.as_json(
        {
            "spam": sums["spam"],
            "ham": sums["checks"] - sums["spam"],
            "missed_spam": sums["missed_spam"],
            "false_positives": sums["false_positives"],
            "accuracy": f"{accuracy:.2f}",
            "time_saved": sums["spam"] * SECONDS_PER_SPAM,
            "breakdown": breakdown,
        }
    )


@endpoint("POST", key_first=True)
def get_subscription(call: wire.Call) -> HttpResponse:
    found = _authorise(call, key_name="key")
    if isinstance(found, HttpResponse):
        return found
    return wire.as_json(
        {
            "account_id": found.id,
            "account_type": "self-hosted",
            "account_name": settings.SITE_NAME,
            "status": "active",
            "next_billing_date": False,
            "limit_reached": False,
        }
    )


@endpoint("POST")
def verify_wpcom_key(call: wire.Call) -> HttpResponse:
    found = _authorise(call)
    if isinstance(found, HttpResponse):
        return found
    return wire.as_json({"api_key": call.key, "status": "active"})


@endpoint("POST")
def token(call: wire.Call) -> HttpResponse:
    found = _authorise(call)
    if isinstance(found, HttpResponse):
        return found
    # The token opens Akismet's hosted stats page, which does not exist here: WordPress treats
    # "invalid" as no token and shows its own screens.
    return wire.invalid("This server issues no stats tokens")


@endpoint("POST")
def deactivate(call: wire.Call) -> HttpResponse:
    found = _authorise(call, key_name="key")
    return found if isinstance(found, HttpResponse) else wire.text("deactivated")
