"""The editors' live view in the admin (issue 6, item 4)."""

from __future__ import annotations

import time

import time_machine
from django.test import override_settings

from broadsheet.live.tests.base import LiveTestCase


class EditorsViewTests(LiveTestCase):
    URL = "/admin/live/sample/"

    def test_editors_see_every_article_by_current_readers_however_few(self) -> None:
        a, b = self.make_article("Bridge reopens"), self.make_article("Market moves")
        self.readers_of(a.pk, 1)
        self.readers_of(b.pk, 2, first_ip=10)
        self.client.force_login(self.editor)
        page = self.client.get(self.URL).content.decode()
        self.assertLess(page.index("Market moves"), page.index("Bridge reopens"))
        self.assertIn("3 readers now", page)
        self.assertIn("<polyline", page)
        self.assertIn("live/admin.js", page)

    def test_the_admin_index_links_to_the_live_view(self) -> None:
        self.client.force_login(self.editor)
        self.assertContains(self.client.get("/admin/"), self.URL)

    def test_the_rows_fragment_updates_and_is_not_cached(self) -> None:
        a = self.make_article()
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(self.URL + "rows/"), "Nobody is reading")
        self.readers_of(a.pk, 1)
        response = self.client.get(self.URL + "rows/")
        self.assertContains(response, "Bridge reopens")
        self.assertIn("no-store", response["Cache-Control"])

    def test_the_sparkline_remembers_the_last_hour(self) -> None:
        a = self.make_article()
        self.client.force_login(self.editor)
        start = time.time() // 60 * 60  # the start of this minute: the test spans two
        with time_machine.travel(start, tick=False) as clock:
            self.readers_of(a.pk, 2)
            self.client.get(self.URL)  # samples minute 0 with 2 readers
            clock.shift(60)
            self.readers_of(a.pk, 1, first_ip=50)  # the first two expire after 90 s
            clock.shift(31)  # 91 s: still the next minute
            row = self.client.get(self.URL).context["rows"][0]
        self.assertEqual(row.history[-2:], [2, 1])
        self.assertEqual(row.readers, 1)

    @override_settings(LIVE_MIN_READERS=3)
    def test_people_without_article_rights_are_kept_out(self) -> None:
        for user in (self.moderator, self.reader):
            self.client.force_login(user)
            self.assertIn(self.client.get(self.URL).status_code, (302, 403))
            self.assertIn(self.client.get(self.URL + "rows/").status_code, (302, 403))
        self.client.logout()
        self.assertEqual(self.client.get(self.URL).status_code, 302)
