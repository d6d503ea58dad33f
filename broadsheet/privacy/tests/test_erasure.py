"""Erasure reaches every store: afterwards the database holds none of the person's identifiers
(spec B-9, B-11), on SQLite and PostgreSQL alike, and a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import TransactionTestCase
from django.utils import timezone

from broadsheet.antispam.models import Reputation
from broadsheet.articles.models import Article, Section
from broadsheet.comments.models import Comment, Subscription, Thread, Webhook, WebhookDelivery
from broadsheet.comments.tests.base import site_hash
from broadsheet.comments.webhooks import payload
from broadsheet.privacy.actions import do_staff_request
from broadsheet.privacy.inventory import DELETED, Person
from broadsheet.privacy.keys import ip_hash
from broadsheet.privacy.people import erase_data
from broadsheet.privacy.tests.base import ROSA, PrivacyTestCase, database_dump

NAME = "Rosa Jones"
IDENTIFIERS = [ROSA, NAME, "203.0.113.57", "203.0.113.0", "rosa.example.net"]


class WholeDatabaseErasureTests(TransactionTestCase):
    """Committed rows, so that pg_dump (a separate process) sees them on PostgreSQL."""

    def setUp(self) -> None:
        cache.clear()
        section = Section.objects.create(name="Town", slug="town")
        self.article = Article.objects.create(
            title="Bridge reopens",
            slug="bridge-reopens",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(hours=1),
        )
        self.thread = Thread.objects.create(article=self.article)
        staff = get_user_model().objects.create_user("staff", "staff@example.org", is_staff=True)
        mine = {
            "author_name": NAME,
            "author_email": ROSA,
            "email_hash": site_hash(ROSA),
            "author_url": "https://rosa.example.net/",
            "ip_network": "203.0.113.0/24",
            "ip_hash": ip_hash("203.0.113.57"),
            "user_agent_family": "Firefox",
            "moderation_reasons": [f"first comment from {ROSA}"],
        }
        approved = Comment.objects.create(
            thread=self.thread, content="The bridge looks fine.", status="approved", **mine
        )
        Comment.objects.create(thread=self.thread, content="Held.", status="pending", **mine)
        Comment.objects.create(thread=self.thread, content="Spammy.", status="spam", **mine)
        Comment.objects.create(
            thread=self.thread,
            parent=approved,
            content="I agree with you.",
            status="approved",
            author_name="Ann Other",
            author_email="ann@example.org",
        )
        Thread.objects.filter(pk=self.thread.pk).update(approved_count=2)
        Subscription.objects.create(email=ROSA, email_hash=site_hash(ROSA), thread=self.thread)
        hook = Webhook.objects.create(name="CRM", url="https://crm.example.com/", events=[])
        WebhookDelivery.objects.create(
            webhook=hook, event="comment.posted", body=payload("comment.posted", approved)
        )
        LogEntry.objects.create(
            user=staff,
            content_type=ContentType.objects.get_for_model(Comment),
            object_id=str(approved.pk),
            object_repr=str(approved),
            action_flag=CHANGE,
            change_message="[]",
        )
        Reputation.objects.create(site="local", kind="email", key=site_hash(ROSA), ham=1)
        self._check_log()
        do_staff_request(email=ROSA, kind="export", actor=None, source="command")

    def _check_log(self) -> None:
        try:
            check_log = apps.get_model("antispam", "CheckLog")
            api_key = apps.get_model("antispam", "ApiKey")
        except LookupError:  # the Akismet-compatible API has not landed in this tree
            return
        key = api_key.objects.create(blogs="https://blog.example.com/")
        fields = {"comment_author": NAME, "comment_author_email": ROSA, "user_ip": "203.0.113.57"}
        check_log.objects.create(
            key=key,
            call="check",
            blog="blog.example.com",
            email_hash=site_hash(ROSA),
            fields=fields,
        )

    def test_after_erasure_the_dump_holds_none_of_her_identifiers(self) -> None:
        page = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertIn(NAME, page)  # and now the thread's rendering is cached
        before = database_dump()
        for identifier in IDENTIFIERS:
            self.assertIn(identifier, before)

        outcome = do_staff_request(email=ROSA, kind="erase", actor=None, source="command")

        dump = database_dump()
        for identifier in IDENTIFIERS:
            with self.subTest(identifier=identifier):
                self.assertNotIn(identifier, dump)
        self.assertIn("Ann Other", dump)  # other people's data is untouched
        self.assertIn("The bridge looks fine.", dump)  # her text stays by default
        page = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertNotIn(NAME, page)  # the cached thread was purged
        self.assertIn("Anonymous", page)
        self.assertEqual(Comment.objects.filter(author_name="Anonymous").count(), 3)
        self.assertEqual(Subscription.objects.count(), 0)
        retained = {item["store"] for item in outcome.request.outcome["retained"]}
        self.assertIn("privacy.PrivacyRequest", retained)
        self.assertIn("antispam.Feedback", retained)

        again = erase_data(Person(ROSA), replace_content=False)
        self.assertEqual(set(again["erased"].values()), {0})
        self.assertEqual(database_dump(), dump)

    def test_erasure_may_replace_the_text_too(self) -> None:
        do_staff_request(
            email=ROSA, kind="erase", actor=None, source="command", replace_content=True
        )
        texts = set(
            Comment.objects.exclude(author_name="Ann Other").values_list("content", flat=True)
        )
        self.assertEqual(texts, {DELETED})
        self.assertEqual(
            Comment.objects.filter(author_name="Ann Other").get().parent.content, DELETED
        )


class ErasureDetailsTests(PrivacyTestCase):
    def test_erasure_touches_no_one_else(self) -> None:
        self.rosa_comment()
        ann = self.add_comment("Mine.", author_name="Ann", author_email="ann@example.org")
        erase_data(Person(ROSA), replace_content=False)
        ann.refresh_from_db()
        self.assertEqual((ann.author_name, ann.author_email), ("Ann", "ann@example.org"))

    def test_stored_export_files_of_the_address_are_deleted(self) -> None:
        from broadsheet.privacy.models import ExportFile, PrivacyRequest

        request = PrivacyRequest.objects.create(
            kind="export", source="reader", email_hash=site_hash(ROSA), status="completed"
        )
        ExportFile.objects.create(request=request, token_hash="x", content=f'"{ROSA}"')
        outcome = erase_data(Person(ROSA), replace_content=False)
        self.assertEqual(ExportFile.objects.count(), 0)
        self.assertEqual(outcome["erased"]["privacy.ExportFile"], 1)
