"""The Akismet-compatible API, at the site root as Akismet has it (/1.1/…, /1.2/…)."""

from __future__ import annotations

from django.urls import path

from broadsheet.antispam.akismet import views

app_name = "akismet"
urlpatterns = [
    path("1.1/verify-key", views.verify_key, name="verify-key"),
    path("1.1/comment-check", views.comment_check, name="comment-check"),
    path("1.1/submit-spam", views.submit_spam, name="submit-spam"),
    path("1.1/submit-ham", views.submit_ham, name="submit-ham"),
    path("1.2/usage-limit", views.usage_limit, name="usage-limit"),
    path("1.2/key-sites", views.key_sites, name="key-sites"),
    # Calls the WordPress plugin makes besides the documented ones (spec §7).
    path("1.1/test", views.test, name="test"),
    path("1.1/get-stats", views.get_stats, name="get-stats"),
    path("1.1/get-subscription", views.get_subscription, name="get-subscription"),
    path("1.1/verify-wpcom-key", views.verify_wpcom_key, name="verify-wpcom-key"),
    path("1.1/token", views.token, name="token"),
    path("1.1/deactivate", views.deactivate, name="deactivate"),
]
