"""The editors' live view in the admin (issue 6, item 4)."""

from __future__ import annotations

import time

import time_machine
from django.test import override_settings

from broadsheet.live.models import Sample
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
        # A minute is sampled once, at its first beat (or the first look at this view), over
        # the readers of the last 90 s: in a real minute they are all there by then.
        with time_machine.travel(start, tick=False) as clock:
            self.client.get(self.URL)  # samples minute 0: nobody yet
            self.readers_of(a.pk, 2)
            clock.shift(60)
            self.readers_of(a.pk, 1, first_ip=50)  # samples minute 1 with all 3
            clock.shift(31)  # 91 s: still minute 1; the first two have left
            row = self.client.get(self.URL).context["rows"][0]
        self.assertEqual(row.history[-2:], [0, 3])
        self.assertEqual(row.readers, 1)

    def test_the_sparkline_is_drawn_from_beats_while_no_editor_watches(self) -> None:
        a = self.make_article()
        start = time.time() // 60 * 60
        with time_machine.travel(start, tick=False) as clock:
            self.readers_of(a.pk, 2)  # the minute's first beat samples it (1 reader so far)
            clock.shift(60)
            self.readers_of(a.pk, 3, first_ip=50)  # and this minute's: 2 + 1 so far
            self.client.force_login(self.editor)
            row = self.client.get(self.URL).context["rows"][0]
            self.assertEqual(row.history[-2:], [1, 3])
            self.assertEqual(row.readers, 5)
            self.client.logout()
            clock.shift(60)
            sampled = Sample.objects.count()
            self.client.get("/live/top.json", {"page": "/elsewhere/"})
            self.assertEqual(Sample.objects.count(), sampled)  # a reader's look writes nothing

    @override_settings(LIVE_MIN_READERS=3)
    def test_people_without_article_rights_are_kept_out(self) -> None:
        for user in (self.moderator, self.reader):
            self.client.force_login(user)
            self.assertIn(self.client.get(self.URL).status_code, (302, 403))
            self.assertIn(self.client.get(self.URL + "rows/").status_code, (302, 403))
        self.client.logout()
        self.assertEqual(self.client.get(self.URL).status_code, 302)
