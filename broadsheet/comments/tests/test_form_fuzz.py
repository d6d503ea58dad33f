"""Whatever a client sends to the comment form, the answer is a redirect to the stored comment
or a 4xx that says why: never a server error.

Hypothesis writes the bodies: any Unicode (lone surrogates, NUL and other controls, right-to-
left marks), bytes that are not UTF-8, values too long for their columns, huge bodies, fields
missing, repeated or unknown, odd content types and origins. Each example runs in its own
rolled-back transaction.
"""

from __future__ import annotations

import json
from urllib.parse import quote_from_bytes

from django.conf import settings as django_settings
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from broadsheet.comments.models import Comment
from broadsheet.comments.tests.base import CommentsTestCase, form_token

FORM = "application/x-www-form-urlencoded"
LATIN_1 = f"{FORM}; charset=ISO-8859-1"
# Every answer the form may give (rate limits are lifted below): 302 to the comment, 400 form
# errors or a refusal (also for a body too big to read), 403 not from this site.
ANSWERS = {302, 400, 403}
TOKEN = b"<a form time from ten seconds ago>"  # made in the test: it must be fresh
VALID = {
    "content": b"A fair point about the bridge.",
    "name": b"Rosa",
    "email": b"",
    "url": b"",
    "remember": b"",
    "notify": b"",
    "parent": b"",
    "token": TOKEN,
    "homepage": b"",
}

# Text as a browser would send it, and text no browser would: surrogates and raw bytes.
text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
special = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u202e\u2066",
        "\ufeff\ufffe\uffff",
        "javascript:alert(1)",
        "https://example.org/" + "a" * 400,
        "0",
        "-1",
        "9" * 40,
        "1e309",
        "on",
        "x@example.org",
        "@",
        "<script>alert(1)</script>",
    ]
)
huge = st.builds(
    lambda char, size: char * size, st.characters(), st.sampled_from([5001, 70_000, 250_000])
)


def encoded(value: str | bytes) -> bytes:
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return quote_from_bytes(raw).encode()


garbage = st.one_of(text, special, huge, st.binary(max_size=200)).map(encoded)


# A few fields garbled or left out (None), the others good: so that many posts get through
# the form into the pipeline with the garbage in them.
broken = st.dictionaries(st.sampled_from(list(VALID)), st.one_of(garbage, st.none()), max_size=4)
# Fields sent again after the others (the last one counts), or not the form's at all.
extras = st.lists(
    st.tuples(st.sampled_from([*VALID, "", "content[]", "=", "%ff"]).map(str.encode), garbage),
    max_size=3,
)
content_types = st.sampled_from([FORM, FORM, LATIN_1, f"{FORM}; charset=nonsense", "text/plain"])
origins = st.sampled_from(
    ["http://testserver", "http://testserver", "https://elsewhere.example", ""]
)


def unreadable(body: bytes, content_type: str) -> bool:
    """A form body Django refuses to read: in a known charset other than UTF-8, or too big.
    (A body of another type is not read as a form at all: the form is then empty.)"""
    too_big = len(body) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return content_type == LATIN_1 or (content_type.startswith(FORM) and too_big)


# deadline=None: each example writes to the database and runs the spam filter, whose time
# depends on the machine's load; the count keeps each run to a few seconds.
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example],
)


@override_settings(
    COMMENTS_RATE_PER_IP=10_000, COMMENTS_RATE_PER_EMAIL=10_000, COMMENTS_RATE_PER_THREAD=10_000
)
class FormFuzzTests(HypothesisTestCase, CommentsTestCase):
    @EXAMPLES
    @given(
        changes=broken,
        extra=extras,
        content_type=content_types,
        origin=origins,
        signed_in=st.booleans(),
    )
    def test_any_post_gets_a_redirect_or_a_4xx(
        self,
        changes: dict[str, bytes | None],
        extra: list[tuple[bytes, bytes]],
        content_type: str,
        origin: str,
        signed_in: bool,
    ) -> None:
        token = quote_from_bytes(form_token(seconds_ago=10).encode()).encode()
        fields = {**VALID, **changes}
        pairs = [(name.encode(), value) for name, value in fields.items() if value is not None]
        body = b"&".join(name + b"=" + value.replace(TOKEN, token) for name, value in pairs + extra)
        if signed_in:
            self.client.force_login(self.reader)
        response = self.client.generic(
            "POST",
            reverse("comments:post", args=[self.article.pk]),
            body,
            content_type=content_type,
            HTTP_ORIGIN=origin,
        )
        event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics shows the mix
        sent = f"{content_type=} {origin=} {signed_in=} {body[:300]!r}"
        self.assertIn(response.status_code, ANSWERS, sent)
        if response.status_code == 302:
            comment = Comment.objects.latest("pk")
            self.assertEqual(
                response["Location"], f"{self.article.get_absolute_url()}#comment-{comment.pk}"
            )
            self.assertNotIn("\x00", comment.content + comment.author_name)
        elif unreadable(body, content_type):
            self.assertEqual(response.status_code, 400, sent)  # Django's own, before the view
        else:  # the article again, with the reader's text and what was wrong
            self.assertContains(response, 'id="respond"', status_code=response.status_code)


PARTNER = "https://partner.example"
API_FIELDS = ["uri", "title", "content", "name", "email", "website", "token", "homepage"]
API_FIELDS += ["notify", "parent", "not-a-field"]
# Mostly strings, as the fields are (lone surrogates, which are valid JSON escapes, and NUL
# included), and JSON values of every other kind.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
json_values = st.one_of(
    any_text,
    any_text,
    special,
    huge,
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=5,
    ),
)


@override_settings(
    COMMENTS_RATE_PER_IP=10_000,
    COMMENTS_RATE_PER_EMAIL=10_000,
    COMMENTS_RATE_PER_THREAD=10_000,
    EMBED_ORIGINS=[PARTNER],
)
class ApiPostFuzzTests(HypothesisTestCase, CommentsTestCase):
    """POST /api/comments past the schema, which the schemathesis test mostly stays in front of:
    a fresh token and a real page, with a few fields garbled."""

    @EXAMPLES
    @given(
        changes=st.dictionaries(
            st.sampled_from(API_FIELDS),
            json_values,
            max_size=3,
        ),
        page=st.sampled_from(["article", "partner"]),
        raw=st.one_of(st.none(), st.none(), st.none(), st.binary(max_size=100)),  # not JSON
    )
    def test_any_post_gets_a_comment_or_a_4xx(
        self, changes: dict[str, object], page: str, raw: bytes | None
    ) -> None:
        uri = self.article.get_absolute_url() if page == "article" else f"{PARTNER}/post/1/"
        fields = {
            "uri": uri,
            "title": "A post",
            "content": "A fair point about the bridge.",
            "name": "Rosa",
            "token": form_token(seconds_ago=10),
        }
        body = json.dumps({**fields, **changes}).encode() if raw is None else raw
        response = self.client.post(
            "/api/comments", body, content_type="application/json", HTTP_ORIGIN=PARTNER
        )
        event(f"HTTP {response.status_code}")
        self.assertIn(response.status_code, {201, 400, 403, 404, 422, 429}, body[:300])
        if len(body) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            self.assertEqual(response.status_code, 400)  # Django's own, before the API
            return
        self.assertTrue(response["Content-Type"].startswith("application/json"), body[:300])
        if response.status_code == 201:
            stored = Comment.objects.get(pk=response.json()["comment"]["id"])
            self.assertNotIn("\x00", stored.content + stored.author_name)
