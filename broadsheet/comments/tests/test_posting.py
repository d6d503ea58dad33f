from __future__ import annotations

import socket
import time
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from broadsheet.comments import notifications
from broadsheet.comments.forms import token_time
from broadsheet.comments.models import Comment, Subscription
from broadsheet.comments.tests.base import CommentsTestCase, form_token, site_hash
from broadsheet.privacy.keys import ip_hash
from broadsheet.privacy.models import Consent
from broadsheet.roles import MODERATORS
from broadsheet.test import request_cycle


class PostTests(CommentsTestCase):
    def test_first_comment_is_held_and_its_author_sees_it_awaiting_moderation(self) -> None:
        response = self.post_comment("I walked over it this morning.")
        comment = Comment.objects.get()
        self.assertRedirects(
            response,
            f"{self.article.get_absolute_url()}#comment-{comment.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(comment.status, Comment.Status.PENDING)
        self.assertEqual(comment.moderation_reasons, ["first comment from this author"])
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, "I walked over it this morning.")
        self.assertContains(page, "Your comment is awaiting moderation.")

    def test_others_do_not_see_a_pending_comment(self) -> None:
        self.post_comment("Only mine for now.")
        self.client.cookies.clear()
        self.assertNotContains(self.client.get(self.article.get_absolute_url()), "Only mine")

    def test_a_known_author_is_approved_and_counted(self) -> None:
        self.add_comment(author_email="rosa@example.org", email_hash=site_hash("rosa@example.org"))
        self.post_comment("Second time round.")
        comment = Comment.objects.get(content="Second time round.")
        self.assertEqual(comment.status, Comment.Status.APPROVED)
        self.thread.refresh_from_db()
        self.assertEqual(self.thread.approved_count, 2)
        self.assertContains(self.client.get("/"), "2 comments")

    def test_stored_fields_keep_the_network_and_hashes_not_the_address(self) -> None:
        self.post_comment(extra={"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "Firefox/140"})
        comment = Comment.objects.get()
        self.assertEqual(comment.ip_network, "203.0.113.0/24")
        self.assertEqual(len(comment.ip_hash), 32)
        self.assertNotIn("203.0.113.77", str(Comment.objects.values().get()))
        self.assertEqual(comment.user_agent_family, "Firefox")

    def test_content_is_rendered_when_saved_with_nofollow_links(self) -> None:
        self.post_comment("Read *this*: https://example.org/a and [that](https://example.org/b)")
        html = Comment.objects.get().content_html
        self.assertIn("<em>this</em>", html)
        self.assertIn('rel="nofollow ugc noopener noreferrer"', html)

    def test_form_errors_keep_the_text_beside_the_field(self) -> None:
        response = self.post_comment("My careful words.", name="")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "My careful words.", status_code=400)
        self.assertContains(response, 'class="field-error"', status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_a_refused_comment_keeps_the_text_and_says_why(self) -> None:
        response = self.post_comment("Too quick for a person.", token=form_token(seconds_ago=0))
        self.assertContains(response, "Too quick for a person.", status_code=400)
        self.assertContains(response, "That was very quick", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_comments_on_a_draft_are_404(self) -> None:
        self.article.status = "draft"
        self.article.save()
        self.assertEqual(self.post_comment().status_code, 404)

    def test_get_is_not_allowed(self) -> None:
        url = reverse("comments:post", args=[self.article.pk])
        self.assertEqual(self.client.get(url).status_code, 405)

    def test_remember_box_sets_the_details_cookie_only_when_ticked(self) -> None:
        response = self.post_comment()
        self.assertNotIn("broadsheet_commenter", response.cookies)
        response = self.post_comment("Another one.", remember="on")
        self.assertIn("broadsheet_commenter", response.cookies)
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, 'value="Rosa Jones"')
        response = self.post_comment("Forget me now.")
        self.assertEqual(response.cookies["broadsheet_commenter"].value, "")

    def test_moderators_get_an_email_with_signed_links_for_a_held_comment(self) -> None:
        from django.contrib.auth.models import Group

        self.moderator.groups.add(Group.objects.get(name=MODERATORS))
        with self.captureOnCommitCallbacks(execute=True):
            self.post_comment("The new ramps make the crossing much easier with a pram.")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["moderator@example.org"])
        self.assertIn("/comments/moderate/", mail.outbox[0].body)
        self.assertIn("first comment from this author", mail.outbox[0].body)

    def test_moderators_are_mailed_after_the_poster_has_the_response(self) -> None:
        from django.contrib.auth.models import Group

        self.moderator.groups.add(Group.objects.get(name=MODERATORS))
        comment = self.add_comment("Held for a look.", status=Comment.Status.PENDING)
        with request_cycle():
            notifications.notify_moderators(comment)
            self.assertEqual(mail.outbox, [])  # the mail server does not hold up the response
        self.assertEqual([m.to for m in mail.outbox], [["moderator@example.org"]])

    def test_a_mail_server_that_never_answers_costs_only_email_timeout(self) -> None:
        from django.contrib.auth.models import Group

        self.moderator.groups.add(Group.objects.get(name=MODERATORS))
        # Were EMAIL_TIMEOUT not passed on, this would stop the wait (and fail the test).
        socket.setdefaulttimeout(10)
        self.addCleanup(socket.setdefaulttimeout, None)
        with socket.socket() as silent:  # accepts connections, never says a word
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            smtp = {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": silent.getsockname()[1],
                "EMAIL_USE_TLS": False,
                "EMAIL_TIMEOUT": 1,
            }
            started = time.monotonic()
            with (
                override_settings(**smtp),
                self.assertLogs("broadsheet.lib.mail", "ERROR"),
                self.captureOnCommitCallbacks(execute=True),
            ):
                response = self.post_comment("The new ramps make the crossing easier.")
            waited = time.monotonic() - started
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Comment.objects.filter(content__startswith="The new ramps").exists())
        self.assertLess(waited, 5)  # without a timeout the post would wait for ever


class ReplyTests(CommentsTestCase):
    def test_reply_is_threaded_under_its_parent(self) -> None:
        parent = self.add_comment("The first word.")
        self.add_comment(author_email="rosa@example.org", email_hash=site_hash("rosa@example.org"))
        self.post_comment("A reply to it.", parent=parent.pk)
        reply = Comment.objects.get(content="A reply to it.")
        self.assertEqual((reply.parent, reply.root, reply.depth), (parent, parent, 1))
        html = self.client.get(self.article.get_absolute_url()).content.decode()
        parent_at = html.index(f'id="comment-{parent.pk}"')
        replies_at = html.index('class="comment-replies"', parent_at)
        self.assertLess(replies_at, html.index(f'id="comment-{reply.pk}"'))

    @override_settings(COMMENTS_MAX_DEPTH=2)
    def test_a_reply_at_the_deepest_level_goes_beside_it(self) -> None:
        top = self.add_comment("Top.")
        deep = self.add_comment("Deep.", parent=top)
        self.post_comment("Deeper?", parent=deep.pk)
        self.assertEqual(Comment.objects.get(content="Deeper?").parent, top)

    def test_replying_to_a_comment_of_another_thread_is_refused(self) -> None:
        other = self.add_comment("Elsewhere.")
        other.thread = type(self.thread).objects.create(origin="https://blog.example", uri="/a")
        other.save()
        response = self.post_comment("Sneaky.", parent=other.pk)
        self.assertEqual(response.status_code, 400)

    def test_no_javascript_reply_link_prefills_the_parent(self) -> None:
        parent = self.add_comment("Reply to me.", author_name="Ann")
        page = self.client.get(f"{self.article.get_absolute_url()}?replyto={parent.pk}")
        self.assertContains(page, "Replying to Ann")
        self.assertContains(page, f'name="parent" value="{parent.pk}"')


@override_settings(COMMENTS_RATE_PER_IP=3, COMMENTS_RATE_PER_EMAIL=100, COMMENTS_RATE_WINDOW=60)
class FloodTests(CommentsTestCase):
    def flood(self, count: int, *, remote: str, forwarded: bool = False) -> list[int]:
        """Post ``count`` comments from ``remote``, each claiming another address if asked."""
        codes = []
        for n in range(count):
            extra = {"REMOTE_ADDR": remote}
            if forwarded:
                extra["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
            response = self.post_comment(f"Message {n}.", email=f"p{n}@example.org", extra=extra)
            codes.append(response.status_code)
        return codes

    def test_a_flood_from_one_address_is_held_to_the_rate_with_429(self) -> None:
        self.assertEqual(self.flood(6, remote="198.51.100.9"), [302, 302, 302, 429, 429, 429])
        self.assertEqual(Comment.objects.count(), 3)
        response = self.post_comment("One more.", extra={"REMOTE_ADDR": "198.51.100.9"})
        self.assertTrue(1 <= int(response["Retry-After"]) <= 61)
        self.assertContains(response, "One more.", status_code=429)

    def test_a_forged_forwarded_for_changes_nothing_without_a_trusted_proxy(self) -> None:
        codes = self.flood(5, remote="198.51.100.9", forwarded=True)
        self.assertEqual(codes, [302, 302, 302, 429, 429])

    @override_settings(TRUSTED_PROXIES=["10.0.0.1"])
    def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(self) -> None:
        self.assertEqual(self.flood(5, remote="10.0.0.1", forwarded=True), [302] * 5)
        self.assertEqual(Comment.objects.values("ip_network").distinct().count(), 1)
        self.assertEqual(Comment.objects.values("ip_hash").distinct().count(), 5)


class EditTests(CommentsTestCase):
    def post_and_get(self) -> Comment:
        self.post_comment("First version.")
        return Comment.objects.get()

    def test_guest_edits_within_the_window(self) -> None:
        comment = self.post_and_get()
        response = self.client.post(
            reverse("comments:edit", args=[comment.pk]), {"content": "Second version."}
        )
        self.assertRedirects(response, comment.get_absolute_url(), fetch_redirect_response=False)
        comment.refresh_from_db()
        self.assertEqual(comment.content, "Second version.")
        self.assertIsNotNone(comment.edited_at)
        self.assertContains(self.client.get(self.article.get_absolute_url()), "(edited)")

    def test_guest_cannot_edit_after_the_window(self) -> None:
        comment = self.post_and_get()
        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            response = self.client.post(
                reverse("comments:edit", args=[comment.pk]), {"content": "Too late."}
            )
        self.assertEqual(response.status_code, 404)
        comment.refresh_from_db()
        self.assertEqual(comment.content, "First version.")

    def test_another_browser_cannot_edit(self) -> None:
        comment = self.post_and_get()
        self.client.cookies.clear()
        url = reverse("comments:edit", args=[comment.pk])
        self.assertEqual(self.client.post(url, {"content": "Hijack."}).status_code, 404)

    def test_a_moderators_change_ends_the_guests_right(self) -> None:
        comment = self.post_and_get()
        Comment.objects.filter(pk=comment.pk).update(content="Moderated text.")
        url = reverse("comments:edit", args=[comment.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_guest_deletes_within_the_window(self) -> None:
        comment = self.post_and_get()
        self.client.post(reverse("comments:delete", args=[comment.pk]))
        comment.refresh_from_db()
        self.assertEqual(comment.status, Comment.Status.TRASH)

    def test_signed_in_author_edits_at_any_time(self) -> None:
        comment = self.add_comment("Mine.", user=self.reader)
        self.client.force_login(self.reader)
        with time_machine.travel(timezone.now() + timedelta(days=10)):
            self.client.post(
                reverse("comments:edit", args=[comment.pk]), {"content": "Still mine."}
            )
        comment.refresh_from_db()
        self.assertEqual(comment.content, "Still mine.")


class SharedPageTests(CommentsTestCase):
    """The article page is the same for every visitor without cookies of their own (spec A-11).

    So it carries no CSRF token and no form time: comments.js fetches the form time, guests'
    posts are checked by their Origin, and signed-in readers' own pages carry the CSRF token.
    """

    def test_two_visitors_get_byte_identical_article_html(self) -> None:
        self.add_comment("Already here.")
        url = self.article.get_absolute_url()
        first = Client().get(url, HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="192.0.2.1")
        second = Client().get(url, HTTP_USER_AGENT="Chrome/150", REMOTE_ADDR="198.51.100.2")
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first.content, second.content)
        self.assertFalse(first.cookies)
        self.assertNotContains(first, "csrfmiddlewaretoken")
        self.assertContains(first, '<input type="hidden" name="token" id="id_token">')

    def test_the_form_time_is_fetched_fresh_and_never_cached(self) -> None:
        response = self.client.get(reverse("comments:token"))
        self.assertEqual(response["Cache-Control"], "no-store")
        issued = token_time(response.json()["token"])
        self.assertIsNotNone(issued)
        self.assertLess(abs((timezone.now() - issued).total_seconds()), 5)  # type: ignore[operator]
        self.assertFalse(response.cookies)

    def test_a_fetched_form_time_still_refuses_a_post_sent_too_soon(self) -> None:
        token = self.client.get(reverse("comments:token")).json()["token"]
        response = self.post_comment("Faster than anyone types.", token=token)
        self.assertContains(response, "That was very quick", status_code=400)
        with time_machine.travel(timezone.now() + timedelta(seconds=30)):
            self.assertEqual(self.post_comment("Written with care.", token=token).status_code, 302)
        self.assertEqual(Comment.objects.get().content, "Written with care.")

    def test_a_post_without_a_script_has_no_form_time_and_is_taken(self) -> None:
        response = self.post_comment("Sent from a browser without JavaScript.", token="")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Comment.objects.exists())

    def test_a_forged_form_time_is_refused(self) -> None:
        response = self.post_comment("Forged.", token="at:0")
        self.assertContains(response, "The form could not be checked", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_an_expired_form_comes_back_with_a_new_form_time_and_can_be_sent_again(self) -> None:
        response = self.post_comment("Written over lunch.", token=form_token(seconds_ago=3 * 3600))
        self.assertContains(response, "The form has expired", status_code=400)
        token = response.content.decode().split('name="token" value="')[1].split('"')[0]
        with time_machine.travel(timezone.now() + timedelta(seconds=30)):
            self.assertEqual(self.post_comment("Written over lunch.", token=token).status_code, 302)

    def test_a_guest_post_from_another_site_is_refused_and_keeps_the_text(self) -> None:
        response = self.post_comment(
            "Posted by a page elsewhere.", extra={"HTTP_ORIGIN": "https://evil.example"}
        )
        self.assertContains(response, "Posted by a page elsewhere.", status_code=403)
        self.assertContains(response, "only from this site", status_code=403)
        self.assertFalse(Comment.objects.exists())

    def test_a_guest_post_naming_no_page_is_refused(self) -> None:
        response = self.post_comment("Nowhere.", extra={"HTTP_ORIGIN": ""})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Comment.objects.exists())

    def test_a_referer_from_this_site_stands_in_for_a_missing_origin(self) -> None:
        extra = {
            "HTTP_ORIGIN": "",
            "HTTP_REFERER": f"http://testserver{self.article.get_absolute_url()}",
        }
        self.assertEqual(self.post_comment("Privacy settings on.", extra=extra).status_code, 302)

    def test_signed_in_readers_get_a_csrf_token_and_must_send_it(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.reader)
        page = client.get(self.article.get_absolute_url())
        csrf = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        url = reverse("comments:post", args=[self.article.pk])
        data = {"content": "From my account.", "name": "Reader", "token": form_token()}
        refused = client.post(url, data, HTTP_ORIGIN="http://testserver")
        self.assertEqual(refused.status_code, 403)
        self.assertFalse(Comment.objects.exists())
        taken = client.post(url, {**data, "csrfmiddlewaretoken": csrf})
        self.assertEqual(taken.status_code, 302)
        self.assertEqual(Comment.objects.get().user, self.reader)


class PostingSideEffectTests(CommentsTestCase):
    def test_ticking_notify_asks_for_replies_by_email(self) -> None:
        self.post_comment("Tell me when someone answers.", notify="on")
        comment = Comment.objects.get()
        subscription = Subscription.objects.get()
        self.assertEqual(subscription.email, "rosa@example.org")
        self.assertEqual(subscription.comment, comment)
        self.assertIsNone(subscription.confirmed_at)

    def test_notify_without_an_email_is_refused_and_the_text_kept(self) -> None:
        response = self.post_comment("Tell me, somehow.", email="", notify="on")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Give your e-mail address to be told about replies.", 1, 400)
        self.assertContains(response, "Tell me, somehow.", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_the_cookie_box_answer_is_recorded_as_consent(self) -> None:
        self.post_comment("Keep my details.", remember="on")
        self.post_comment("Forget them again.")
        self.assertEqual(
            list(Consent.objects.order_by("pk").values_list("given", flat=True)), [True, False]
        )

    def test_the_ip_hash_uses_the_rotating_key_not_the_secret_key(self) -> None:
        self.post_comment("From here.", extra={"REMOTE_ADDR": "203.0.113.57"})
        self.assertEqual(Comment.objects.get().ip_hash, ip_hash("203.0.113.57"))

    def test_the_thread_links_its_feed_and_the_follow_page(self) -> None:
        self.add_comment(status=Comment.Status.APPROVED)
        thread = self.article.comment_thread
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, reverse("comments:follow", args=[thread.pk]))
        self.assertContains(page, reverse("comments:thread-feed", args=[thread.pk]), 2)
