"""Every form post needs its CSRF token, except the few endpoints listed here with why."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from broadsheet.comments.models import Subscription
from broadsheet.comments.notifications import moderation_token
from broadsheet.comments.subscriptions import confirm_url
from broadsheet.comments.tests.base import CommentsTestCase, form_token

AKISMET = "the Akismet API: WordPress posts with no cookie; the API key authorises each call"
API = (
    "the comments API: no cookie authorises it (staff send a bearer token, authors their key), "
    "and ApiMiddleware refuses any Origin but this site and BROADSHEET_EMBED_ORIGINS"
)

# Deliberately without CSRF protection. A view newly made exempt fails the test until it is
# listed here with the reason it is safe.
EXEMPT = {
    "comments:post": (
        "guests post from the shared, cached article page, which holds no token: their "
        "Origin (or Referer) must be this site; signed-in readers must send the token"
    ),
    "comments:unsubscribe": (
        "mail programs' one-click unsubscribe (RFC 8058) sends no cookie and no token; the "
        "signed address is the proof, and it can only stop mail"
    ),
    "live:beat": "heartbeats read and set no cookie; the Origin must be this site or an embedder",
    **{f"api:{name}": API for name in ["thread", "replies", "counts", "form", "post", "edit"]},
    **{f"api:{name}": API for name in ["delete", "queue", "moderate"]},
    **{
        f"akismet:{name}": AKISMET
        for name in [
            "verify-key",
            "comment-check",
            "submit-spam",
            "submit-ham",
            "usage-limit",
            "key-sites",
            "test",
            "get-stats",
            "get-subscription",
            "verify-wpcom-key",
            "token",
            "deactivate",
        ]
    },
}

REFUSED = b"CSRF verification failed"


def patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Callable[..., Any]]]:
    """(name, route, view) for every URL the site answers, admin included."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else prefix + str(entry.pattern)
            yield name, prefix + str(entry.pattern), entry.callback


def sample_url(route: str, view: Callable[..., Any]) -> str:
    """An address this route answers, with made-up values in its parts.

    The CSRF check runs before the view, so the values need only match the route.
    """
    for value in ["1", "auth", "x"]:
        path = re.sub(r"\(\?P<\w+>[^)]*\)", value, route).replace("^", "").replace("$", "")
        path = re.sub(r"<(?:\w+:)?\w+>", value, path)
        url = "/" + path
        try:
            if resolve(url).func is view:
                return url
        except Resolver404:
            continue  # this value does not fit the route: try the next
    raise AssertionError(f"no sample address for {route}")


class ExemptViewTests(CommentsTestCase):
    def test_every_view_without_csrf_protection_is_listed_with_why(self) -> None:
        exempt = {name for name, _r, view in patterns() if getattr(view, "csrf_exempt", False)}
        self.assertEqual(sorted(exempt - EXEMPT.keys()), [], "exempt views not in EXEMPT")
        self.assertEqual(sorted(EXEMPT.keys() - exempt), [], "EXEMPT lists protected views")

    def test_every_other_address_refuses_a_post_without_the_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.editor)
        checked = 0
        for name, route, view in patterns():
            if name in EXEMPT:
                continue
            url = sample_url(route, view)
            with self.subTest(name=name, url=url):
                response = client.post(url, {"content": "x"})
                self.assertEqual(response.status_code, 403)
                if not url.startswith("/api/"):  # the API answers its errors in JSON
                    self.assertIn(REFUSED, response.content)
                checked += 1
        self.assertGreater(checked, 100)  # the admin's addresses were found too

    def test_signed_in_reader_must_send_the_token_with_a_comment(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.reader)
        data = {"content": "A thought.", "name": "R", "email": "r@example.org", "token": ""}
        url = reverse("comments:post", args=[self.article.pk])
        response = client.post(url, data, headers={"Origin": "http://testserver"})
        self.assertEqual(response.status_code, 403)
        self.assertIn(REFUSED, response.content)

    def test_guest_comment_from_another_site_is_refused(self) -> None:
        response = self.post_comment(extra={"HTTP_ORIGIN": "https://elsewhere.example"})
        self.assertEqual(response.status_code, 403)

    def test_api_write_from_another_site_is_refused(self) -> None:
        response = self.client.post(
            "/api/comments",
            {"uri": self.article.get_absolute_url(), "text": "Hi", "name": "R"},
            content_type="application/json",
            headers={"Origin": "https://elsewhere.example"},
        )
        self.assertEqual(response.status_code, 403)


class Forms(HTMLParser):
    """The POST forms of a page: their action and the values of their hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._open = values.get("method", "").lower() == "post"
            if self._open:
                self.forms.append((values.get("action", ""), {}))
        elif tag == "input" and self._open and values.get("type") == "hidden":
            self.forms[-1][1][values.get("name", "")] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = False


class FormPageTests(CommentsTestCase):
    """Each page with a form puts the token in it, and the form sent with it gets through."""

    def check_forms(self, url: str, client: Client | None = None) -> None:
        client = client or Client(enforce_csrf_checks=True)
        response = client.get(url)
        self.assertEqual(response.status_code, 200, url)
        parser = Forms()
        parser.feed(response.content.decode())
        self.assertTrue(parser.forms, f"{url} has no POST form")
        for action, hidden in parser.forms:
            with self.subTest(url=url, action=action):
                self.assertTrue(hidden.get("csrfmiddlewaretoken"), "the form has no CSRF token")
                sent = client.post(action or url, {**hidden, "email": "rosa@example.org"})
                self.assertNotIn(REFUSED, sent.content)
                self.assertNotEqual(sent.status_code, 403)
                # The same form, its token left out, is refused.
                hidden.pop("csrfmiddlewaretoken")
                self.assertIn(REFUSED, client.post(action or url, hidden).content)

    def test_privacy_request_and_confirmation_forms(self) -> None:
        self.check_forms(reverse("privacy:page"))
        self.check_forms(reverse("privacy:confirm", args=["unknown-token"]))

    def test_subscription_forms(self) -> None:
        self.check_forms(reverse("comments:follow", args=[self.thread.pk]))
        subscription = Subscription.objects.create(
            email="rosa@example.org", email_hash="0" * 32, thread=self.thread
        )
        self.check_forms(confirm_url(subscription).removeprefix(settings.BASE_URL))

    def test_moderation_link_form(self) -> None:
        comment = self.add_comment(status="pending")
        token = moderation_token(comment, "approve", self.moderator.pk)
        self.check_forms(reverse("comments:moderate", args=[token]))

    def test_signed_in_pages_forms(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.reader)
        self.check_forms(self.article.get_absolute_url(), client)
        comment = self.add_comment(user=self.reader, author_email="reader@example.org")
        self.check_forms(reverse("comments:edit", args=[comment.pk]), client)

    def test_admin_login_form(self) -> None:
        self.check_forms(reverse("admin:login"))

    def test_guest_article_page_has_no_token_and_no_cookie(self) -> None:
        """The cached page everyone shares: the Origin check stands in for the token."""
        response = Client(enforce_csrf_checks=True).get(self.article.get_absolute_url())
        self.assertNotContains(response, "csrfmiddlewaretoken")
        self.assertNotIn(settings.CSRF_COOKIE_NAME, response.cookies)
        data = {"content": "A thought.", "name": "R", "email": "r@x.org", "token": form_token()}
        url = reverse("comments:post", args=[self.article.pk])
        sent = Client(enforce_csrf_checks=True).post(
            url, data, headers={"Origin": "http://testserver"}
        )
        self.assertEqual(sent.status_code, 302)
