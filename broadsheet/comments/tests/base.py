"""What the comments tests share: threads, comments and valid form posts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.comments.forms import TOKEN_SALT
from broadsheet.comments.models import Comment, Thread
from broadsheet.comments.pipeline import Submission
from broadsheet.lib.ip import keyed_hash
from broadsheet.test import BaseTestCase


def form_token(seconds_ago: float = 10) -> str:
    issued = timezone.now() - timedelta(seconds=seconds_ago)
    return signing.dumps({"at": issued.timestamp()}, salt=TOKEN_SALT)


def site_hash(email: str) -> str:
    """The e-mail hash the site itself stores for ``email``."""
    return keyed_hash(email, key=settings.SECRET_KEY, purpose="email")


class CommentsTestCase(BaseTestCase):
    article: Article
    thread: Thread

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.article = Article.objects.create(
            title="Bridge reopens",
            slug="bridge-reopens",
            section=cls.section,
            summary="The bridge is open.",
            body="It reopened.",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(hours=1),
        )
        cls.thread = Thread.objects.create(article=cls.article)

    def submission(self, content: str = "A thoughtful remark.", **fields: Any) -> Submission:
        """What the pipeline and do_post_comment take: a guest's comment, 20 s after the form."""
        now = timezone.now()
        email = fields.pop("author_email", "rosa@example.org")
        values: dict[str, Any] = {
            "thread": self.thread,
            "content": content,
            "author_name": "Rosa",
            "author_email": email,
            "author_url": "",
            "parent": None,
            "ip": "198.51.100.7",
            "ip_hash": keyed_hash("198.51.100.7", key="test", purpose="ip"),
            "email_hash": keyed_hash(email, key="test", purpose="email") if email else "",
            "user_agent": "Mozilla/5.0 Firefox/140.0",
            "referrer": "",
            "now": now,
            "form_issued_at": now - timedelta(seconds=20),
        }
        values.update(fields)
        return Submission(**values)

    def add_comment(self, content: str = "A fair point.", **fields: Any) -> Comment:
        """A comment stored directly, approved unless the fields say otherwise."""
        email = fields.pop("author_email", "someone@example.org")
        defaults: dict[str, Any] = {
            "thread": self.thread,
            "author_name": "Someone",
            "author_email": email,
            "email_hash": keyed_hash(email, key="test", purpose="email") if email else "",
            "status": Comment.Status.APPROVED,
            "ip_network": "198.51.100.0/24",
        }
        defaults.update(fields)
        comment = Comment.objects.create(content=content, **defaults)
        approved = Comment.objects.filter(thread=comment.thread, status=Comment.Status.APPROVED)
        Thread.objects.filter(pk=comment.thread_id).update(
            approved_count=approved.count(), version=F("version") + 1
        )
        return comment

    def post_comment(
        self, content: str = "I walked over it this morning.", **fields: Any
    ) -> HttpResponse:
        data: dict[str, Any] = {
            "content": content,
            "name": "Rosa Jones",
            "email": "rosa@example.org",
            "url": "",
            "token": form_token(),
            "homepage": "",
        }
        data.update(fields)
        # Browsers name the page a form was sent from; guests' posts need it to be this site.
        extra = {"HTTP_ORIGIN": "http://testserver", **data.pop("extra", {})}
        return self.client.post(  # type: ignore[return-value]
            reverse("comments:post", args=[self.article.pk]), data, **extra
        )
