from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "broadsheet.transfer"
    verbose_name = _("moving in and out")
    default_auto_field = "django.db.models.BigAutoField"
