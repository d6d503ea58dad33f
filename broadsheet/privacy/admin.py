from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from broadsheet.privacy.actions import do_staff_request
from broadsheet.privacy.forms import StaffRequestForm
from broadsheet.privacy.models import PrivacyRequest, PurgeRun


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin[PrivacyRequest]):
    """The request queue with due dates, and staff's own export and erasure by address."""

    list_display = ("__str__", "status", "source", "created_at", "due", "completed_at", "actor")
    list_filter = ("status", "kind", "source")
    readonly_fields = [field.name for field in PrivacyRequest._meta.fields] + ["due"]
    exclude = ("token_hash",)

    @admin.display(description=gettext_lazy("due by"))
    def due(self, obj: PrivacyRequest) -> Any:
        return obj.due_at

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        run = path("run/", self.admin_site.admin_view(self.run_view), name="privacy_run")
        return [run, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra = {**(extra_context or {}), "last_purge": PurgeRun.objects.first()}
        return super().changelist_view(request, extra_context=extra)

    def run_view(self, request: HttpRequest) -> HttpResponse:
        """Export or erase for an address at once. Every run is logged as a request."""
        if not request.user.has_perm("privacy.handle_request"):
            raise PermissionDenied
        form = StaffRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            kind = form.cleaned_data["kind"]
            if kind == PrivacyRequest.Kind.EXPORT and not request.user.has_perm(
                "privacy.download_export"
            ):
                raise PermissionDenied
            outcome = do_staff_request(
                email=form.cleaned_data["email"],
                kind=kind,
                actor=request.user,
                source=PrivacyRequest.Source.ADMIN,
                replace_content=form.cleaned_data["replace_content"],
            )
            if kind == PrivacyRequest.Kind.EXPORT:
                response = HttpResponse(outcome.json, content_type="application/json")
                name = f"privacy-export-{outcome.request.pk}.json"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
            messages.success(
                request,
                _("Erased. Request #%(id)d records what was done.") % {"id": outcome.request.pk},
            )
            return redirect("admin:privacy_privacyrequest_change", outcome.request.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Export or erase a reader's data"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/privacy/privacyrequest/run.html", context)


@admin.register(PurgeRun)
class PurgeRunAdmin(admin.ModelAdmin[PurgeRun]):
    list_display = ("started_at", "finished_at", "counts")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
