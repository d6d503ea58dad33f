"""Whatever arrives, the API answers without a 500: random bodies, encodings, hosts and methods."""

from __future__ import annotations

import random
from urllib.parse import quote_from_bytes

from broadsheet.antispam.tests.api_base import BLOG, ApiTestCase

PATHS = [
    "/1.1/verify-key",
    "/1.1/comment-check",
    "/1.1/submit-spam",
    "/1.1/submit-ham",
    "/1.2/usage-limit",
    "/1.2/key-sites",
    "/1.1/get-stats",
    "/1.1/get-subscription",
    "/1.1/test",
    "/1.1/deactivate",
]
NAMES = [
    "api_key",
    "key",
    "blog",
    "user_ip",
    "user_agent",
    "referrer",
    "comment_content",
    "comment_author",
    "comment_author_email",
    "comment_author_url",
    "comment_type",
    "comment_context",
    "comment_context[0]",
    "comment_context[]",
    "blog_charset",
    "blog_lang",
    "is_test",
    "user_role",
    "honeypot_field_name",
    "guid",
    "month",
    "limit",
    "offset",
    "format",
    "order",
    "filter",
    "from",
    "comment_date_gmt",
    "[",
    "=",
    "",
    "%",
    "a[b][c]",
]
CHARSETS = ["utf-8", "ISO-8859-1", "utf-16", "cp037", "big5", "nonsense", "", "UTF-7", "ascii"]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=ISO-8859-1",
    "application/x-www-form-urlencoded;charset=utf-16",
    "multipart/form-data; boundary=x",
    "application/json",
    "text/plain; charset=nonsense",
    "",
]
ANSWERS = {b"true", b"false", b"valid", b"invalid", b"connected", b"deactivated"}


class FuzzTests(ApiTestCase):
    def value(self, rng: random.Random) -> bytes:
        kind = rng.randrange(7)
        if kind == 0:
            return rng.randbytes(rng.randrange(40))
        if kind == 1:
            return self.api_key.key.encode()
        if kind == 2:
            return BLOG.encode()
        if kind == 3:
            return rng.choice(CHARSETS).encode()
        if kind == 4:
            return "".join(chr(rng.randrange(0x20, 0x2FFFF)) for _ in range(20)).encode(
                "utf-8", "surrogatepass"
            )
        if kind == 5:
            return b"%" + rng.randbytes(2) + b"%zz%E2%82%"
        return str(rng.choice([-1, 0, 1, 10**30, "2026-13", "1.5", "csv"])).encode()

    def body(self, rng: random.Random) -> bytes:
        parts = []
        for _ in range(rng.randrange(12)):
            name = rng.choice(NAMES).encode()
            raw = self.value(rng)
            encoded = quote_from_bytes(raw).encode() if rng.random() < 0.7 else raw
            parts.append(name + b"=" + encoded if rng.random() < 0.9 else name)
        separator = b"&" if rng.random() < 0.9 else rng.choice([b";", b"&&", b"\n"])
        return separator.join(parts)

    def test_random_requests_never_get_a_500(self) -> None:
        rng = random.Random(20261127)
        hosts = [
            "testserver",
            "rest.akismet.com",
            f"{self.api_key.key}.rest.akismet.com",
            "x.rest.akismet.com:80",
        ]
        valid = f"api_key={self.api_key.key}&blog={BLOG}&user_ip=192.0.2.1&".encode()
        answered = 0
        for n in range(400):
            path = rng.choice(PATHS) if rng.random() < 0.6 else "/1.1/comment-check"
            method = rng.choice(["POST", "POST", "POST", "GET", "PUT", "HEAD"])
            body = self.body(rng)
            if rng.random() < 0.5:  # past the key and blog checks, into the engine
                body = valid + body
            query = self.body(rng).decode("latin-1") if rng.random() < 0.3 else ""
            response = self.client.generic(
                method,
                path + (f"?{query}" if query else ""),
                body,
                content_type=rng.choice(CONTENT_TYPES),
                HTTP_HOST=rng.choice(hosts),
            )
            context = f"#{n} {method} {path} {body[:200]!r}"
            self.assertIn(response.status_code, {200, 400, 404, 405, 413}, context)
            if response.status_code == 200 and response["Content-Type"].startswith("text/plain"):
                ok = response.content in ANSWERS or response.content.startswith(b"Missing required")
                self.assertTrue(ok or response.content.startswith(b"Thanks"), context)
                if response.content == b"invalid":
                    self.assertIn("X-akismet-debug-help", response, context)
                answered += response.content in {b"true", b"false"}
        self.assertGreater(answered, 20)  # the fuzz reached the engine, not only the key check
