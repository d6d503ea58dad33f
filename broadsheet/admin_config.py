"""Django's admin, with Broadsheet's site in place of the default one (see ``login.py``).

Kept apart from the site itself: Django imports this while it loads the apps, before the auth
models the login form needs exist.
"""

from __future__ import annotations

from django.contrib.admin import apps


class AdminConfig(apps.AdminConfig):
    default_site = "broadsheet.login.AdminSite"
