"""The admin's sign-in, limited: guessing passwords costs a window of waiting per few failures.

Failures are counted in the cache (shared through Redis when REDIS_URL is set) per client
address and per user name, over a fixed window that starts at the first failure. Once either
count is reached, the form refuses without checking the password, so a right guess made then
is worth nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from broadsheet.lib.ip import client_ip

LIMITED = "rate_limited"


def _address(request: HttpRequest) -> str:
    """The client's address; for IPv6 its /64, which one machine usually has whole."""
    ip = ipaddress.ip_address(client_ip(request.META, settings.TRUSTED_PROXIES))
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _keys(request: HttpRequest, username: str) -> list[tuple[str, int]]:
    name = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return [
        (f"login-failures:ip:{_address(request)}", settings.LOGIN_RATE_PER_IP),
        (f"login-failures:user:{name}", settings.LOGIN_RATE_PER_USER),
    ]


def is_limited(request: HttpRequest, username: str) -> bool:
    limits = _keys(request, username)
    counts = cache.get_many([key for key, _limit in limits])
    return any(counts.get(key, 0) >= limit for key, limit in limits)


def record_failure(request: HttpRequest, username: str) -> None:
    for key, _limit in _keys(request, username):
        # add() starts the window; incr() keeps its expiry, in Redis as in memory.
        if not cache.add(key, 1, timeout=settings.LOGIN_RATE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # the window ended between add() and incr()
                cache.set(key, 1, timeout=settings.LOGIN_RATE_WINDOW)


def forget_failures(request: HttpRequest, username: str) -> None:
    """After a sign-in, the user name's count starts again; the address's does not, or an
    attacker with an account of their own could clear it between guesses."""
    cache.delete(_keys(request, username)[1][0])


class LoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        LIMITED: _("Too many failed sign-ins. Please wait a few minutes and try again."),
    }

    def clean(self) -> dict[str, Any]:
        assert self.request is not None  # the admin's login view always passes it
        username = self.cleaned_data.get("username") or ""
        if is_limited(self.request, username):
            raise ValidationError(self.error_messages[LIMITED], code=LIMITED)
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if any(e.code == "invalid_login" for e in error.error_list):
                record_failure(self.request, username)
            raise
        if self.user_cache is not None:
            forget_failures(self.request, username)
        return cleaned


class AdminSite(admin.AdminSite):
    login_form = LoginForm

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if isinstance(form, LoginForm) and form.has_error(NON_FIELD_ERRORS, LIMITED):
            response.status_code = 429
            response["Retry-After"] = str(settings.LOGIN_RATE_WINDOW)
        return response
