"""The site's e-mail, sent once the response has gone: nobody waits for the mail server, and a
server that fails or never answers (EMAIL_TIMEOUT) costs that mail, logged, never the request."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage, get_connection

from broadsheet.lib import after_response

logger = logging.getLogger(__name__)


def send_after_response(messages: list[EmailMessage], about: str) -> None:
    """``about`` names the mail in the log should sending fail (no addresses in it)."""
    if messages:
        after_response.defer(lambda: _send(messages, about))


def _send(messages: list[EmailMessage], about: str) -> None:
    try:
        get_connection().send_messages(messages)
    except OSError:
        logger.exception("could not send %d e-mails: %s", len(messages), about)
