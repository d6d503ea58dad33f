"""One rendering of an article page serves every reader without cookies of their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.test import BaseTestCase


class SharedPageTests(BaseTestCase):
    def rendered(self, url: str, **params: Any) -> bool:
        """Whether this GET rendered the page rather than taking the shared rendering."""
        with CaptureQueriesContext(connection) as queries:
            self.client.get(url, params)
        return len(queries) > 1

    def test_readers_without_cookies_share_one_rendering(self) -> None:
        article = self.make_article()
        first = self.client.get(article.get_absolute_url())
        with self.assertNumQueries(1):  # the article, its section and thread: the key
            second = self.client.get(article.get_absolute_url())
        self.assertEqual(second.content, first.content)
        for response in (first, second):
            self.assertIn("Cookie", response["Vary"])

    def test_an_edit_of_the_article_shows_at_once(self) -> None:
        article = self.make_article()
        self.client.get(article.get_absolute_url())
        article.title = "Bridge reopens after repairs"
        article.save()
        self.assertContains(self.client.get(article.get_absolute_url()), "after repairs")

    def test_readers_with_cookies_of_their_own_get_their_own_page(self) -> None:
        article = self.make_article()
        self.client.get(article.get_absolute_url())
        self.client.cookies["broadsheet_commenter"] = "anything"
        self.assertTrue(self.rendered(article.get_absolute_url()))

    def test_signed_in_editors_get_their_own_page(self) -> None:
        article = self.make_article()
        self.client.get(article.get_absolute_url())
        self.client.force_login(self.editor)
        # The form carries their CSRF token, which no shared page may hold.
        self.assertContains(self.client.get(article.get_absolute_url()), "csrfmiddlewaretoken")

    def test_other_query_parameters_are_not_shared(self) -> None:
        article = self.make_article()
        self.client.get(article.get_absolute_url())
        self.assertTrue(self.rendered(article.get_absolute_url(), replyto="7"))

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_zero_seconds_renders_every_page(self) -> None:
        article = self.make_article()
        self.client.get(article.get_absolute_url())
        self.assertTrue(self.rendered(article.get_absolute_url()))

    def test_lists_show_a_new_article_within_the_cache_seconds(self) -> None:
        self.make_article()
        for url in ("/", "/sections/town/"):
            self.client.get(url)
        self.make_article("Market moves indoors", slug="market")
        self.assertFalse(self.rendered("/"))
        with time_machine.travel(timezone.now() + timedelta(seconds=6)):
            for url in ("/", "/sections/town/"):
                self.assertContains(self.client.get(url), "Market moves indoors")
