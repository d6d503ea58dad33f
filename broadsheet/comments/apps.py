from __future__ import annotations

from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "broadsheet.comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.lib import after_response

        after_response.connect()  # mail to moderators and subscribers goes after the response
