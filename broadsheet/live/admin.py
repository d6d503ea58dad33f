"""The editors' live view, in the admin as "Live: Currently reading"."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from broadsheet.live import editors
from broadsheet.live.models import Sample

PERMISSION = "articles.view_article"


@admin.register(Sample)
class CurrentlyReadingAdmin(admin.ModelAdmin[Sample]):
    """Not an editable list: the admin entry point for the live page, refreshed by polling."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return (
            request.user.is_active and request.user.is_staff and request.user.has_perm(PERMISSION)
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        rows = path("rows/", self.admin_site.admin_view(self.rows_view), name="live_rows")
        return [rows, *super().get_urls()]

    def _context(self, request: HttpRequest) -> dict[str, Any]:
        total, rows = editors.rows()
        return {
            **self.admin_site.each_context(request),
            "title": _("Currently reading"),
            "total": total,
            "rows": rows,
            "window": settings.LIVE_WINDOW,
            "opts": self.model._meta,
        }

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request, "admin/live/currently_reading.html", self._context(request)
        )

    def rows_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        # admin_view() has already made this never cached
        return TemplateResponse(request, "admin/live/_rows.html", self._context(request))
