"""What the live tests share: beats sent the way the script sends them."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.test import override_settings

from broadsheet.live import readers, samples
from broadsheet.test import BaseTestCase

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
SITE = "http://testserver"


@override_settings(LIVE_BACKEND="memory", LIVE_CACHE_SECONDS=0, LIVE_MIN_READERS=3)
class LiveTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        readers.forget()
        samples.forget()
        self.addCleanup(readers.forget)

    def beat(
        self,
        body: dict[str, Any] | str,
        *,
        ip: str = "203.0.113.7",
        user_agent: str = BROWSER,
        origin: str | None = SITE,
    ) -> HttpResponse:
        headers = {"User-Agent": user_agent, **({"Origin": origin} if origin else {})}
        return self.client.post(  # type: ignore[return-value]
            "/live/beat",
            body if isinstance(body, str) else json.dumps(body),
            content_type="text/plain;charset=UTF-8",
            headers=headers,
            REMOTE_ADDR=ip,
        )

    def readers_of(self, article_id: int, count: int, *, first_ip: int = 1) -> None:
        """``count`` different people beat for the article."""
        for n in range(first_ip, first_ip + count):
            response = self.beat({"article_id": article_id}, ip=f"198.51.100.{n}")
            self.assertEqual(response.status_code, 204)

    def top_titles(self, page: str = "/elsewhere/") -> list[str]:
        """The articles listed for their readers (not the fallback to the latest ones)."""
        response = self.client.get("/live/top.json", {"page": page})
        self.assertEqual(response.status_code, 200)
        if response.json()["latest"]:
            return []
        html = response.json()["html"]
        return [line.split(">")[1].split("<")[0] for line in html.split("<li>")[1:]]
