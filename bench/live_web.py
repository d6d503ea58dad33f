"""Heartbeat ingest over HTTP: POST /live/beat at 32 connections, as a share of /healthz.

    .venv/bin/python bench/live_web.py [--stores sqlite,redis,memory] [--workers 2]
        [--duration 10] [--connections 32] [--redis redis://127.0.0.1:6379/10]

For each store, starts `broadsheet serve` (bench/web.py's server()), measures /healthz and
then beats with wrk in the same run, and prints req/s, p50, p99, errors and the ratio
(goal >= 0.8). Every request is a new visitor (the User-Agent carries a counter), so each
beat is stored, never turned away by the one-beat-per-15-s rule. On Redis, as on the site,
each worker holds its beats and sends them every 0.5 s (broadsheet/live/buffer.py).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web import DEMO_ARTICLE, Result, Workload, run_wrk, server

# Beats as live.js sends them: JSON with no Content-Type. Each wrk thread builds its requests
# once (a new visitor each, by User-Agent) and cycles through them: formatting a request per
# call in Lua costs wrk, on the same two cores, more than the server spends on a beat.
# 50,000 per thread outlast the 15 s repeat rule.
BEATER = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  reqs, n = {}, 0
  for i = 1, 50000 do
    reqs[i] = wrk.format("POST", "/live/beat", {
      ["Origin"] = "%(base)s",
      ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131." .. tid .. "." .. i,
    }, '{"article_id": %(article)d}')
  end
end
request = function()
  n = n %% 50000 + 1
  return reqs[n]
end
"""


def beater(base: str) -> str:
    with urllib.request.urlopen(f"{base}{DEMO_ARTICLE}") as response:
        page = response.read().decode()
    article = int(re.search(r'data-article="(\d+)"', page).group(1))  # type: ignore[union-attr]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(BEATER % {"base": base, "article": article})
    return script.name


def run(store: str, workers: int, args: argparse.Namespace) -> tuple[Result, Result]:
    env = {"BROADSHEET_LIVE_BACKEND": store, "BROADSHEET_LIVE_REDIS_URL": args.redis}
    if store == "redis":
        import redis

        redis.Redis.from_url(args.redis).flushdb()
    with server(workers, Workload(DEMO_ARTICLE, env=env)) as base:
        script = beater(base)
        try:
            run_wrk(f"{base}/live/beat", 2, args.connections, script)  # warm up
            # /healthz before and after the beats: this VM drifts by up to 20 % within a minute.
            before = run_wrk(f"{base}/healthz", args.duration, args.connections)
            beats = run_wrk(f"{base}/live/beat", args.duration, args.connections, script)
            after = run_wrk(f"{base}/healthz", args.duration, args.connections)
        finally:
            os.unlink(script)
    ceiling = Result(
        path="/healthz (mean)",
        requests_per_second=(before.requests_per_second + after.requests_per_second) / 2,
        p50_ms=(before.p50_ms + after.p50_ms) / 2,
        p99_ms=max(before.p99_ms, after.p99_ms),
        errors=before.errors + after.errors,
    )
    return ceiling, beats


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--stores", default="sqlite,redis,memory")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/10")
    args = parser.parse_args()
    print(
        f"wrk: {args.connections} connections, {args.duration} s each, "
        f"gunicorn with {args.workers} sync workers, SQLite site database"
    )
    print(f"{'store':<8} {'path':<16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for store in args.stores.split(","):
        ceiling, beats = run(store, args.workers, args)
        for row in (ceiling, beats):
            print(
                f"{store:<8} {row.path:<16} {row.requests_per_second:>9.1f} "
                f"{row.p50_ms:>8.2f} {row.p99_ms:>8.2f} {row.errors:>7}"
            )
        ratio = beats.requests_per_second / ceiling.requests_per_second
        per_core = beats.requests_per_second / args.workers
        print(
            f"{store:<8} beats: {ratio:.2f} of /healthz (goal >= 0.8), {per_core:,.0f}/s per worker"
        )


if __name__ == "__main__":
    main()
