from __future__ import annotations

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from broadsheet import views
from broadsheet.articles.sitemaps import SITEMAPS, news_sitemap

# A database outage met outside a view (another middleware, the 404 page) is a 503 too.
handler500 = "broadsheet.outages.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sitemap-news.xml", news_sitemap, name="news-sitemap"),
    path("api/", include("broadsheet.comments.api.urls")),
    path("comments/", include("broadsheet.comments.urls")),
    path("live/", include("broadsheet.live.urls")),
    path("privacy/", include("broadsheet.privacy.urls")),
    path("", include("broadsheet.antispam.urls")),
    path("", include("broadsheet.articles.urls")),
]
