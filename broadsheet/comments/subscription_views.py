"""Following a thread by e-mail: the form, the confirmation link and the unsubscribe link."""

from __future__ import annotations

from django import forms
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from broadsheet.comments.actions import do_confirm_subscription, do_subscribe, do_unsubscribe
from broadsheet.comments.feeds import visible_threads
from broadsheet.comments.subscriptions import (
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    UNSUBSCRIBE_SALT,
    read_token,
)


class FollowForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = get_object_or_404(visible_threads().select_related("article"), pk=thread_id)
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_subscribe(form.cleaned_data["email"], thread)
        # The same answer whether or not the address was already subscribed.
        return render(request, "comments/follow.html", {"thread": thread, "sent": True})
    status = 400 if request.method == "POST" else 200
    return render(request, "comments/follow.html", {"thread": thread, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (mail scanners follow links); POST confirms, once."""
    try:
        subscription = read_token(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return render(request, "comments/subscription.html", {"state": "invalid"}, status=400)
    if subscription is None:
        return render(request, "comments/subscription.html", {"state": "gone"}, status=404)
    if subscription.confirmed_at is not None:
        state = "used"
    elif request.method == "POST":
        do_confirm_subscription(subscription)
        state = "confirmed"
    else:
        state = "confirm"
    context = {"state": state, "subscription": subscription}
    return render(request, "comments/subscription.html", context)


# Mail programs send RFC 8058's one-click POST with no cookie and no CSRF token: the signed
# token in the address is the only proof needed, and all it can do is stop mail.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = read_token(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(request, "comments/subscription.html", {"state": "invalid"}, status=400)
    if subscription is None:
        return render(request, "comments/subscription.html", {"state": "unsubscribed"})
    if request.method == "POST":
        do_unsubscribe(subscription, everything=request.POST.get("scope") == "all")
        return render(request, "comments/subscription.html", {"state": "unsubscribed"})
    context = {"state": "unsubscribe", "subscription": subscription}
    return render(request, "comments/subscription.html", context)
