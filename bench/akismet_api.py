"""Akismet comment-check over HTTP at 32 connections, as a share of /healthz in the same run.

    .venv/bin/python bench/akismet_api.py [--workers 2] [--duration 10] [--connections 32]

Starts `broadsheet serve` on a fresh SQLite data folder with one API key, then measures with wrk
/healthz, POST /1.1/comment-check and /healthz again. Every check is a different comment (words
drawn at random, its own author and address) and not a test call, so each one runs the whole
path: key, engine, campaign look-up, usage counter and call log. Goals: >= 0.7 of /healthz,
p99 <= 20 ms.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web import BROADSHEET, VOCABULARY, Result, create_akismet_key, run_wrk, serving

BLOG = "http://blog.example.test/"

# Each wrk thread builds its requests once and cycles through them: formatting a request per
# call in Lua costs wrk, on the same two cores, more than it costs the server.
CHECKER = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
words = {%(words)s}
function init(args)
  math.randomseed(tid * 7919)
  reqs, n = {}, 0
  for i = 1, 5000 do
    local text = {}
    for j = 1, math.random(12, 40) do text[j] = words[math.random(#words)] end
    local body = "api_key=%(key)s&blog=http%%3A%%2F%%2Fblog.example.test%%2F"
      .. "&user_ip=10." .. tid .. "." .. (i %% 250) .. "." .. (i %% 200)
      .. "&user_agent=Mozilla%%2F5.0+%%28X11%%3B+Linux+x86_64%%29+Firefox%%2F133.0"
      .. "&comment_type=comment&comment_author=Reader+" .. tid .. "+" .. i
      .. "&comment_author_email=reader" .. tid .. "-" .. i .. "%%40mail.example"
      .. "&permalink=http%%3A%%2F%%2Fblog.example.test%%2Fpost-" .. (i %% 50)
      .. "&comment_content=" .. table.concat(text, "+")
    reqs[i] = wrk.format("POST", "/1.1/comment-check",
      {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
  end
end
request = function()
  n = n %% 5000 + 1
  return reqs[n]
end
"""


@contextmanager
def api_server(workers: int) -> Iterator[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "BROADSHEET_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        subprocess.run([*BROADSHEET, "migrate", "-v0"], env=env, check=True)
        key = create_akismet_key(env, BLOG)
        with serving(env, workers) as (base, _process):
            yield base, key


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not Path("/usr/bin/wrk").exists():
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with api_server(args.workers) as (base, key):
        words = ", ".join(f'"{word}"' for word in VOCABULARY)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(CHECKER % {"key": key, "words": words})
        url = f"{base}/1.1/comment-check"
        try:
            run_wrk(url, 2, args.connections, script.name)  # warm the workers' caches
            before = run_wrk(f"{base}/healthz", args.duration, args.connections)
            checks = run_wrk(url, args.duration, args.connections, script.name)
            after = run_wrk(f"{base}/healthz", args.duration, args.connections)
        finally:
            os.unlink(script.name)
    ceiling = Result(
        path="/healthz (mean)",
        requests_per_second=(before.requests_per_second + after.requests_per_second) / 2,
        p50_ms=(before.p50_ms + after.p50_ms) / 2,
        p99_ms=max(before.p99_ms, after.p99_ms),
        errors=before.errors + after.errors,
    )
    print(
        f"wrk: {args.connections} connections, {args.duration} s each, "
        f"gunicorn with {args.workers} sync workers, SQLite"
    )
    print(f"{'path':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for row in (ceiling, checks):
        print(
            f"{row.path:<28} {row.requests_per_second:>9.1f} {row.p50_ms:>8.2f} "
            f"{row.p99_ms:>8.2f} {row.errors:>7}"
        )
    ratio = checks.requests_per_second / ceiling.requests_per_second
    print(
        f"comment-check: {ratio:.2f} of /healthz (goal >= 0.7), "
        f"p99 {checks.p99_ms:.1f} ms (goal <= 20)"
    )


if __name__ == "__main__":
    main()
