"""Security headers on every page, and a Content Security Policy the pages really keep to."""

from __future__ import annotations

import os
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import Browser, Page
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from broadsheet.articles.models import Article
from broadsheet.comments.models import Comment
from broadsheet.demo import load_demo
from broadsheet.test import BaseTestCase, chromium, served

PROXY = ("HTTP_X_FORWARDED_PROTO", "https")


def directives(policy: str) -> dict[str, list[str]]:
    parsed = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parsed}


# What the policy would block: a script that is not a file (JSON data excepted), a style
# element or attribute, an event-handler attribute, a javascript: link.
INLINE = re.compile(
    r"<script(?![^>]*\ssrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>"
    r"|<style|\sstyle=|\son[a-z]+\s*=|javascript:",
    re.IGNORECASE,
)
PACKAGE = Path(__file__).resolve().parents[1]


def test_no_template_has_inline_script_or_style() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}: {match.group()}"
        for path in PACKAGE.glob("**/templates/**/*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []


class HeaderTests(BaseTestCase):
    def pages(self) -> list[str]:
        article = self.make_article()
        return [reverse("articles:home"), article.get_absolute_url(), reverse("admin:login")]

    def test_pages_forbid_inline_scripts_framing_and_sniffing(self) -> None:
        for url in self.pages():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                policy = directives(response["Content-Security-Policy"])
                self.assertEqual(policy["script-src"], ["'self'"])
                self.assertNotIn("'unsafe-inline'", policy["style-src"])
                self.assertEqual(policy["object-src"], ["'none'"])
                self.assertEqual(policy["frame-ancestors"], ["'none'"])
                self.assertEqual(response["X-Frame-Options"], "DENY")
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Referrer-Policy"], "same-origin")

    def test_the_article_keeps_its_structured_data_as_data(self) -> None:
        """JSON-LD is not run, so the policy need not allow it; no other inline script."""
        html = self.client.get(self.make_article().get_absolute_url()).content.decode()
        scripts = re.findall(r"<script([^>]*)>", html)
        self.assertIn(' type="application/ld+json"', scripts)
        inline = [attrs for attrs in scripts if "src=" not in attrs and "ld+json" not in attrs]
        self.assertEqual(inline, [])

    def test_plain_http_gets_no_hsts(self) -> None:
        for url in self.pages():
            with self.subTest(url=url):
                self.assertNotIn("Strict-Transport-Security", self.client.get(url))

    @override_settings(SECURE_PROXY_SSL_HEADER=PROXY)
    def test_https_through_the_proxy_gets_hsts(self) -> None:
        for url in self.pages():
            with self.subTest(url=url):
                response = self.client.get(url, headers={"X-Forwarded-Proto": "https"})
                self.assertEqual(response["Strict-Transport-Security"], "max-age=31536000")
                # The proxy says http: no promise about https is made.
                response = self.client.get(url, headers={"X-Forwarded-Proto": "http"})
                self.assertNotIn("Strict-Transport-Security", response)

    def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(self) -> None:
        response = self.client.get(self.pages()[0], headers={"X-Forwarded-Proto": "https"})
        self.assertNotIn("Strict-Transport-Security", response)

    @override_settings(SECURE_PROXY_SSL_HEADER=PROXY, SECURE_HSTS_SECONDS=0)
    def test_hsts_seconds_zero_sends_none(self) -> None:
        response = self.client.get(self.pages()[0], headers={"X-Forwarded-Proto": "https"})
        self.assertNotIn("Strict-Transport-Security", response)


def test_the_environment_turns_on_the_proxy_and_sets_hsts(tmp_path: Path) -> None:
    """BROADSHEET_BEHIND_PROXY and BROADSHEET_HSTS_SECONDS, through a real `broadsheet serve`."""
    env = {
        **os.environ,
        "BROADSHEET_DATA_DIR": str(tmp_path),
        "BROADSHEET_BEHIND_PROXY": "true",
        "BROADSHEET_HSTS_SECONDS": "600",
    }
    env.pop("DATABASE_URL", None)  # /healthz reads no database
    with served(env) as base:

        def hsts(proto: str) -> str | None:
            request = urllib.request.Request(
                f"{base}/healthz", headers={"X-Forwarded-Proto": proto}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.headers.get("Strict-Transport-Security")  # type: ignore[no-any-return]

        assert hsts("https") == "max-age=600"
        assert hsts("http") is None


# --- In Chromium: every page the site and its admin serve runs with no policy violation. ---

# Playwright's init scripts run outside the page's policy; each violation is kept for the test.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
Object.defineProperty(Navigator.prototype, "webdriver", {get: () => false});
"""
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36"


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


class Visitor:
    """A browser tab that fails the test on any policy violation of any page it opens."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on(
            "console",
            lambda message: (
                self.console.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def visit(self, url: str, *, until: str = "load") -> Page:
        response = self.page.goto(url, wait_until=until)  # type: ignore[arg-type]
        assert response is not None
        assert response.status == 200, f"{url}: {response.status}"
        assert self.page.url == url, f"{url} redirected to {self.page.url}"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.check(url)
        return self.page

    def check(self, url: str) -> None:
        violations = self.page.evaluate("window.__violations")
        assert violations == [], f"{url}: {violations}"
        assert self.console == [], f"{url}: {self.console}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_site_and_admin_pages_run_with_no_policy_violation(
    browser: Browser, live_server: LiveServer, settings: SettingsWrapper
) -> None:
    cache.clear()  # no page cached by an earlier test
    settings.LIVE_MIN_READERS = 1  # the live list shows, and its script beats at once
    load_demo()
    get_user_model().objects.create_superuser("chief", "chief@example.org", "a long password")
    base = live_server.url
    context = browser.new_context(user_agent=AGENT)
    tab = Visitor(context.new_page())

    tab.visit(f"{base}/")
    article = tab.page.locator("main a[href^='/articles/']").first.get_attribute("href")
    with tab.page.expect_request(lambda request: "/live/beat" in request.url):
        page = tab.visit(f"{base}{article}")
    with tab.page.expect_response(lambda response: "/comments/form-token/" in response.url):
        page.focus("#id_content")  # comments.js fetches the form's time
    tab.check(article or "")
    tab.visit(f"{base}/privacy/")
    tab.visit(f"{base}/api/docs", until="networkidle")  # Swagger UI draws after a fetch

    page = tab.visit(f"{base}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a long password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    tab.check("admin index")
    links = page.locator("#content-main a").evaluate_all("links => links.map(a => a.href)")
    others = [
        f"articles/article/{Article.objects.first().pk}/change/",  # type: ignore[union-attr]
        f"comments/comment/{Comment.objects.first().pk}/change/",  # type: ignore[union-attr]
        "privacy/privacyrequest/run/",
    ]
    for url in [*dict.fromkeys(links), *(f"{base}/admin/{path}" for path in others)]:
        tab.visit(url)
    context.close()
