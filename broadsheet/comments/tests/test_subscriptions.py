from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import time_machine
from django.core import mail, signing
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from broadsheet.comments import actions, subscriptions
from broadsheet.comments.actions import Posted
from broadsheet.comments.models import Comment, Subscription, Thread
from broadsheet.comments.pipeline import Decision, Outcome, Submission
from broadsheet.comments.tests.base import CommentsTestCase
from broadsheet.test import request_cycle


def links(message: mail.EmailMessage) -> list[str]:
    return re.findall(r"http://\S+", str(message.body))


def readers_mail() -> list[mail.EmailMessage]:
    """What readers were sent: held comments also e-mail the moderators, as before."""
    return [m for m in mail.outbox if m.to != ["moderator@example.org"]]


class SubscriptionsTestCase(CommentsTestCase):
    def subscribe(
        self, email: str = "follower@example.org", comment: Comment | None = None
    ) -> Subscription:
        """A confirmed subscription, as after following the confirmation link."""
        return Subscription.objects.create(
            email=email,
            email_hash=subscriptions.email_hash(email),
            thread=self.thread,
            comment=comment,
            confirmed_at=timezone.now(),
        )

    def submission(self, content: str = "A reply worth reading.", **fields: Any) -> Submission:
        return super().submission(content, **{"is_staff": True, **fields})  # no spam engine

    def post_held(self, sub: Submission, **kwargs: Any) -> Posted:
        """Posted and held, whatever the spam engine has learnt from earlier tests."""
        held = Decision(Outcome.HOLD, reasons=["first comment from this author"])
        with mock.patch("broadsheet.comments.pipeline.run", return_value=held):
            return actions.do_post_comment(sub, **kwargs)

    def approve(self, comment: Comment) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            actions.do_approve(comment, moderator=self.moderator)


class FollowTests(SubscriptionsTestCase):
    def follow(self, email: str = "follower@example.org") -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                reverse("comments:follow", args=[self.thread.pk]), {"email": email}
            )

    def test_following_a_thread_sends_only_a_confirmation(self) -> None:
        response = self.follow()
        self.assertContains(response, "a message is on its way")
        subscription = Subscription.objects.get()
        self.assertIsNone(subscription.confirmed_at)
        [message] = mail.outbox
        self.assertEqual(message.to, ["follower@example.org"])
        self.assertIn("Confirm", message.subject)
        self.assertIn("Bridge reopens", message.subject)
        self.assertIn(subscriptions.confirm_url(subscription), message.body)

        mail.outbox.clear()
        self.approve(self.add_comment(status=Comment.Status.PENDING))
        self.assertEqual(mail.outbox, [])  # nothing until confirmed

    def test_confirmation_link_asks_on_get_confirms_on_post_and_works_once(self) -> None:
        self.follow()
        url = links(mail.outbox[0])[0]
        self.assertContains(self.client.get(url), "Yes, confirm")
        self.assertIsNone(Subscription.objects.get().confirmed_at)  # mail scanners only look
        self.assertContains(self.client.post(url), "Confirmed.")
        self.assertIsNotNone(Subscription.objects.get().confirmed_at)
        again = self.client.post(url)
        self.assertContains(again, "already been used")
        self.assertNotContains(again, "Yes, confirm")

    def test_old_or_forged_confirmation_links_are_refused(self) -> None:
        self.follow()
        url = links(mail.outbox[0])[0]
        with time_machine.travel(timezone.now() + timedelta(days=8)):
            self.assertEqual(self.client.post(url).status_code, 400)
        self.assertEqual(self.client.post(url.replace("/confirm/", "x/confirm/")).status_code, 400)
        unsubscribe_token = subscriptions.unsubscribe_url(Subscription.objects.get()).split("/")[-3]
        wrong_salt = reverse("comments:confirm-subscription", args=[unsubscribe_token])
        self.assertEqual(self.client.post(wrong_salt).status_code, 400)
        self.assertIsNone(Subscription.objects.get().confirmed_at)

    def test_a_bad_address_is_refused_and_kept_in_the_form(self) -> None:
        response = self.follow("not an address")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "not an address", status_code=400)
        self.assertFalse(Subscription.objects.exists())

    def test_following_again_says_the_same_and_does_not_flood_the_inbox(self) -> None:
        first, second = self.follow(), self.follow()
        self.assertEqual(first.content, second.content)
        self.assertEqual(len(mail.outbox), 1)
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            self.follow()
        self.assertEqual(len(mail.outbox), 2)  # a new link for someone who lost the first
        Subscription.objects.update(confirmed_at=timezone.now())
        self.follow()
        self.assertEqual(len(mail.outbox), 2)  # already subscribed: nothing to confirm

    def test_one_address_gets_at_most_a_few_unconfirmed_subscriptions(self) -> None:
        for n in range(subscriptions.MAX_UNCONFIRMED + 2):
            article = self.make_article(f"Story {n}")
            thread = Thread.objects.create(article=article)
            with self.captureOnCommitCallbacks(execute=True):
                actions.do_subscribe("victim@example.org", thread)
        self.assertEqual(len(mail.outbox), subscriptions.MAX_UNCONFIRMED)

    def test_threads_of_unpublished_articles_cannot_be_followed(self) -> None:
        draft = Thread.objects.create(article=self.make_article("Draft", status="draft"))
        response = self.client.get(reverse("comments:follow", args=[draft.pk]))
        self.assertEqual(response.status_code, 404)

    def test_follow_page_offers_the_form_and_the_feed(self) -> None:
        response = self.client.get(reverse("comments:follow", args=[self.thread.pk]))
        self.assertContains(response, 'type="email"')
        self.assertContains(response, reverse("comments:thread-feed", args=[self.thread.pk]))

    def test_unconfirmed_subscriptions_are_forgotten_after_a_while(self) -> None:
        self.follow("old@example.org")
        Subscription.objects.update(created_at=timezone.now() - timedelta(days=31))
        self.follow("new@example.org")
        self.assertEqual(
            list(Subscription.objects.values_list("email", flat=True)), ["new@example.org"]
        )


class NotificationTests(SubscriptionsTestCase):
    def test_approved_comment_is_mailed_with_one_click_unsubscribe_headers(self) -> None:
        subscription = self.subscribe()
        comment = self.add_comment("The ferry is better.", status=Comment.Status.PENDING)
        self.approve(comment)
        [message] = mail.outbox
        self.assertEqual(message.to, ["follower@example.org"])
        self.assertIn("Someone", message.subject)
        self.assertIn("The ferry is better.", message.body)
        self.assertIn(f"/articles/bridge-reopens/#comment-{comment.pk}", message.body)
        unsubscribe = subscriptions.unsubscribe_url(subscription)
        self.assertIn(unsubscribe, message.body)
        self.assertEqual(message.extra_headers["List-Unsubscribe"], f"<{unsubscribe}>")
        self.assertEqual(
            message.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
        )
        self.assertNotIn("someone@example.org", message.body)  # the author's address stays ours

    def test_pending_spam_and_trashed_comments_are_never_mailed(self) -> None:
        self.subscribe()
        with self.captureOnCommitCallbacks(execute=True):
            held = self.post_held(self.submission(content="Held."))
        self.assertEqual(held.comment.status, Comment.Status.PENDING)  # type: ignore[union-attr]
        comment = self.add_comment(status=Comment.Status.PENDING)
        with self.captureOnCommitCallbacks(execute=True):
            actions.do_mark_spam(comment, moderator=self.moderator)
            actions.do_trash(self.add_comment(status=Comment.Status.PENDING))
        self.assertEqual(readers_mail(), [])

    def test_a_comment_posted_approved_is_mailed_at_once(self) -> None:
        self.subscribe()
        with self.captureOnCommitCallbacks(execute=True):
            actions.do_post_comment(self.submission("Staff here: it reopens at nine."))
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("it reopens at nine", mail.outbox[0].body)

    def test_the_author_is_never_told_of_their_own_comment(self) -> None:
        self.subscribe("Rosa@Example.org")
        with self.captureOnCommitCallbacks(execute=True):
            actions.do_post_comment(self.submission(author_email="rosa@example.org"))
        self.assertEqual(mail.outbox, [])

    def test_reply_subscribers_hear_of_replies_to_their_comment_only(self) -> None:
        mine = self.add_comment("Mine.", author_email="me@example.org")
        other = self.add_comment("Other.")
        self.subscribe("me@example.org", comment=mine)
        self.approve(self.add_comment("To other.", parent=other, status="pending"))
        self.assertEqual(mail.outbox, [])
        self.approve(self.add_comment("To mine.", parent=mine, status="pending"))
        [message] = mail.outbox
        self.assertIn("replied to your comment", message.subject)
        self.assertIn("To mine.", message.body)

    def test_one_mail_per_address_following_both_thread_and_comment(self) -> None:
        mine = self.add_comment("Mine.", author_email="me@example.org")
        self.subscribe("me@example.org", comment=mine)
        self.subscribe("me@example.org")
        self.approve(self.add_comment("To mine.", parent=mine, status="pending"))
        [message] = mail.outbox
        self.assertIn("replied to your comment", message.subject)

    def test_approving_again_after_spam_does_not_mail_again(self) -> None:
        self.subscribe()
        comment = self.add_comment(status=Comment.Status.PENDING)
        self.approve(comment)
        with self.captureOnCommitCallbacks(execute=True):
            actions.do_mark_spam(comment, moderator=self.moderator)
            actions.do_mark_ham(comment, moderator=self.moderator)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_held_comment_approved_by_its_edits_recheck_is_mailed(self) -> None:
        self.subscribe()
        comment = self.add_comment("Held at first.", status=Comment.Status.PENDING)
        with self.captureOnCommitCallbacks(execute=True):
            actions.do_edit(comment, self.submission("Edited by staff.", editing=comment))
        self.assertEqual(comment.status, Comment.Status.APPROVED)
        self.assertIn("Edited by staff.", mail.outbox[0].body)

    def test_unconfirmed_subscribers_get_nothing(self) -> None:
        Subscription.objects.create(
            email="maybe@example.org",
            email_hash=subscriptions.email_hash("maybe@example.org"),
            thread=self.thread,
        )
        self.approve(self.add_comment(status=Comment.Status.PENDING))
        self.assertEqual(mail.outbox, [])

    @override_settings(LANGUAGE_CODE="de")
    def test_mail_is_in_the_sites_language_not_the_requests(self) -> None:
        self.subscribe()
        with time_machine.travel(datetime(2026, 10, 5, 12, tzinfo=UTC)):
            comment = self.add_comment(status=Comment.Status.PENDING)
        with translation.override("fr"):
            self.approve(comment)
        body = mail.outbox[0].body
        self.assertIn("5. Oktober 2026", body)
        self.assertNotIn("octobre", body)

    def test_subscribers_are_mailed_after_the_response_is_sent(self) -> None:
        self.subscribe()
        comment = self.add_comment(status=Comment.Status.APPROVED)
        with request_cycle():
            subscriptions.comment_approved(comment)
            self.assertEqual(mail.outbox, [])  # the approving request does not wait for SMTP
        self.assertEqual([m.to for m in mail.outbox], [["follower@example.org"]])

    def test_queries_do_not_grow_with_the_subscribers(self) -> None:
        for n in range(3):
            self.subscribe(f"f{n}@example.org")
        comment = self.add_comment(status=Comment.Status.APPROVED)
        with self.assertNumQueries(3) as few:
            subscriptions.comment_approved(comment)
        for n in range(20):
            self.subscribe(f"g{n}@example.org")
        with self.assertNumQueries(len(few.captured_queries)):
            subscriptions.comment_approved(comment)
        self.assertEqual(len(mail.outbox), 3 + 23)


class ReplySubscriptionTests(SubscriptionsTestCase):
    """The comment form's "e-mail me replies" box: confirmed once the comment is approved."""

    def test_approved_comment_sends_its_authors_confirmation_at_once(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            posted = actions.do_post_comment(self.submission(), subscribe=True)
        subscription = Subscription.objects.get()
        self.assertEqual(subscription.comment, posted.comment)
        self.assertEqual(subscription.email, "rosa@example.org")
        [message] = mail.outbox
        self.assertIn("replies to my comment", message.subject)

    def test_held_comment_sends_the_confirmation_only_when_approved(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            posted = self.post_held(self.submission(), subscribe=True)
        assert posted.comment is not None
        self.assertEqual(posted.comment.status, Comment.Status.PENDING)
        self.assertEqual(readers_mail(), [])
        self.approve(posted.comment)
        self.assertEqual([m.to for m in readers_mail()], [["rosa@example.org"]])

    def test_comment_marked_spam_never_sends_its_confirmation(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            posted = self.post_held(self.submission(), subscribe=True)
            assert posted.comment is not None
            actions.do_mark_spam(posted.comment, moderator=self.moderator)
        self.assertEqual(readers_mail(), [])

    def test_without_an_address_the_box_does_nothing(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            actions.do_post_comment(self.submission(author_email=""), subscribe=True)
        self.assertFalse(Subscription.objects.exists())

    def test_the_comment_form_offers_the_box(self) -> None:
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, 'name="notify"')


class UnsubscribeTests(SubscriptionsTestCase):
    def test_one_click_post_from_a_mail_program_unsubscribes_without_login_or_csrf(self) -> None:
        subscription = self.subscribe()
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            subscriptions.unsubscribe_url(subscription),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Subscription.objects.exists())

    def test_get_asks_first_and_all_stops_every_subscription_of_the_address(self) -> None:
        mine = self.add_comment("Mine.", author_email="me@example.org")
        subscription = self.subscribe("me@example.org")
        self.subscribe("me@example.org", comment=mine)
        self.subscribe("someone-else@example.org")
        url = subscriptions.unsubscribe_url(subscription)
        self.assertContains(self.client.get(url), "Stop all comment e-mail to this address")
        self.assertEqual(Subscription.objects.count(), 3)
        self.client.post(url, {"scope": "all"})
        self.assertEqual(
            list(Subscription.objects.values_list("email", flat=True)),
            ["someone-else@example.org"],
        )

    def test_link_used_again_says_done_and_forged_links_are_refused(self) -> None:
        url = subscriptions.unsubscribe_url(self.subscribe())
        self.client.post(url)
        self.assertContains(self.client.get(url), "no more e-mail")
        self.assertEqual(self.client.post(url + "x/").status_code, 404)
        forged = reverse("comments:unsubscribe", args=[signing.dumps({"s": 1}, salt="other")])
        self.assertEqual(self.client.post(forged).status_code, 400)

    def test_unsubscribe_links_do_not_expire(self) -> None:
        url = subscriptions.unsubscribe_url(self.subscribe())
        with time_machine.travel(timezone.now() + timedelta(days=3650)):
            self.client.post(url)
        self.assertFalse(Subscription.objects.exists())
