from __future__ import annotations

from django.apps import AppConfig


class AntispamConfig(AppConfig):
    name = "broadsheet.antispam"
    default_auto_field = "django.db.models.BigAutoField"
