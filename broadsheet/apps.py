from __future__ import annotations

from django.apps import AppConfig


class BroadsheetConfig(AppConfig):
    """The project itself: its templates, commands and site-wide signal handlers."""

    name = "broadsheet"

    def ready(self) -> None:
        from broadsheet.lib import after_response

        after_response.connect()  # the site's e-mail goes once the response is sent
