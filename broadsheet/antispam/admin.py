"""The Akismet-compatible API in the admin: its keys, its call log and the spam dashboard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from broadsheet.antispam import engine
from broadsheet.antispam.akismet import actions, dashboard, keys
from broadsheet.antispam.models import ApiDay, ApiKey, CheckLog


class ApiKeyForm(forms.ModelForm[ApiKey]):
    class Meta:
        model = ApiKey
        fields = ["name", "blogs"]

    def clean_blogs(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["blogs"].splitlines() if line.strip()]
        bad = [line for line in lines if keys.blog_host(line) is None]
        if bad or not lines:
            raise forms.ValidationError(
                _("Give each blog's full address, starting with http:// or https://.")
            )
        return "\n".join(lines)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    form = ApiKeyForm
    list_display = ["key", "name", "blogs", "created", "revoked"]
    list_filter = [("revoked", admin.EmptyFieldListFilter)]
    search_fields = ["name", "blogs"]
    readonly_fields = ["key", "created", "revoked"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        # A new key is drawn when saved, then shown on its page for the site's Akismet settings.
        return ("name", "blogs") if obj is None else ("key", "name", "blogs", "created", "revoked")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(keys.forget)

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        active = list(queryset.filter(revoked__isnull=True))
        for key in active:
            actions.do_revoke_key(key)
        self.message_user(
            request,
            ngettext("Revoked %(count)d key.", "Revoked %(count)d keys.", len(active))
            % {"count": len(active)},
            messages.SUCCESS,
        )


@admin.register(CheckLog)
class CheckLogAdmin(admin.ModelAdmin[CheckLog]):
    """The API's calls, as long as the privacy settings keep them; read only."""

    list_display = ["created", "call", "blog", "spam", "discard", "score", "is_test", "original"]
    list_filter = ["call", "spam", "discard", "is_test", "key"]
    search_fields = ["guid", "blog"]
    date_hierarchy = "created"
    actions = ["recheck"]
    list_select_related = ["original"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Check again with the current model"))
    def recheck(self, request: HttpRequest, queryset: QuerySet[CheckLog]) -> None:
        """How the site's model judges these calls now (nothing is changed or learnt)."""
        checked = changed = 0
        for row in queryset.filter(call=CheckLog.Call.CHECK).exclude(fields={}):
            verdict = engine.check({**row.fields, "is_test": "1"}, f"key:{row.key_id}")
            checked += 1
            changed += verdict.spam != row.spam
        self.message_user(
            request,
            ngettext(
                "Checked %(count)d call again: %(changed)d verdicts would now differ.",
                "Checked %(count)d calls again: %(changed)d verdicts would now differ.",
                checked,
            )
            % {"count": checked, "changed": changed},
            messages.INFO,
        )


@admin.register(ApiDay)
class DashboardAdmin(admin.ModelAdmin[ApiDay]):
    """Not an editable list: the spam dashboard, per day and per site, as charts."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        days = int(request.GET["days"]) if request.GET.get("days", "").isdigit() else 30
        days = days if days in dashboard.DAYS else 30
        blog = request.GET.get("site", "")[:253]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Spam dashboard"),
            "opts": self.model._meta,
            "days": days,
            "day_choices": dashboard.DAYS,
            "site": blog,
            "blogs": ApiDay.objects.values_list("blog", flat=True).distinct().order_by("blog"),
            **dashboard.figures(days, blog),
        }
        return TemplateResponse(request, "admin/antispam/dashboard.html", context)
