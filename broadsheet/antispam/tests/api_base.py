"""What the Akismet API's tests share: a key for one blog, and calls through the test client."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse

from broadsheet.antispam import store
from broadsheet.antispam.akismet import keys
from broadsheet.antispam.models import ApiKey
from broadsheet.test import BaseTestCase

BLOG = "http://blog.example.test/"
FORM = "application/x-www-form-urlencoded"
ORDINARY = (
    "I went to the council meeting last night and the figures for the new tram line do not add "
    "up. Nobody could explain why the depot has to be rebuilt from scratch."
)


class ApiTestCase(BaseTestCase):
    api_key: ApiKey

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.api_key = ApiKey.objects.create(blogs=BLOG, name="Blog")

    def setUp(self) -> None:
        super().setUp()
        store.reset()  # per-process caches must not outlive each test's rolled-back database
        keys.forget()

    def call(
        self,
        path: str,
        data: dict[str, Any] | None = None,
        *,
        method: str = "POST",
        raw: bytes | str | None = None,
        content_type: str = FORM,
        **headers: str,
    ) -> HttpResponse:
        body = raw if raw is not None else urlencode(data or {}, doseq=True)
        if method == "GET":
            query = f"?{body}" if body else ""
            response: HttpResponse = self.client.get(path + query, **headers)  # type: ignore[assignment]
            return response
        return self.client.generic(method, path, body, content_type=content_type, **headers)  # type: ignore[return-value]

    def comment(self, **fields: Any) -> dict[str, Any]:
        data = {
            "api_key": self.api_key.key,
            "blog": BLOG,
            "user_ip": "192.0.2.10",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "comment_type": "comment",
            "comment_author": "Marta Kowalska",
            "comment_author_email": "marta.k@mail.example",
            "comment_content": ORDINARY,
        }
        data.update(fields)
        return {k: v for k, v in data.items() if v is not None}

    def check(self, **fields: Any) -> HttpResponse:
        return self.call("/1.1/comment-check", self.comment(**fields))

    def assertAnswer(
        self, response: HttpResponse, body: str, headers: dict[str, str] | None = None
    ) -> None:
        """Exactly this body, status 200, text/plain UTF-8, and these Akismet headers only."""
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content.decode(), body)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        akismet = {k.lower(): v for k, v in response.items() if k.lower().startswith("x-akismet")}
        expected = {k.lower(): v for k, v in (headers or {}).items()}
        if "x-akismet-guid" in expected and expected["x-akismet-guid"] == "*":
            self.assertRegex(akismet.get("x-akismet-guid", ""), r"^[0-9a-f]{32}$")
            expected["x-akismet-guid"] = akismet.get("x-akismet-guid", "")
        self.assertEqual(akismet, expected)
        self.assertNotIn("Set-Cookie", response)
