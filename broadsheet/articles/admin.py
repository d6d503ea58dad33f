"""The editors' tool: Django's admin, with preview, scheduling and publishing actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from broadsheet.articles.models import Article, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin[Section]):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["title", "section", "status", "published_at", "updated_at", "preview_link"]
    list_filter = ["status", "section", "published_at"]
    list_select_related = ["section"]
    search_fields = ["title", "summary", "body", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    readonly_fields = ["updated_at", "preview_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "section", "summary", "body", "byline"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "updated_at", "preview_link"]}),
    ]
    actions = ["publish_now", "return_to_draft"]

    @admin.display(description=_("Preview"))
    def preview_link(self, article: Article) -> str:
        if not article.pk:
            return "—"
        url = reverse("articles:preview", args=[article.slug])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Preview"))

    def save_model(self, request: HttpRequest, obj: Article, form: object, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)  # type: ignore[arg-type]

    @admin.action(description=_("Publish the selected articles now"))
    def publish_now(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        count = 0
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            article.published_at = timezone.now()
            article.save()
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Return the selected articles to draft"))
    def return_to_draft(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        count = queryset.update(status=Article.Status.DRAFT)
        self.message_user(
            request,
            ngettext(
                "%(count)d article returned to draft.",
                "%(count)d articles returned to draft.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
