from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from broadsheet.lib.ip import client_ip
from broadsheet.privacy import notice
from broadsheet.privacy.actions import (
    Outcome,
    RateLimited,
    do_confirm,
    do_download,
    do_submit_request,
)
from broadsheet.privacy.forms import RequestForm

# The per-IP limit counts requests over an hour.
RETRY_AFTER = 3600


def _page(request: HttpRequest, form: RequestForm, status: int = 200) -> HttpResponse:
    return render(
        request, "privacy/page.html", {**notice.page_context(), "form": form}, status=status
    )


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    return _page(request, RequestForm())


def _done(request: HttpRequest, outcome: Outcome | None) -> HttpResponse:
    if outcome is None or outcome.refused:
        refused = outcome.refused if outcome else "invalid"
        return render(request, "privacy/done.html", {"refused": refused}, status=400)
    context: dict[str, Any] = {
        "download": outcome.download,
        "retained": outcome.request.outcome.get("retained", []),
        "export_hours": settings.PRIVACY_EXPORT_HOURS,
    }
    return render(request, "privacy/done.html", context)


@require_POST
@never_cache
def submit_request(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        outcome = do_submit_request(
            email=form.cleaned_data["email"],
            kind=form.cleaned_data["kind"],
            replace_content=form.cleaned_data["replace_content"],
            ip=client_ip(request.META, settings.TRUSTED_PROXIES),
            user=request.user,
        )
    except RateLimited:
        response = render(request, "privacy/requested.html", {"limited": True}, status=429)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    if outcome is not None and outcome.request.status == outcome.request.Status.COMPLETED:
        return _done(request, outcome)  # a signed-in reader asking about their own address
    # The same answer whether or not the address is known, or was over its daily limit.
    context = {"link_hours": settings.PRIVACY_LINK_HOURS}
    return render(request, "privacy/requested.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for a press of the button (mail scanners open links); POST carries it out."""
    if request.method == "GET":
        return render(request, "privacy/confirm.html")
    return _done(request, do_confirm(token))


@require_GET
@never_cache
def download(request: HttpRequest, token: str) -> HttpResponse:
    content = do_download(token)
    if content is None:
        return render(request, "privacy/done.html", {"refused": "invalid"}, status=404)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-comment-data.json"'
    return response
