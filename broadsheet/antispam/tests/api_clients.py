"""Real Akismet clients pointed at a live `broadsheet serve` (spec §8), for tests and benches."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import akismet
import httpx
import numpy as np

from broadsheet.antispam import corpus, metrics
from broadsheet.test import served

BLOG = "http://blog.example.test/"
BROADSHEET = [sys.executable, "-m", "broadsheet"]


class RedirectTransport(httpx.BaseTransport):
    """Send every request to `base`, keeping path and query (the clients' URLs are absolute).
    With keep_host, Host stays rest.akismet.com, as from a WordPress site pointed here."""

    def __init__(self, base: str, *, keep_host: bool = False) -> None:
        self._base = httpx.URL(base)
        self._keep_host = keep_host
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._base.scheme, host=self._base.host, port=self._base.port
        )
        if not self._keep_host:
            request.headers["Host"] = self._base.netloc.decode()
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class AsyncRedirectTransport(httpx.AsyncBaseTransport):
    def __init__(self, base: str) -> None:
        self._base = httpx.URL(base)
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._base.scheme, host=self._base.host, port=self._base.port
        )
        request.headers["Host"] = self._base.netloc.decode()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def http_client(base: str, *, keep_host: bool = False, **options: Any) -> httpx.Client:
    return httpx.Client(
        transport=RedirectTransport(base, keep_host=keep_host),
        headers={"User-Agent": akismet.USER_AGENT},
        timeout=10.0,
        **options,
    )


def sync_client(base: str, key: str, **options: Any) -> akismet.SyncClient:
    config = akismet.Config(key=key, url=BLOG)
    return akismet.SyncClient(config=config, http_client=http_client(base, **options))


def async_client(base: str, key: str) -> akismet.AsyncClient:
    transport = AsyncRedirectTransport(base)
    client = httpx.AsyncClient(
        transport=transport, headers={"User-Agent": akismet.USER_AGENT}, timeout=10.0
    )
    return akismet.AsyncClient(config=akismet.Config(key=key, url=BLOG), http_client=client)


def create_key(env: dict[str, str], blog: str = BLOG) -> str:
    """A key made the way an administrator makes one: the command's last line."""
    result = subprocess.run(
        [*BROADSHEET, "akismet", "keys", "create", "--site", blog],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@contextmanager
def api_server(data_dir: Path, **settings: str) -> Iterator[tuple[str, str, dict[str, str]]]:
    """`broadsheet serve` on a fresh SQLite data folder; yields its URL, a key and the env."""
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(data_dir), **settings}
    env.pop("DATABASE_URL", None)
    with served(env, migrate=True) as base:
        yield base, create_key(env), env


def row_fields(row: corpus.Row, n: int) -> tuple[str, dict[str, Any]]:
    """A corpus row as the client's arguments: its own address in its own /24 network, so no
    two rows share an IP or network reputation (the corpora have no addresses)."""
    ip = f"{10 + n // 65536}.{n // 256 % 256}.{n % 256}.7"
    names = akismet.AkismetArguments.__optional_keys__
    return ip, {k: str(v) for k, v in row.fields.items() if k in names and v not in (None, "")}


def learn_and_check(client: akismet.SyncClient, rows: list[corpus.Row]) -> dict[str, Any]:
    """A site's moderators label the first 70% of each class (file order) with submit-spam and
    submit-ham, then the rest is checked; returns the figures `spam evaluate` reports."""
    train, test = corpus.published_split(rows)
    number = {id(row): n for n, row in enumerate(rows)}
    for row in train:
        ip, fields = row_fields(row, number[id(row)])
        assert (client.submit_spam if row.spam else client.submit_ham)(ip, **fields)
    verdicts = []
    for row in test:
        ip, fields = row_fields(row, number[id(row)])
        verdicts.append(client.comment_check(ip, **fields))
    y = np.array([row.spam for row in test], dtype=bool)
    pred = np.array([v != akismet.CheckResponse.HAM for v in verdicts], dtype=bool)
    figures = metrics.report(y, pred, pred.astype(float))
    figures["discarded_ham"] = int(
        sum(
            v == akismet.CheckResponse.DISCARD and not row.spam
            for v, row in zip(verdicts, test, strict=True)
        )
    )
    return figures


def evaluate_warm(env: dict[str, str], data: Path) -> dict[str, Any]:
    """`broadsheet spam evaluate --mode warm --json` on the same database (a throwaway site)."""
    result = subprocess.run(
        [*BROADSHEET, "spam", "evaluate", "--data", str(data), "--mode", "warm", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures
