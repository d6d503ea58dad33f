"""HTTP benchmarks: serve Broadsheet, load it with wrk, compare each workload with /healthz.

    .venv/bin/python bench/web.py article [--duration 10] [--connections 32] [--workers 2]
    .venv/bin/python bench/web.py --list

Each run starts `broadsheet serve` on a free loopback port with a fresh data folder holding the
demo content, measures /healthz (the framework's ceiling on this machine) and then the
workload, and prints requests/s, p50 and p99 for both, and the workload's share of the ceiling.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
BROADSHEET = [sys.executable, "-m", "broadsheet"]
DEMO_SLUG = "tanners-footbridge-reopens-early"
DEMO_ARTICLE = f"/articles/{DEMO_SLUG}/"


@dataclass
class Workload:
    """What wrk requests, and what the server's data and settings need for it."""

    path: str
    seed: list[str] = field(default_factory=list)  # arguments to bench/seed.py
    env: dict[str, str] = field(default_factory=dict)
    post_comment: bool = False  # each request posts a new comment through the form


# No limit may slow the posting workload: it measures the pipeline, not the rate limiter.
# Rate limits off, as Isso's guard is in bench/comments_api.py: every post comes from one address.
UNLIMITED = {f"BROADSHEET_COMMENTS_RATE_PER_{key}": "0" for key in ("IP", "EMAIL", "THREAD")}

WORKLOADS: dict[str, Workload] = {
    "article": Workload(DEMO_ARTICLE),
    "home": Workload("/"),
    "section": Workload("/sections/town/"),
    "feed": Workload("/feed/"),
    "article-200-comments": Workload(DEMO_ARTICLE, seed=["comments", DEMO_SLUG, "200"]),
    "post-comment": Workload(DEMO_ARTICLE, env=UNLIMITED, post_comment=True),
}


VOCABULARY = [
    "the",
    "bridge",
    "council",
    "market",
    "river",
    "library",
    "bus",
    "school",
    "park",
    "road",
    "walk",
    "morning",
    "evening",
    "new",
    "old",
    "ramp",
    "light",
    "lane",
    "cycle",
    "quay",
    "green",
    "street",
    "town",
    "hall",
    "meeting",
    "budget",
    "plan",
    "year",
    "week",
    "traffic",
    "repair",
    "water",
    "flood",
    "path",
    "shop",
    "cafe",
    "children",
    "family",
    "neighbours",
    "weekend",
    "summer",
    "winter",
    "open",
    "closed",
    "late",
    "early",
    "works",
    "better",
    "safer",
    "busy",
    "quiet",
    "really",
    "think",
    "hope",
    "glad",
    "agree",
    "maybe",
    "soon",
]


@dataclass
class Result:
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(
    env: dict[str, str], workers: int, log: IO[bytes] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`broadsheet serve` over an already migrated data folder, on a free port, until the
    block ends; yields its base URL and process. ``log`` takes its output, else it is dropped."""
    port = free_port()
    command = [*BROADSHEET, "serve", "--port", str(port), "--workers", str(workers), "--no-migrate"]
    output = log if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def create_akismet_key(env: dict[str, str], blog: str) -> str:
    created = subprocess.run(
        [*BROADSHEET, "akismet", "keys", "create", "--site", blog],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return created.stdout.strip().splitlines()[-1]


@contextmanager
def server(workers: int, workload: Workload) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, **workload.env, "BROADSHEET_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [*BROADSHEET, "demo", "--load-only"], env=env, check=True, capture_output=True
        )
        if workload.seed:
            seed = [sys.executable, str(ROOT / "bench" / "seed.py"), *workload.seed]
            subprocess.run(seed, env=env, check=True)
        with serving(env, workers) as (base, _process):
            yield base


def wait_until_up(base: str, timeout: float = 30, path: str = "/healthz") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}{path}", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {base} within {timeout:.0f} s")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def comment_poster(base: str, path: str) -> str:
    """A wrk script that posts the article's comment form, each time with new text.

    It does what comments.js does: fetches a signed form time when the reader starts on the
    form, then waits out the minimum seconds a person needs to write. Guests' posts carry no
    CSRF token; their Origin must be the site.
    """
    with urllib.request.urlopen(f"{base}{path}") as response:
        page = response.read().decode()
    action = re.search(r'action="(/comments/articles/\d+/)"', page).group(1)  # type: ignore[union-attr]
    token_url = re.search(r'data-token-url="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    with urllib.request.urlopen(f"{base}{token_url}") as response:
        token = json.loads(response.read())["token"]
    time.sleep(3.5)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": base}
    fields = f'"token={token}&name=Bench&email=&url=&homepage=&content="'
    return varied_poster(action, headers, f'{fields} .. table.concat(text, "+")')


def varied_poster(path: str, headers: dict[str, str], body: str) -> str:
    """A wrk script that POSTs to ``path`` with new prose each time (identical texts would
    rightly be caught as a campaign). ``body`` is a Lua expression over ``text``, a table of
    12 to 25 random words."""
    words = ", ".join(f'"{word}"' for word in VOCABULARY)
    header_table = ", ".join(f'["{name}"] = "{value}"' for name, value in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            f"""
words = {{{words}}}
-- Each wrk thread has its own Lua state: seed each differently, or they post the same texts.
threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("seed", threads)
end
init = function(args) math.randomseed(os.time() * 1000 + seed) end
request = function()
  local text = {{}}
  for i = 1, math.random(12, 25) do text[i] = words[math.random(#words)] end
  return wrk.format("POST", "{path}", {{{header_table}}}, {body})
end
"""
        )
    return script.name


def run_wrk(url: str, duration: int, connections: int, script: str | None = None) -> Result:
    output = subprocess.run(
        [
            "wrk",
            "--latency",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            *(["-s", script] if script else []),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, flags=re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors += sum(map(int, socket_errors.groups())) if socket_errors else 0
    return Result(
        path=("POST " if script else "") + "/" + url.split("/", 3)[-1],
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=to_ms(latency["50"]),
        p99_ms=to_ms(latency["99"]),
        errors=errors,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("workload", nargs="?", choices=sorted(WORKLOADS))
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.list or not args.workload:
        for name, workload in sorted(WORKLOADS.items()):
            method = "POST a comment on" if workload.post_comment else "GET"
            print(f"{name}: {method} {workload.path}")
        return
    if not Path("/usr/bin/wrk").exists():
        raise SystemExit("wrk is not installed: apt-get install wrk")

    workload = WORKLOADS[args.workload]
    load_before = os.getloadavg()[0]
    with server(args.workers, workload) as base:
        url = f"{base}{workload.path}"
        script = comment_poster(base, workload.path) if workload.post_comment else None
        run_wrk(url, 2, args.connections, script)  # warm the workers' caches
        ceiling = run_wrk(f"{base}/healthz", args.duration, args.connections)
        result = run_wrk(url, args.duration, args.connections, script)

    print(
        f"wrk: {args.connections} connections, {args.duration} s each, "
        f"gunicorn with {args.workers} sync workers, SQLite"
    )
    print(f"load average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"{'path':<48} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for row in (ceiling, result):
        print(
            f"{row.path:<48} {row.requests_per_second:>10.1f} {row.p50_ms:>8.2f} "
            f"{row.p99_ms:>8.2f} {row.errors:>7}"
        )
    ratio = result.requests_per_second / ceiling.requests_per_second
    print(f"{args.workload}: {ratio:.1%} of /healthz")


if __name__ == "__main__":
    main()
