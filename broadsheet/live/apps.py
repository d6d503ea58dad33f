from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "broadsheet.live"
    verbose_name = _("Live readers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.live import checks  # noqa: F401  (registers the checks)
