"""Who outside the site receives readers' data, as configured right now.

By default nobody: the spam check runs on this server and e-mail is only printed. An SMTP
server and staff-configured webhooks are the only ways data leaves, and each appears here
exactly when it is set up.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Recipient:
    key: str  # what Datum.recipients names
    name: str
    role: str | Promise


def active(*, webhooks: bool = True) -> list[Recipient]:
    """Everyone receiving data now. ``webhooks=False`` reads settings only (no query), for the
    notice under every comment form, which must not slow the article page."""
    found: list[Recipient] = []
    if settings.EMAIL_HOST:
        found.append(
            Recipient(
                "email",
                settings.EMAIL_HOST,
                _("the mail server that delivers the site's e-mail to you and to moderators"),
            )
        )
    if not webhooks:
        return found
    try:
        model = apps.get_model("comments", "Webhook")
    except LookupError:
        return found
    urls = model.objects.filter(is_active=True).values_list("url", flat=True)
    for host in sorted({urlsplit(url).hostname or url for url in urls}):
        found.append(
            Recipient("webhooks", host, _("a system the site's staff set up to hear of comments"))
        )
    return found


def for_keys(keys: tuple[str, ...], recipients: list[Recipient]) -> list[Recipient]:
    return [recipient for recipient in recipients if recipient.key in keys]
