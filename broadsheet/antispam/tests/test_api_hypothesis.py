"""The Akismet API under Hypothesis: any fields, values, encodings, hosts and methods get one
of Akismet's answers or a 4xx, never a server error.

test_api_fuzz.py sends a fixed-seed random stream; this generates structured requests and,
when one fails, shrinks it to the smallest that still does.
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from broadsheet.antispam import store
from broadsheet.antispam.akismet import keys
from broadsheet.antispam.tests.api_base import BLOG, ApiTestCase
from broadsheet.antispam.tests.test_api_fuzz import ANSWERS, CHARSETS, CONTENT_TYPES, NAMES, PATHS

KEY = b"<the blog's key>"  # replaced in the test: the key is made with the test data
# Any Unicode (lone surrogates and NUL included), raw bytes, and values the API gives meaning.
values = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=200).map(
        lambda value: value.encode("utf-8", "surrogatepass")
    ),
    st.binary(max_size=100),
    st.sampled_from([KEY, BLOG.encode(), b"192.0.2.1", b"true", b"1", b"-1", b"9" * 30]),
    st.sampled_from(CHARSETS).map(str.encode),
)
# (name, value, percent-encoded or sent raw)
fields = st.lists(
    st.tuples(st.sampled_from(NAMES).map(str.encode), values, st.booleans()), max_size=10
)


class HypothesisApiTests(HypothesisTestCase, ApiTestCase):
    def setup_example(self) -> None:
        super().setup_example()
        store.reset()  # the engine's per-process caches must not outlive an example's rollback
        keys.forget()

    @settings(
        max_examples=80,
        deadline=None,  # the database and the engine's first model load set the pace
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example],
    )
    @given(
        # Mostly comment checks posted as Akismet clients do: most examples reach the engine.
        path=st.one_of(st.just("/1.1/comment-check"), st.sampled_from(PATHS)),
        method=st.sampled_from(["POST"] * 6 + ["GET", "PUT", "HEAD"]),
        keyed=st.sampled_from([True, True, False]),
        big=st.sampled_from([False] * 7 + [True]),
        sent=fields,
        content_type=st.sampled_from([CONTENT_TYPES[0]] * 4 + CONTENT_TYPES),
        host=st.sampled_from(["testserver", "rest.akismet.com", "KEY.rest.akismet.com"]),
    )
    def test_any_request_gets_an_akismet_answer_or_a_4xx(
        self,
        path: str,
        method: str,
        keyed: bool,
        big: bool,
        sent: list[tuple[bytes, bytes, bool]],
        content_type: str,
        host: str,
    ) -> None:
        key = self.api_key.key.encode()
        parts = []
        for name, value, quoted in sent:
            value = value.replace(KEY, key)
            parts.append(name + b"=" + (quote_from_bytes(value).encode() if quoted else value))
        if big:
            parts.append(b"comment_content=" + b"%F0%9F%92%A5" * 6000)  # over the 64 KiB limit
        if (
            keyed
        ):  # a good key and blog last (the last value counts): the garbage reaches the engine
            parts += [b"api_key=" + key, b"blog=" + BLOG.encode(), b"user_ip=192.0.2.1"]
        body = b"&".join(parts)
        response = self.client.generic(
            method,
            path,
            body,
            content_type=content_type,
            HTTP_HOST=host.replace("KEY", self.api_key.key),
        )
        event(f"HTTP {response.status_code} {response.content[:20]!r}")
        context = f"{method} {path} {content_type!r} {body[:300]!r}"
        self.assertIn(response.status_code, {200, 400, 404, 405, 413}, context)
        if response.status_code == 200 and response["Content-Type"].startswith("text/plain"):
            plain = response.content in ANSWERS or response.content.startswith(b"Thanks")
            self.assertTrue(plain or response.content.startswith(b"Missing required"), context)
