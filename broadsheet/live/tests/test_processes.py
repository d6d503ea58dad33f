"""Counts are global across server processes (spec A-12; issue 6, "Done when" 3).

Two `broadsheet serve` processes on one data folder, each with one worker; beats go to them
in turn; both must then report the same top list. Runs on Redis (several hosts) and on the
SQLite store (several workers on one host, the default without Redis). On Redis each worker
sends its beats twice a second, so the lists agree within a second, not at once.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

from broadsheet.live.tests.conftest import TEST_REDIS_URL, redis_client
from broadsheet.test import served

BROADSHEET = [sys.executable, "-m", "broadsheet"]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0.{} Safari/537.36"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode())


def beat(base: str, article_id: int, visitor: int) -> int:
    request = urllib.request.Request(
        f"{base}/live/beat",
        data=f'{{"article_id": {article_id}}}'.encode(),
        headers={"Origin": base, "User-Agent": BROWSER.format(visitor)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return int(response.status)


@pytest.mark.parametrize("store", ["redis", "sqlite"])
def test_two_server_processes_report_the_same_top_list(store: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BROADSHEET_DATA_DIR": str(tmp_path),
        "BROADSHEET_LIVE_BACKEND": store,
        "BROADSHEET_LIVE_REDIS_URL": TEST_REDIS_URL,
        "BROADSHEET_LIVE_CACHE_SECONDS": "0",
        "BROADSHEET_LIVE_MIN_READERS": "2",
    }
    env.pop("DATABASE_URL", None)
    if store == "redis":
        redis_client().flushdb()
    subprocess.run([*BROADSHEET, "demo", "--load-only"], env=env, check=True, capture_output=True)
    with ExitStack() as stack:
        bases = [stack.enter_context(served(env)) for _ in range(2)]
        slugs = list(dict.fromkeys(re.findall(r'href="(/articles/[^/"]+/)"', get(bases[0]))))
        ids = [
            int(re.findall(r'data-article="(\d+)"', get(bases[0] + slug))[0]) for slug in slugs[:4]
        ]
        # Article n gets 5 - n readers; each reader's beats alternate between the servers.
        visitor = 0
        for rank, article_id in enumerate(ids):
            for _ in range(5 - rank):
                visitor += 1
                assert beat(bases[visitor % 2], article_id, visitor) == 204
        deadline = time.monotonic() + 3
        while True:
            lists = [get(f"{base}/live/top.json?page=/") for base in bases]
            if lists[0] == lists[1] and lists[0].count("<li>") == 4:
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert lists[0] == lists[1]
    assert lists[0].count("<li>") == 4  # 5, 4, 3 and 2 readers: all at least k = 2
    if store == "redis":
        redis_client().flushdb()
