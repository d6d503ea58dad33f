"""The Akismet endpoints answer wire for wire (spec §2-§7), through Django's test client."""

from __future__ import annotations

import json

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from broadsheet.antispam.akismet import keys
from broadsheet.antispam.models import ApiKey, CheckLog, Feedback
from broadsheet.antispam.tests.api_base import BLOG, ApiTestCase
from broadsheet.antispam.tests.test_learning import NEW_SPAM
from broadsheet.lib.ip import keyed_hash

GUID = {"X-akismet-guid": "*"}


class VerifyKeyTests(ApiTestCase):
    def test_valid_key_and_blog(self) -> None:
        response = self.call("/1.1/verify-key", {"key": self.api_key.key, "blog": BLOG})
        self.assertAnswer(response, "valid")

    def test_key_may_come_as_api_key(self) -> None:
        response = self.call("/1.1/verify-key", {"api_key": self.api_key.key, "blog": BLOG})
        self.assertAnswer(response, "valid")

    def test_typed_key_wins_over_the_current_api_key(self) -> None:
        # WordPress sends the key being verified as `key` and the old one as `api_key`.
        data = {"key": "mistyped1234", "api_key": self.api_key.key, "blog": BLOG}
        self.assertAnswer(
            self.call("/1.1/verify-key", data), "invalid", {"X-akismet-debug-help": "Invalid key"}
        )

    def test_empty_key(self) -> None:
        response = self.call("/1.1/verify-key", {"key": "", "blog": BLOG})
        self.assertAnswer(response, "invalid", {"X-akismet-debug-help": 'Empty "key" value'})

    def test_unparseable_blog(self) -> None:
        response = self.call("/1.1/verify-key", {"key": self.api_key.key, "blog": "not a url"})
        self.assertAnswer(
            response, "invalid", {"X-akismet-debug-help": "We were unable to parse your blog URI"}
        )

    def test_blog_of_another_site(self) -> None:
        data = {"key": self.api_key.key, "blog": "https://elsewhere.example/"}
        response = self.call("/1.1/verify-key", data)
        self.assertEqual(response.content, b"invalid")
        self.assertIn("X-akismet-debug-help", response)

    def test_scheme_port_and_www_do_not_matter(self) -> None:
        data = {"key": self.api_key.key, "blog": "https://www.blog.example.test:8443/news/"}
        self.assertAnswer(self.call("/1.1/verify-key", data), "valid")

    def test_revoked_key(self) -> None:
        ApiKey.objects.filter(pk=self.api_key.pk).update(revoked=timezone.now())
        response = self.call("/1.1/verify-key", {"key": self.api_key.key, "blog": BLOG})
        self.assertEqual(response.content, b"invalid")
        self.assertIn("revoked", response["X-akismet-debug-help"])

    def test_get_is_not_allowed(self) -> None:
        response = self.call("/1.1/verify-key", {"key": self.api_key.key}, method="GET")
        self.assertEqual(response.status_code, 405)


class CommentCheckTests(ApiTestCase):
    def test_ham_is_false_with_a_guid(self) -> None:
        self.assertAnswer(self.check(), "false", GUID)

    def test_nul_characters_are_dropped_and_the_call_logged(self) -> None:
        # PostgreSQL's text and JSON columns refuse NUL: the call must still be answered.
        response = self.check(comment_author="Ro\x00sa", comment_content="Fine\x00 work.")
        self.assertAnswer(response, "false", GUID)
        logged = CheckLog.objects.get(guid=response["X-akismet-guid"]).fields
        self.assertEqual(
            (logged["comment_author"], logged["comment_content"]), ("Rosa", "Fine work.")
        )

    def test_guaranteed_spam_is_true_without_discard(self) -> None:
        self.assertAnswer(self.check(comment_author="akismet-guaranteed-spam"), "true", GUID)
        email = "akismet-guaranteed-spam@example.com"
        self.assertAnswer(self.check(comment_author_email=email), "true", GUID)

    @override_settings(SPAM_TEST_DISCARD=True)
    def test_discard_comes_only_with_true(self) -> None:
        response = self.check(comment_author="akismet-guaranteed-spam", is_test="1")
        self.assertAnswer(response, "true", {**GUID, "X-akismet-pro-tip": "discard"})
        self.assertAnswer(self.check(is_test="1"), "false", GUID)

    def test_administrator_is_always_ham(self) -> None:
        response = self.check(comment_author="akismet-guaranteed-spam", user_role="administrator")
        self.assertAnswer(response, "false", GUID)

    def test_blatant_spam_is_discarded(self) -> None:
        response = self.check(
            comment_content="Cheap replica watches, viagra and casino bonus at http://bit.ly/abc",
            comment_author="buy cheap viagra",
            comment_author_url="http://cheap-pills.example",
            user_agent="curl/8.5",
        )
        self.assertAnswer(response, "true", {**GUID, "X-akismet-pro-tip": "discard"})

    def test_missing_user_ip(self) -> None:
        response = self.check(user_ip=None)
        self.assertAnswer(
            response,
            "Missing required field: user_ip.",
            {"X-akismet-debug-help": 'Empty "user_ip" value'},
        )

    def test_missing_blog(self) -> None:
        response = self.check(blog=None)
        self.assertAnswer(
            response,
            "Missing required field: blog.",
            {"X-akismet-debug-help": 'Empty "blog" value'},
        )

    def test_no_key(self) -> None:
        response = self.check(api_key=None)
        self.assertAnswer(response, "invalid", {"X-akismet-debug-help": 'Empty "api_key" value'})

    def test_wrong_key(self) -> None:
        response = self.check(api_key="wrongkey1234")
        self.assertAnswer(response, "invalid", {"X-akismet-debug-help": "Invalid key"})

    def test_key_in_the_query(self) -> None:
        data = self.comment(api_key=None)
        response = (
            self.client.post(
                f"/1.1/comment-check?api_key={self.api_key.key}",
                data,
                content_type="application/x-www-form-urlencoded",
            )
            if False
            else self.call(f"/1.1/comment-check?api_key={self.api_key.key}", data)
        )
        self.assertAnswer(response, "false", GUID)

    def test_key_in_the_host_name(self) -> None:
        # akismet-api and WordPress before 5.0.2: {key}.rest.akismet.com, no key in the body.
        host = f"{self.api_key.key}.rest.akismet.com"
        response = self.call("/1.1/comment-check", self.comment(api_key=None), HTTP_HOST=host)
        self.assertAnswer(response, "false", GUID)

    def test_akismet_host_name_is_answered(self) -> None:
        response = self.call("/1.1/comment-check", self.comment(), HTTP_HOST="rest.akismet.com")
        self.assertAnswer(response, "false", GUID)

    def test_unknown_host_name_is_refused(self) -> None:
        response = self.call("/1.1/comment-check", self.comment(), HTTP_HOST="evil.example")
        self.assertEqual(response.status_code, 400)

    def test_unknown_parameters_are_ignored(self) -> None:
        extra = {
            "comment_post_ID": "12",
            "POST_ak_js": "1700000000000",
            "REQUEST_URI": "/x",
            "🙂": "y",
        }
        self.assertAnswer(self.check(**extra), "false", GUID)

    def test_comment_context_in_all_three_encodings(self) -> None:
        bodies = [
            "comment_context%5B0%5D=news&comment_context%5B1%5D=Uncategorized",  # PHP
            "comment_context=news&comment_context=Uncategorized",  # httpx, list
            "comment_context=news",  # one value
        ]
        base = f"api_key={self.api_key.key}&blog={BLOG}&user_ip=192.0.2.1&comment_content=Hi+all"
        for body in bodies:
            self.assertEqual(
                self.call("/1.1/comment-check", raw=f"{base}&{body}").content, b"false"
            )
        logged = [row.fields["comment_context"] for row in CheckLog.objects.order_by("id")]
        self.assertEqual(logged, [["news", "Uncategorized"], ["news", "Uncategorized"], ["news"]])

    def test_blog_charset_is_honoured(self) -> None:
        body = (
            f"api_key={self.api_key.key}&blog={BLOG}&user_ip=192.0.2.1&blog_charset=ISO-8859-1"
            "&comment_author=Ren%E9e&comment_content=Tr%E8s+bon+article%2C+merci."
        )
        self.assertEqual(self.call("/1.1/comment-check", raw=body).content, b"false")
        fields = CheckLog.objects.get().fields
        self.assertEqual(
            (fields["comment_author"], fields["comment_content"]),
            ("Renée", "Très bon article, merci."),
        )

    def test_content_type_charset_and_wrong_bytes_fall_back(self) -> None:
        body = f"api_key={self.api_key.key}&blog={BLOG}&user_ip=192.0.2.1&comment_author=J%F6rg"
        response = self.call(
            "/1.1/comment-check",
            raw=body,
            content_type="application/x-www-form-urlencoded;charset=UTF-8",
        )
        self.assertEqual(response.content, b"false")
        self.assertEqual(
            CheckLog.objects.get().fields["comment_author"], "Jörg"
        )  # Latin-1 fallback

    def test_odd_charsets_and_broken_percent_encoding_are_answered(self) -> None:
        for charset in ["utf-16", "x-unknown", "cp037", "", "utf-8"]:
            body = (
                f"api_key={self.api_key.key}&blog={BLOG}&user_ip=192.0.2.1&blog_charset={charset}"
                "&comment_content=100%25+sure%zz%E2%82&comment_author=%"
            )
            self.assertEqual(self.call("/1.1/comment-check", raw=body).content, b"false", charset)

    def test_is_test_never_teaches_and_keeps_no_payload(self) -> None:
        self.check(is_test="true")
        self.call("/1.1/submit-spam", self.comment(is_test="true"))
        self.assertFalse(Feedback.objects.exists())
        self.assertEqual([row.fields for row in CheckLog.objects.all()], [{}, {}])
        usage = json.loads(
            self.call("/1.2/usage-limit", {"api_key": self.api_key.key}, method="GET").content
        )
        self.assertEqual(usage["usage"], 0)

    def test_each_check_is_logged_with_the_privacy_contract(self) -> None:
        response = self.check()
        row = CheckLog.objects.get()
        self.assertEqual(row.guid, response["X-akismet-guid"])
        self.assertEqual(
            row.email_hash,
            keyed_hash("marta.k@mail.example", key=settings.SECRET_KEY, purpose="email"),
        )
        self.assertNotIn("api_key", row.fields)
        self.assertEqual(row.fields["user_ip"], "192.0.2.10")
        self.assertEqual((row.call, row.spam, row.blog), ("check", False, "blog.example.test"))

    def test_body_over_the_limit_is_413(self) -> None:
        response = self.check(comment_content="x" * 70_000)
        self.assertEqual(response.status_code, 413)
        with override_settings(AKISMET_MAX_BODY=200_000):
            self.assertEqual(self.check(comment_content="x" * 70_000).status_code, 200)

    def test_no_cookie_and_no_csrf_token_needed(self) -> None:
        self.client = self.client_class(enforce_csrf_checks=True)
        self.client.force_login(self.moderator)
        self.assertAnswer(self.check(), "false", GUID)

    def test_a_check_costs_few_queries(self) -> None:
        self.check()  # the key and the site's layer are now cached in this worker
        other = "The library's new opening hours suit working parents far better than before."
        # The engine's reputation and campaign look-ups (2), then its recent text, today's usage
        # and the log row in one transaction (3); the 2 others are the test's savepoint.
        with self.assertNumQueries(7):
            self.assertEqual(self.check(comment_content=other).content, b"false")


class SubmitTests(ApiTestCase):
    def test_submit_spam_and_ham_thank(self) -> None:
        thanks = "Thanks for making the web a better place."
        self.assertAnswer(self.call("/1.1/submit-spam", self.comment()), thanks)
        self.assertAnswer(self.call("/1.1/submit-ham", self.comment()), thanks)

    def test_submit_with_a_wrong_key(self) -> None:
        response = self.call("/1.1/submit-spam", self.comment(api_key="wrongkey1234"))
        self.assertAnswer(response, "invalid", {"X-akismet-debug-help": "Invalid key"})

    def test_submit_teaches_that_keys_site_only(self) -> None:
        other = ApiKey.objects.create(blogs="https://other.example/")
        text = NEW_SPAM
        for n in range(4):
            self.call(
                "/1.1/submit-spam", self.comment(comment_content=text, user_ip=f"198.51.100.{n}")
            )
        self.assertEqual(
            set(Feedback.objects.values_list("site", flat=True)), {f"key:{self.api_key.pk}"}
        )
        self.assertEqual(self.check(comment_content=text, is_test="1").content, b"true")
        other_check = self.comment(
            api_key=other.key, blog="https://other.example/", comment_content=text, is_test="1"
        )
        self.assertEqual(self.call("/1.1/comment-check", other_check).content, b"false")

    def test_a_submit_is_paired_with_its_check(self) -> None:
        guid = self.check()["X-akismet-guid"]
        self.call("/1.1/submit-spam", self.comment())
        submit = CheckLog.objects.get(call="spam")
        self.assertEqual(submit.original.guid, guid)  # type: ignore[union-attr]

    def test_a_submit_naming_the_guid_is_paired_by_it(self) -> None:
        guid = self.check()["X-akismet-guid"]
        self.check(comment_content="Something else entirely, said later.")
        self.call("/1.1/submit-ham", self.comment(guid=guid, comment_content="edited"))
        self.assertEqual(CheckLog.objects.get(call="ham").original.guid, guid)  # type: ignore[union-attr]

    def test_submits_count_as_corrections(self) -> None:
        self.check()
        self.call("/1.1/submit-spam", self.comment())
        self.call("/1.1/submit-ham", self.comment())
        self.call("/1.1/submit-ham", self.comment())
        sites = json.loads(
            self.call("/1.2/key-sites", {"api_key": self.api_key.key}, method="GET").content
        )
        row = next(iter(sites.values()))[0]
        self.assertEqual((row["missed_spam"], row["false_positives"]), ("1", "2"))


class UsageTests(ApiTestCase):
    def test_usage_limit(self) -> None:
        self.check()
        self.check(comment_author="akismet-guaranteed-spam")
        response = self.call("/1.2/usage-limit", {"api_key": self.api_key.key}, method="GET")
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(
            response.content, b'{"limit":"none","usage":2,"percentage":"0.00","throttled":false}'
        )
        extended = self.call("/1.2/usage-limit", {"api_key": self.api_key.key, "extended": "1"})
        self.assertEqual(json.loads(extended.content)["notice_level"], "NOTICE_NONE")

    def test_usage_limit_without_a_key(self) -> None:
        response = self.call("/1.2/usage-limit", method="GET")
        self.assertAnswer(response, "invalid", {"X-akismet-debug-help": 'Empty "api_key" value'})

    def test_key_sites_json(self) -> None:
        self.check()
        self.check(comment_author="akismet-guaranteed-spam")
        month = f"{timezone.localdate():%Y-%m}"
        response = self.call("/1.2/key-sites", {"api_key": self.api_key.key}, method="GET")
        self.assertEqual(
            json.loads(response.content),
            {
                month: [
                    {
                        "site": "blog.example.test",
                        "api_calls": "2",
                        "spam": "1",
                        "ham": "1",
                        "missed_spam": "0",
                        "false_positives": "0",
                        "is_revoked": False,
                    }
                ],
                "limit": 500,
                "offset": 0,
                "total": 1,
            },
        )

    def test_key_sites_csv_and_filters(self) -> None:
        self.check()
        month = f"{timezone.localdate():%Y-%m}"
        data = {"api_key": self.api_key.key, "format": "csv", "limit": "10", "order": "spam"}
        response = self.call("/1.2/key-sites", data, method="GET")
        self.assertEqual(
            response.content.decode(),
            f"Active sites for {self.api_key.key} during {month} (limit:10, offset: 0, total: 1)\n"
            "Site,Total API Calls,Spam,Ham,Missed Spam,False Positives,Is Revoked\n"
            "blog.example.test,1,0,1,0,0,false",
        )
        empty = self.call("/1.2/key-sites", {"api_key": self.api_key.key, "month": "2001-01"})
        self.assertEqual(json.loads(empty.content)["total"], 0)
        none = self.call("/1.2/key-sites", {"api_key": self.api_key.key, "filter": "zzz"})
        self.assertEqual(json.loads(none.content)["total"], 0)

    def test_a_blog_taken_off_the_key_is_revoked(self) -> None:
        self.check()
        ApiKey.objects.filter(pk=self.api_key.pk).update(blogs="https://new.example/")
        keys.forget()  # as CACHE_SECONDS later
        rows = json.loads(self.call("/1.2/key-sites", {"api_key": self.api_key.key}).content)
        self.assertTrue(next(iter(rows.values()))[0]["is_revoked"])


class WordPressExtrasTests(ApiTestCase):
    def test_connection_test(self) -> None:
        self.assertAnswer(self.call("/1.1/test", method="GET"), "connected")

    def test_get_subscription(self) -> None:
        data = {"key": self.api_key.key, "blog": BLOG}
        answer = json.loads(self.call("/1.1/get-subscription", data).content)
        self.assertEqual((answer["status"], answer["limit_reached"]), ("active", False))

    def test_get_stats(self) -> None:
        self.check()
        self.call("/1.1/submit-spam", self.comment())
        data = {"key": self.api_key.key, "blog": BLOG, "from": "60-days"}
        answer = json.loads(self.call("/1.1/get-stats", data).content)
        self.assertEqual((answer["ham"], answer["missed_spam"], answer["accuracy"]), (1, 1, "0.00"))
        self.assertEqual(len(answer["breakdown"]), 1)

    def test_deactivate_and_token(self) -> None:
        data = {"key": self.api_key.key, "api_key": self.api_key.key, "blog": BLOG}
        self.assertAnswer(self.call("/1.1/deactivate", data), "deactivated")
        token = self.call("/1.1/token", data)
        self.assertEqual(token.content, b"invalid")
        self.assertIn("X-akismet-debug-help", token)

    def test_unknown_path_is_404(self) -> None:
        self.assertEqual(self.call("/1.1/nothing-here").status_code, 404)
