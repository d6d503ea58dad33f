"""The beat and top.json endpoints and the widget in the article page (spec A-1 to A-15)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from datetime import timedelta

import redis
import time_machine
from django.apps import apps
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.live import readers
from broadsheet.live.tests.base import BROWSER, SITE, LiveTestCase
from broadsheet.live.tests.conftest import TEST_REDIS_URL, redis_client
from broadsheet.test import free_port


class CountingTests(LiveTestCase):
    def test_article_with_k_readers_is_listed_most_read_first(self) -> None:
        a, b = self.make_article("Bridge reopens"), self.make_article("Market moves")
        self.readers_of(a.pk, 4)
        self.readers_of(b.pk, 3, first_ip=10)
        self.assertEqual(self.top_titles(), ["Bridge reopens", "Market moves"])

    def test_one_or_two_readers_are_never_listed(self) -> None:
        a = self.make_article()
        self.readers_of(a.pk, 2)
        self.assertEqual(self.top_titles(), [])
        data = self.client.get("/live/top.json", {"page": "/elsewhere/"}).json()
        # The widget falls back to the latest articles, with no numbers at all.
        self.assertEqual((data["latest"], data["shown"]), (True, 1))
        self.assertIn("Latest articles", data["html"])
        self.assertNotIn("reader", data["html"])

    def test_the_page_itself_is_left_out_of_its_widget(self) -> None:
        a, b = self.make_article("Bridge reopens"), self.make_article("Market moves")
        self.readers_of(a.pk, 3)
        self.readers_of(b.pk, 3, first_ip=10)
        self.assertEqual(self.top_titles(a.get_absolute_url()), ["Market moves"])

    def test_leave_removes_the_reader_at_once(self) -> None:
        a = self.make_article()
        self.readers_of(a.pk, 3)
        self.beat({"article_id": a.pk, "leave": True}, ip="198.51.100.1")
        self.assertEqual(self.top_titles(), [])

    def test_a_silent_reader_is_gone_after_96_seconds(self) -> None:
        a = self.make_article()
        with time_machine.travel(time.time(), tick=False) as clock:
            self.readers_of(a.pk, 3)
            clock.shift(89)
            self.assertEqual(self.top_titles(), ["Bridge reopens"])
            clock.shift(7)
            self.assertEqual(self.top_titles(), [])

    def test_a_replay_at_ten_times_the_rate_is_counted_once(self) -> None:
        a = self.make_article()
        with time_machine.travel(time.time(), tick=False) as clock:
            for _ in range(10):  # ten beats in one period (30 s) where one is due
                self.beat({"article_id": a.pk})
                clock.shift(3)
            self.assertEqual(readers.counts(time.time()), {a.pk: 1})

    def test_beats_are_not_page_views_and_write_nothing_to_the_site_database(self) -> None:
        a = self.make_article()
        self.beat({"article_id": a.pk})  # the hour's salt is made once
        updated = Article.objects.get(pk=a.pk).updated_at
        with CaptureQueriesContext(connection) as queries:
            for n in range(10):
                self.beat({"article_id": a.pk}, ip=f"192.0.2.{n}")
        writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
        self.assertEqual(writes, [])
        self.assertEqual(Article.objects.get(pk=a.pk).updated_at, updated)

    def test_beats_for_unpublished_or_unknown_articles_are_not_counted(self) -> None:
        draft = self.make_article("Draft", status=Article.Status.DRAFT, published_at=None)
        later = self.make_article(
            "Embargoed",
            status=Article.Status.SCHEDULED,
            published_at=timezone.now() + timedelta(hours=1),
        )
        for article_id in (draft.pk, later.pk, 999_999):
            self.readers_of(article_id, 3)
        with override_settings(LIVE_MIN_READERS=1):
            self.assertEqual(self.top_titles(), [])

    def test_an_article_unpublished_after_its_beats_is_not_listed(self) -> None:
        a = self.make_article()
        self.readers_of(a.pk, 3)
        Article.objects.filter(pk=a.pk).update(status=Article.Status.DRAFT)
        self.assertEqual(self.top_titles(), [])


class PrivacyTests(LiveTestCase):
    def test_no_cookie_is_set_and_no_address_or_user_agent_is_stored(self) -> None:
        a = self.make_article()
        response = self.beat({"article_id": a.pk}, ip="203.0.113.99", user_agent=BROWSER)
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertFalse(response.cookies)
        self.assertFalse(self.client.get("/live/top.json").cookies)
        for model in apps.get_models():
            for row in model.objects.values_list():  # type: ignore[attr-defined]
                text = repr(row)
                self.assertNotIn("203.0.113.99", text, model)
                self.assertNotIn("Chrome/131", text, model)


class HardeningTests(LiveTestCase):
    def assert_nobody_counted(self) -> None:
        with override_settings(LIVE_MIN_READERS=1):
            self.assertEqual(self.top_titles(), [])

    def test_robots_get_a_quick_204_and_are_not_counted(self) -> None:
        a = self.make_article()
        for user_agent in [
            "",
            "Googlebot/2.1 (+http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari",
            "curl/8.5.0",
            "python-requests/2.32",
            "facebookexternalhit/1.1",
            "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
            "Mozilla/5.0 (compatible; DuckDuckBot-Https/1.1; https://duckduckgo.com/duckduckbot)",
            "Twitterbot/1.0",
            "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36 Lighthouse",
        ]:
            with self.subTest(user_agent=user_agent):
                self.assertEqual(
                    self.beat({"article_id": a.pk}, user_agent=user_agent).status_code, 204
                )
        self.assert_nobody_counted()

    def test_browsers_are_counted(self) -> None:
        a = self.make_article()
        for n, user_agent in enumerate(
            [
                BROWSER,
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5",
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15",
                "Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 Chrome/120.0",
            ]
        ):
            self.beat({"article_id": a.pk}, user_agent=user_agent, ip=f"192.0.2.{n}")
        with override_settings(LIVE_MIN_READERS=5):
            self.assertEqual(self.top_titles(), ["Bridge reopens"])

    def test_wrong_method_oversize_body_and_foreign_origin_are_refused(self) -> None:
        a = self.make_article()
        self.assertEqual(self.client.get("/live/beat").status_code, 405)
        big = json.dumps({"article_id": a.pk, "pad": "x" * 300})
        self.assertEqual(self.beat(big).status_code, 413)
        self.assertEqual(
            self.beat({"article_id": a.pk}, origin="https://evil.example").status_code, 403
        )
        self.assertEqual(self.beat({"article_id": a.pk}, origin=None).status_code, 403)
        self.assertEqual(self.beat("not json").status_code, 400)
        self.assertEqual(self.beat({"article_id": "1; DROP"}).status_code, 400)
        self.assert_nobody_counted()

    def test_beat_answers_are_never_cached_and_echo_nothing(self) -> None:
        a = self.make_article()
        response = self.beat({"article_id": a.pk})
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(response.content, b"")
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)

    def test_beats_skip_the_session_middleware_but_not_the_host_check(self) -> None:
        a = self.make_article()
        self.client.force_login(self.reader)  # a session cookie the beat must not touch
        response = self.beat({"article_id": a.pk})
        self.assertEqual(response.status_code, 204)
        self.assertNotIn("Vary", response.headers)  # no session or language was consulted
        forged = self.client.post(
            "/live/beat",
            json.dumps({"article_id": a.pk}),
            content_type="text/plain",
            headers={"User-Agent": BROWSER, "Origin": SITE},
            HTTP_HOST="evil.example",
        )
        self.assertEqual(forged.status_code, 400)
        self.assertEqual(readers.counts(time.time()), {a.pk: 1})  # the first beat only

    def test_a_referer_from_this_site_stands_in_for_a_missing_origin(self) -> None:
        a = self.make_article()
        response = self.client.post(
            "/live/beat",
            f'{{"article_id": {a.pk}}}',
            content_type="text/plain",
            headers={"User-Agent": BROWSER, "Referer": f"{SITE}/articles/x/"},
        )
        self.assertEqual(response.status_code, 204)


class WidgetTests(LiveTestCase):
    def test_widget_is_rendered_on_the_server_with_its_label(self) -> None:
        a, b = self.make_article("Bridge reopens"), self.make_article("Market moves")
        self.readers_of(b.pk, 3)
        page = self.client.get(a.get_absolute_url()).content.decode()
        self.assertIn('id="currently-reading"', page)
        self.assertIn("Market moves", page)
        self.assertIn("3 readers", page)
        self.assertIn("Number of people who had the page open in the last 90 seconds.", page)
        self.assertIn("live/live.js", page)

    @override_settings(LIVE_WINDOW=120)
    def test_the_label_says_the_window(self) -> None:
        a, b = self.make_article("Bridge reopens"), self.make_article("Market moves")
        self.readers_of(b.pk, 3)
        html = self.client.get("/live/top.json", {"page": a.get_absolute_url()}).json()["html"]
        self.assertIn("in the last 120 seconds", html)

    def test_larger_counts_are_shown_in_steps(self) -> None:
        b = self.make_article("Market moves")
        self.readers_of(b.pk, 7)
        html = self.client.get("/live/top.json").json()["html"]
        self.assertIn("5+ readers", html)

    def test_widget_hides_itself_when_nothing_qualifies(self) -> None:
        a = self.make_article()
        page = self.client.get(a.get_absolute_url()).content.decode()
        self.assertRegex(page, r'<section id="currently-reading"[^>]* hidden>\s*</section>')

    def test_the_widget_is_the_same_for_every_visitor(self) -> None:
        a, b = self.make_article("Bridge reopens"), self.make_article("Market moves")
        self.readers_of(b.pk, 3)

        def widget(**extra: str) -> str:
            page = self.client.get(a.get_absolute_url(), **extra).content.decode()
            return page[page.index('<section id="currently-reading"') :].split("</section>")[0]

        self.client.force_login(self.editor)
        first = widget(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.1")
        self.client.logout()
        self.assertEqual(first, widget(HTTP_USER_AGENT="Firefox", REMOTE_ADDR="192.0.2.2"))

    @override_settings(LIVE_CACHE_SECONDS=10)
    def test_top_json_is_cached_for_ten_seconds(self) -> None:
        b = self.make_article("Market moves")
        response = self.client.get("/live/top.json", {"page": "/"})
        self.assertIn("max-age=10", response["Cache-Control"])
        self.assertIn("public", response["Cache-Control"])
        self.readers_of(b.pk, 3)
        self.assertEqual(self.top_titles("/"), [])  # the server's copy is 10 s old at most


class FailOpenTests(LiveTestCase):
    @override_settings(LIVE_BACKEND="redis", LIVE_REDIS_URL="redis://127.0.0.1:1/0")
    def test_with_redis_stopped_pages_render_beats_answer_and_the_widget_hides(self) -> None:
        a = self.make_article()
        started = time.monotonic()
        response = self.client.get(a.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertRegex(response.content.decode(), r'id="currently-reading"[^>]* hidden>')
        for _ in range(5):
            self.assertEqual(self.beat({"article_id": a.pk}).status_code, 204)
        top = self.client.get("/live/top.json")
        self.assertEqual((top.status_code, top.json()["shown"]), (200, 0))
        self.assertLess(time.monotonic() - started, 2.0)

    def test_when_a_real_redis_stops_pages_render_beats_answer_and_the_widget_hides(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            self.skipTest("redis-server is not installed")
        port = free_port()
        redis_server = subprocess.Popen(
            [server, "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        self.addCleanup(redis_server.wait)
        self.addCleanup(redis_server.kill)
        a, b = self.make_article("Bridge reopens"), self.make_article("Market moves")
        url = f"redis://127.0.0.1:{port}/0"
        for _ in range(50):  # until it accepts connections
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        with override_settings(LIVE_BACKEND="redis", LIVE_REDIS_URL=url):
            self.readers_of(b.pk, 3)
            self.assertEqual(self.top_titles(a.get_absolute_url()), ["Market moves"])
            redis_server.terminate()
            redis_server.wait(timeout=10)
            started = time.monotonic()
            for _ in range(5):
                self.assertEqual(self.beat({"article_id": b.pk}).status_code, 204)
            response = self.client.get(a.get_absolute_url())
            self.assertEqual(response.status_code, 200)
            self.assertRegex(response.content.decode(), r'id="currently-reading"[^>]* hidden>')
            top = self.client.get("/live/top.json", {"page": a.get_absolute_url()})
            self.assertEqual((top.status_code, top.json()["shown"]), (200, 0))
            self.assertLess(time.monotonic() - started, 2.0)

    def test_with_redis_hanging_beats_and_pages_wait_at_most_the_timeout(self) -> None:
        a = self.make_article()
        with socket.socket() as silent:  # accepts connections and never answers
            silent.bind(("127.0.0.1", 0))
            silent.listen(16)
            url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
            with override_settings(LIVE_BACKEND="redis", LIVE_REDIS_URL=url):
                started = time.monotonic()
                self.assertEqual(self.beat({"article_id": a.pk}).status_code, 204)
                first = time.monotonic() - started
                response = self.client.get(a.get_absolute_url())
                self.assertEqual(response.status_code, 200)
                for _ in range(5):
                    self.assertEqual(self.beat({"article_id": a.pk}).status_code, 204)
                total = time.monotonic() - started
        self.assertLess(first, 0.5)  # one 50 ms timeout, then the store is left alone
        self.assertLess(total, 1.0)
        self.assertRegex(response.content.decode(), r'id="currently-reading"[^>]* hidden>')


@override_settings(EMBED_ORIGINS=["https://partner.example"])
class EmbedTests(LiveTestCase):
    def test_an_allowed_site_counts_its_own_pages_with_cors_headers(self) -> None:
        partner = "https://partner.example"
        for n in range(3):
            response = self.beat(
                {"uri": f"{partner}/story?utm=x"}, origin=partner, ip=f"192.0.2.{n}"
            )
            self.assertEqual(response.status_code, 204)
            self.assertEqual(response["Access-Control-Allow-Origin"], partner)
        top = self.client.get("/live/top.json", {"page": f"{partner}/other"})
        self.assertEqual(top["Access-Control-Allow-Origin"], partner)
        self.assertIn(f'href="{partner}/story"', top.json()["html"])
        self.assertEqual(self.top_titles("/"), [])  # a partner's pages never reach our list

    def test_other_sites_get_no_cors_headers_and_are_not_counted(self) -> None:
        response = self.beat({"uri": "https://evil.example/x"}, origin="https://evil.example")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)
        top = self.client.get("/live/top.json", {"page": "https://evil.example/x"})
        self.assertEqual(top.status_code, 404)
        self.assertNotIn("Access-Control-Allow-Origin", top.headers)

    def test_a_partner_may_not_count_another_sites_pages(self) -> None:
        response = self.beat(
            {"uri": "https://elsewhere.example/x"}, origin="https://partner.example"
        )
        self.assertEqual(response.status_code, 400)


@override_settings(LIVE_BACKEND="redis", LIVE_REDIS_URL=TEST_REDIS_URL)
class RedisTests(LiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.redis = redis_client()
        self.redis.flushdb()
        self.addCleanup(self.redis.flushdb)

    def test_redis_holds_no_address_or_user_agent_and_every_key_expires(self) -> None:
        a = self.make_article()
        self.readers_of(a.pk, 3)
        self.beat({"article_id": a.pk}, ip="203.0.113.99")
        self.assertEqual(self.top_titles(), ["Bridge reopens"])
        stored = b""
        for key in self.redis.scan_iter("*"):
            self.assertLessEqual(self.redis.ttl(key), 2 * 90)
            self.assertGreater(self.redis.ttl(key), 0)
            kind = self.redis.type(key)
            if kind == b"hash":
                stored += b"".join(b"".join(pair) for pair in self.redis.hgetall(key).items())
            elif kind == b"zset":
                stored += b"".join(m for m, _s in self.redis.zrange(key, 0, -1, withscores=True))
            stored += key
        self.assertTrue(stored)
        for secret in (b"203.0.113.99", b"198.51.100.1", b"Chrome/131", b"Mozilla"):
            self.assertNotIn(secret, stored)


class PrivacyNoticeTests(LiveTestCase):
    def test_the_privacy_notice_explains_the_heartbeat_and_says_no_cookie(self) -> None:
        from django.template import Context, Template

        html = Template("{% load live %}{% live_privacy_notice %}").render(Context())
        self.assertIn("heartbeat", html)
        self.assertIn("No cookie", html)
        self.assertIn("last 90 seconds", html)
