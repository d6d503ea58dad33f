"""The comments JSON API: reading, posting, editing, counts, moderation, CORS and errors."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from broadsheet.antispam.engine import Verdict
from broadsheet.antispam.models import RecentText
from broadsheet.comments import spam
from broadsheet.comments.actions import do_approve
from broadsheet.comments.api.tokens import issue
from broadsheet.comments.models import ApiToken, Comment, Thread
from broadsheet.comments.pipeline import Submission
from broadsheet.comments.tests.base import CommentsTestCase, form_token

PARTNER = "https://partner.example"
PAGE = f"{PARTNER}/posts/ramps/"


def htmls(comments: list[dict[str, Any]]) -> list[str]:
    return [comment["html"].strip() for comment in comments]


@override_settings(EMBED_ORIGINS=[PARTNER])
class ApiTestCase(CommentsTestCase):
    def get(self, path: str, **extra: Any) -> Any:
        return self.client.get(f"/api{path}", **extra)

    def send(self, method: str, path: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
        call = getattr(self.client, method)
        return call(f"/api{path}", data or {}, content_type="application/json", **extra)

    def post_api(self, content: str = "The ramps are a real help.", **fields: Any) -> Any:
        data = {
            "uri": PAGE,
            "title": "Ramps",
            "content": content,
            "name": "Rosa Jones",
            "email": "rosa@example.org",
            "token": form_token(),
        }
        data.update(fields)
        extra = data.pop("extra", {})
        return self.send("post", "/comments", data, **extra)

    def partner_thread(self) -> Thread:
        return Thread.objects.get(origin=PARTNER, uri="/posts/ramps/")


class ReadTests(ApiTestCase):
    def test_unknown_page_of_an_allowed_site_is_an_empty_thread_and_creates_nothing(self) -> None:
        response = self.get("/threads", data={"uri": PAGE})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["comments"], [])
        self.assertEqual(response.json()["count"], 0)
        self.assertFalse(Thread.objects.filter(origin=PARTNER).exists())

    def test_a_site_not_allowed_gets_a_json_403(self) -> None:
        response = self.get("/threads", data={"uri": "https://elsewhere.example/a/"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "site_not_allowed")

    def test_an_article_is_found_by_its_path_or_full_address(self) -> None:
        self.add_comment("Seen from the quay.")
        for uri in (self.article.get_absolute_url(), self.thread.permalink()):
            body = self.get("/threads", data={"uri": uri}).json()
            self.assertEqual(htmls(body["comments"]), ["<p>Seen from the quay.</p>"])

    def test_a_path_that_is_not_an_article_is_404(self) -> None:
        response = self.get("/threads", data={"uri": "/articles/no-such-thing/"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")

    def test_replies_are_nested_and_only_public_fields_are_shown(self) -> None:
        top = self.add_comment("Top.", author_url="https://rosa.example")
        self.add_comment("Answer.", parent=top)
        self.add_comment("Held.", parent=top, status=Comment.Status.PENDING)
        body = self.get("/threads", data={"uri": self.article.get_absolute_url()}).json()
        [comment] = body["comments"]
        self.assertEqual(comment["website"], "https://rosa.example")
        self.assertEqual(htmls(comment["replies"]), ["<p>Answer.</p>"])
        self.assertNotIn("email", str(body))
        self.assertNotIn("198.51.100", str(body))

    def test_pages_follow_the_cursor_in_either_order(self) -> None:
        for n in range(5):
            self.add_comment(f"Number {n}.")
        uri = self.article.get_absolute_url()
        seen = []
        cursor = None
        while True:
            query = {"uri": uri, "limit": 2, **({"cursor": cursor} if cursor else {})}
            body = self.get("/threads", data=query).json()
            seen += htmls(body["comments"])
            cursor = body["next"]
            if cursor is None:
                break
        self.assertEqual(seen, [f"<p>Number {n}.</p>" for n in range(5)])
        newest = self.get("/threads", data={"uri": uri, "sort": "newest", "limit": 2}).json()
        self.assertEqual(htmls(newest["comments"]), ["<p>Number 4.</p>", "<p>Number 3.</p>"])

    @override_settings(COMMENTS_REPLIES_SHOWN=2)
    def test_a_long_branch_gives_a_cursor_for_the_rest(self) -> None:
        top = self.add_comment("Top.")
        for n in range(5):
            self.add_comment(f"Reply {n}.", parent=top)
        [comment] = self.get("/threads", data={"uri": self.article.get_absolute_url()}).json()[
            "comments"
        ]
        self.assertEqual(len(comment["replies"]), 2)
        self.assertEqual(comment["more_replies"], 3)
        rest = self.get(
            f"/comments/{top.pk}/replies", data={"cursor": comment["replies_cursor"], "limit": 2}
        ).json()
        self.assertEqual(htmls(rest["comments"]), ["<p>Reply 2.</p>", "<p>Reply 3.</p>"])
        last = self.get(f"/comments/{top.pk}/replies", data={"cursor": rest["next"]}).json()
        self.assertEqual(htmls(last["comments"]), ["<p>Reply 4.</p>"])
        self.assertIsNone(last["next"])

    def test_a_bad_cursor_is_a_json_400(self) -> None:
        response = self.get("/threads", data={"uri": PAGE, "cursor": "yesterday"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "bad_cursor")

    def test_a_100_comment_thread_takes_three_queries_and_one_when_cached(self) -> None:
        for n in range(50):
            top = self.add_comment(f"Comment {n}.")
            self.add_comment(f"Reply {n}.", parent=top)
        uri = self.article.get_absolute_url()
        with self.assertNumQueries(3):  # the thread, a page of comments, their first replies
            first = self.get("/threads", data={"uri": uri, "limit": 50})
        self.assertEqual(len(first.json()["comments"]), 50)
        with self.assertNumQueries(1):
            again = self.get("/threads", data={"uri": uri, "limit": 50})
        self.assertEqual(again.content, first.content)

    def test_counts_for_many_pages_in_one_query(self) -> None:
        self.add_comment("One.")
        self.add_comment("Two.")
        uris = [self.article.get_absolute_url(), PAGE, f"{PARTNER}/other/"]
        with self.assertNumQueries(1):
            body = self.get("/counts", data={"uri": uris}).json()
        self.assertEqual([c["count"] for c in body["counts"]], [2, 0, 0])
        self.assertEqual(body["counts"][0]["label"], "2 comments")

    def test_form_gives_a_token_the_limits_and_the_notice(self) -> None:
        body = self.get("/form").json()
        self.assertTrue(body["token"])
        self.assertIn("comment-privacy", body["notice_html"])
        self.assertEqual(body["texts"]["reply"], "Reply")


class PostTests(ApiTestCase):
    def test_first_comment_is_held_and_only_its_author_sees_it(self) -> None:
        response = self.post_api()
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertTrue(body["comment"]["pending"])
        self.assertTrue(body["comment"]["editable"])
        self.assertEqual(body["message"], "Your comment is awaiting moderation.")
        self.assertEqual(self.partner_thread().title, "Ramps")
        self.client.cookies.clear()
        public = self.get("/threads", data={"uri": PAGE}).json()
        self.assertEqual(public["comments"], [])
        mine = self.get("/threads", data={"uri": PAGE}, HTTP_X_BROADSHEET_KEY=body["key"]).json()
        self.assertEqual([c["id"] for c in mine["comments"]], [body["comment"]["id"]])

    def test_approved_comment_and_reply_show_for_everyone(self) -> None:
        first = self.post_api().json()["comment"]
        do_approve(Comment.objects.get(pk=first["id"]), moderator=self.moderator)
        reply = self.post_api("Agreed, and the lights too.", parent=first["id"])
        self.assertEqual(reply.status_code, 201)
        self.assertFalse(reply.json()["comment"]["pending"])  # a known author now
        self.client.cookies.clear()
        [top] = self.get("/threads", data={"uri": PAGE}).json()["comments"]
        self.assertEqual(top["replies"][0]["html"].strip(), "<p>Agreed, and the lights too.</p>")

    def test_nul_characters_are_refused_with_a_clear_error(self) -> None:
        response = self.post_api("Fine\x00 work.")
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.json()["code"], "nul_character")
        self.assertFalse(Comment.objects.exists())
        response = self.get("/threads", data={"uri": PAGE + "\x00"})
        self.assertEqual(response.json()["code"], "nul_character")

    def test_a_reply_to_a_comment_not_shown_is_refused(self) -> None:
        held = self.post_api().json()["comment"]
        response = self.post_api("Replying.", parent=held["id"])
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "no_parent")

    def test_too_quick_a_post_is_refused_and_not_stored(self) -> None:
        response = self.post_api(token=form_token(seconds_ago=0))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "refused")
        self.assertIn("quick", response.json()["message"])
        self.assertFalse(Comment.objects.exists())

    @override_settings(COMMENTS_RATE_PER_IP=1)
    def test_too_many_posts_get_429_with_retry_after(self) -> None:
        self.post_api("First one.")
        response = self.post_api("Second one.")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.json()["code"], "rate_limited")
        self.assertTrue(int(response["Retry-After"]) >= 1)

    def test_invalid_fields_are_a_json_422_naming_them(self) -> None:
        response = self.post_api(email="not an address", name=" ")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["code"], "invalid")
        self.assertIn("email", response.json()["message"])
        self.assertIn("name", response.json()["message"])

    def test_malformed_json_is_a_json_error(self) -> None:
        response = self.client.post("/api/comments", "{", content_type="application/json")
        self.assertIn(response.status_code, (400, 422))
        self.assertIn("code", response.json())

    def test_the_checked_text_is_remembered_with_the_comment_and_with_a_discard(self) -> None:
        # The spam engine's record of the text (for spotting campaigns) is written in the
        # comment's own transaction, and also when the comment is dropped as blatant spam.
        self.post_api("The ramps are a real help to my mother.")
        self.assertEqual(RecentText.objects.count(), 1)
        check = spam.check

        def blatant(sub: Submission) -> Verdict:
            return dataclasses.replace(check(sub), spam=True, discard=True)

        with mock.patch("broadsheet.comments.spam.check", blatant):
            self.post_api("Cheap pills and watches here, all at half price for today only.")
        self.assertEqual(Comment.objects.count(), 1)
        self.assertEqual(RecentText.objects.count(), 2)

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_a_body_over_the_upload_limit_is_a_json_413(self) -> None:
        response = self.post_api("Long. " * 200)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["code"], "too_large")
        self.assertFalse(Comment.objects.exists())

    def test_posting_to_a_closed_thread_is_refused(self) -> None:
        Thread.objects.filter(pk=self.thread.pk).update(is_closed=True)
        response = self.post_api(uri=self.article.get_absolute_url())
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["message"], "Comments are closed on this page.")


class EditTests(ApiTestCase):
    def test_author_edits_within_the_window_with_the_key(self) -> None:
        posted = self.post_api().json()
        self.client.cookies.clear()
        path = f"/comments/{posted['comment']['id']}"
        response = self.send(
            "put", path, {"content": "Better words."}, HTTP_X_BROADSHEET_KEY=posted["key"]
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["comment"]["html"].strip(), "<p>Better words.</p>")
        # The key is bound to the text: the new one works, the old one no longer does.
        again = self.send(
            "put", path, {"content": "Best words."}, HTTP_X_BROADSHEET_KEY=response.json()["key"]
        )
        self.assertEqual(again.status_code, 200)
        stale = self.send("put", path, {"content": "Other."}, HTTP_X_BROADSHEET_KEY=posted["key"])
        self.assertEqual(stale.status_code, 403)

    def test_no_edit_without_the_key_or_after_the_window(self) -> None:
        posted = self.post_api().json()
        self.client.cookies.clear()
        path = f"/comments/{posted['comment']['id']}"
        response = self.send("put", path, {"content": "Mine now."})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "not_editable")
        with time_machine.travel(timezone.now() + timedelta(hours=1)):
            late = self.send("delete", path, HTTP_X_BROADSHEET_KEY=posted["key"])
        self.assertEqual(late.status_code, 403)

    def test_author_deletes_within_the_window(self) -> None:
        posted = self.post_api().json()
        path = f"/comments/{posted['comment']['id']}"
        response = self.send("delete", path, HTTP_X_BROADSHEET_KEY=posted["key"])
        self.assertEqual(response.status_code, 204)
        self.assertEqual(Comment.objects.get().status, Comment.Status.TRASH)
        self.assertEqual(self.send("delete", path).status_code, 404)


class ModerationTests(ApiTestCase):
    def bearer(self, user: Any) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {issue(user)[1]}"}

    def test_no_token_or_a_wrong_one_is_401(self) -> None:
        self.assertEqual(self.get("/moderation/queue").status_code, 401)
        wrong = self.get("/moderation/queue", HTTP_AUTHORIZATION="Bearer bs_nothing")
        self.assertEqual(wrong.status_code, 401)
        self.assertEqual(wrong.json()["code"], "unauthorized")

    def test_a_reader_token_may_not_moderate(self) -> None:
        response = self.get("/moderation/queue", **self.bearer(self.reader))
        self.assertEqual(response.status_code, 403)

    def test_moderator_sees_the_queue_and_approves(self) -> None:
        posted = self.post_api().json()["comment"]
        auth = self.bearer(self.moderator)
        queue = self.get("/moderation/queue", **auth).json()
        self.assertEqual([c["id"] for c in queue["comments"]], [posted["id"]])
        self.assertEqual(queue["comments"][0]["email"], "rosa@example.org")
        response = self.send("post", f"/moderation/comments/{posted['id']}/approve", **auth)
        self.assertEqual(response.json()["status"], "approved")
        comment = Comment.objects.get()
        self.assertEqual(comment.events.last().actor, self.moderator)  # type: ignore[union-attr]
        self.assertIsNotNone(ApiToken.objects.get().last_used_at)

    def test_moderator_marks_spam_and_trash(self) -> None:
        comment = self.add_comment("Buy now.")
        auth = self.bearer(self.moderator)
        for action, status in (("spam", "spam"), ("ham", "approved"), ("trash", "trash")):
            response = self.send("post", f"/moderation/comments/{comment.pk}/{action}", **auth)
            self.assertEqual(response.json()["status"], status)

    def test_command_makes_lists_and_revokes_tokens(self) -> None:
        out = StringIO()
        call_command("api_token", "moderator", "--name", "bot", stdout=out)
        raw = out.getvalue().split()[-1]
        self.assertEqual(
            self.get("/moderation/queue", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code, 200
        )
        token = ApiToken.objects.get()
        self.assertNotIn(raw, str(ApiToken.objects.values().get()))
        call_command("api_token", "--revoke", str(token.pk), stdout=StringIO())
        self.assertEqual(
            self.get("/moderation/queue", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code, 401
        )


class CorsAndErrorTests(ApiTestCase):
    def test_an_allowed_origin_gets_cors_headers_and_a_preflight(self) -> None:
        response = self.get("/threads", data={"uri": PAGE}, HTTP_ORIGIN=PARTNER)
        self.assertEqual(response["Access-Control-Allow-Origin"], PARTNER)
        self.assertIn("Origin", response["Vary"])
        preflight = self.client.options(
            "/api/comments", HTTP_ORIGIN=PARTNER, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
        )
        self.assertEqual(preflight.status_code, 204)
        self.assertIn("X-Broadsheet-Key", preflight["Access-Control-Allow-Headers"])

    def test_another_origin_gets_403_and_no_cors_headers(self) -> None:
        for response in (
            self.get("/threads", data={"uri": PAGE}, HTTP_ORIGIN="https://evil.example"),
            self.post_api(extra={"HTTP_ORIGIN": "https://evil.example"}),
        ):
            self.assertEqual(response.status_code, 403)
            self.assertEqual(response.json()["code"], "origin_not_allowed")
            self.assertNotIn("Access-Control-Allow-Origin", response)
        self.assertFalse(Comment.objects.exists())

    def test_unknown_paths_and_wrong_methods_answer_json(self) -> None:
        missing = self.get("/nothing-here")
        self.assertEqual((missing.status_code, missing.json()["code"]), (404, "not_found"))
        wrong = self.send("patch", "/form")
        self.assertEqual((wrong.status_code, wrong.json()["code"]), (405, "method_not_allowed"))

    def test_schema_and_docs_are_served(self) -> None:
        schema = self.get("/openapi.json").json()
        self.assertIn("/api/threads", schema["paths"])
        self.assertContains(self.get("/docs"), "/static/ninja/swagger-ui-bundle.js")

    def test_other_paths_get_no_cors_headers(self) -> None:
        response = self.client.get("/healthz", HTTP_ORIGIN=PARTNER)
        self.assertNotIn("Access-Control-Allow-Origin", response)


def test_every_error_code_the_api_answers_is_in_the_readme() -> None:
    root = Path(__file__).resolve().parents[3]
    source = "\n".join(path.read_text() for path in (root / "broadsheet").rglob("*.py"))
    codes = set(re.findall(r'(?:error_response|ApiError)\(\d{3}, "(\w+)"', source))
    readme = (root / "README.md").read_text()
    errors = readme[readme.index("**Errors.**") :].split("\n\n")[0]
    assert codes, "no error codes found in the source"
    assert not [code for code in sorted(codes) if f"`{code}`" not in errors]
