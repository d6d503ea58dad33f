"""The comments API against Isso: GET a 100-comment thread, POST a comment, in the same run.

    .venv/bin/python bench/comments_api.py [--duration 10] [--connections 8] [--workers 2]

Broadsheet runs as `broadsheet serve` (gunicorn, sync workers) on SQLite; Isso is installed from
PyPI into .cache/isso-venv on first use and run as its documentation recommends for production
(gunicorn with --preload), its rate guard off and moderation off. Each gets a thread of 100
comments (50 top-level, each with one reply) and is asked for all of it; posts go to another
page with new text each time. Goal: Broadsheet at 3x Isso's requests/s for GET, 2x for POST.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from web import (
    ROOT,
    UNLIMITED,
    Result,
    free_port,
    run_wrk,
    serving,
    varied_poster,
    wait_until_up,
)

ISSO_VENV = ROOT / ".cache" / "isso-venv"
ISSO_VERSION = "0.14.0"
PARTNER = "http://blog.example"
PAGE, POST_PAGE = "/post/", "/post-2/"
THREADS = 50  # top-level comments, each with one reply: 100 comments

SEED = f"""
from broadsheet.comments.models import Comment, Thread
thread = Thread.objects.create(origin="{PARTNER}", uri="{PAGE}", title="Ramps")
for n in range({THREADS}):
    text = f"Comment {{n}}: the *new* ramps make the bridge usable for everyone. " * 3
    top = Comment.objects.create(thread=thread, author_name=f"Reader {{n}}", content=text,
                                 status="approved")
    Comment.objects.create(thread=thread, parent=top, author_name=f"Neighbour {{n}}",
                           content=f"Reply {{n}}: agreed, the lights help.", status="approved")
Thread.objects.filter(pk=thread.pk).update(approved_count={2 * THREADS}, version=1)
"""


def json_poster(path: str, body_prefix: dict[str, str], text_key: str) -> str:
    """A wrk script posting JSON with new prose each time."""
    prefix = json.dumps(body_prefix)[:-1]  # the object without its closing brace
    body = f'\'{prefix}, "{text_key}": "\' .. table.concat(text, " ") .. \'"}}\''
    return varied_poster(path, {"Content-Type": "application/json"}, body)


@contextmanager
def broadsheet(workers: int, seed: str = SEED) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            **UNLIMITED,
            "BROADSHEET_DATA_DIR": data_dir,
            "BROADSHEET_EMBED_ORIGINS": PARTNER,
            "BROADSHEET_LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        command = [sys.executable, "-m", "broadsheet"]
        subprocess.run([*command, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*command, "shell", "-c", seed], env=env, check=True, capture_output=True)
        with serving(env, workers) as (base, _process):
            yield base


def install_isso() -> Path:
    python = ISSO_VENV / "bin" / "python"
    if not (ISSO_VENV / "bin" / "gunicorn").exists():
        subprocess.run([sys.executable, "-m", "venv", str(ISSO_VENV)], check=True)
        install = [str(python), "-m", "pip", "install", "-q", f"isso=={ISSO_VERSION}", "gunicorn"]
        subprocess.run(install, check=True)
    return ISSO_VENV / "bin"


def isso_post(base: str, uri: str, body: dict[str, object]) -> int:
    request = urllib.request.Request(
        f"{base}/new?uri={uri}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return int(json.load(response)["id"])


@contextmanager
def isso(workers: int) -> Iterator[str]:
    bin_dir = install_isso()
    with tempfile.TemporaryDirectory() as data_dir:
        config = Path(data_dir) / "isso.cfg"
        config.write_text(
            f"[general]\ndbpath = {data_dir}/comments.db\nhost = {PARTNER}/\n"
            "[moderation]\nenabled = false\n[guard]\nenabled = false\n"
        )
        port = free_port()
        gunicorn = [str(bin_dir / "gunicorn"), "--preload", "-w", str(workers)]
        process = subprocess.Popen(
            [*gunicorn, "-b", f"127.0.0.1:{port}", "isso.run"],
            env={**os.environ, "ISSO_SETTINGS": str(config)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, path="/info")
            for n in range(THREADS):
                text = f"Comment {n}: the *new* ramps make the bridge usable for everyone. " * 3
                body: dict[str, object] = {"text": text, "author": f"Reader {n}", "title": "Ramps"}
                top = isso_post(base, PAGE, body)
                reply = {"text": f"Reply {n}: agreed, the lights help.", "parent": top}
                isso_post(base, PAGE, {**reply, "author": f"Neighbour {n}"})
            isso_post(base, POST_PAGE, {"text": "The first one.", "title": "More ramps"})
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def measure(args: argparse.Namespace) -> list[tuple[str, Result]]:
    rows = []
    wrk = (args.duration, args.connections)
    with broadsheet(args.workers) as base:
        thread = f"{base}/api/threads?uri={PARTNER}{PAGE}&limit={THREADS}"
        with urllib.request.urlopen(thread) as response:
            shown = json.load(response)["comments"]
        assert sum(1 + len(c["replies"]) for c in shown) == 2 * THREADS, "not the whole thread"
        with urllib.request.urlopen(f"{base}/api/form") as response:
            form = json.load(response)
        time.sleep(form["min_seconds"] + 0.5)  # as a person would take to write
        body = {"uri": f"{PARTNER}{POST_PAGE}", "name": "Bench", "token": form["token"]}
        poster = json_poster("/api/comments", body, "content")
        run_wrk(thread, 2, args.connections)  # warm the workers
        rows.append(("Broadsheet GET /healthz", run_wrk(f"{base}/healthz", *wrk)))
        rows.append(("Broadsheet GET thread", run_wrk(thread, *wrk)))
        rows.append(("Broadsheet POST comment", run_wrk(f"{base}/api/comments", *wrk, poster)))
    with isso(args.workers) as base:
        thread = f"{base}/?uri={PAGE}"
        with urllib.request.urlopen(thread) as response:
            replies = json.load(response)["replies"]
        assert sum(1 + len(r["replies"]) for r in replies) == 2 * THREADS, "not the whole thread"
        poster = json_poster(f"/new?uri={POST_PAGE}", {"author": "Bench"}, "text")
        run_wrk(thread, 2, args.connections)
        rows.append(("Isso GET thread", run_wrk(thread, *wrk)))
        rows.append(("Isso POST comment", run_wrk(f"{base}/new?uri={POST_PAGE}", *wrk, poster)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    # 8, not bench/web.py's 32: Isso's GET and both POSTs then wait over a second in the queue,
    # and bench/web.py cannot read wrk's latency lines in whole seconds ("1.21s ").
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if not Path("/usr/bin/wrk").exists():
        raise SystemExit("wrk is not installed: apt-get install wrk")
    load_before = os.getloadavg()[0]
    rows = dict(measure(args))
    print(
        f"wrk: {args.connections} connections, {args.duration} s each; both on gunicorn with "
        f"{args.workers} sync workers and SQLite; Isso {ISSO_VERSION}, guard off"
    )
    # Other work on the machine slows both; the ratios, measured in one run, suffer less.
    print(f"load average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"{'':<26} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, row in rows.items():
        print(
            f"{name:<26} {row.requests_per_second:>10.1f} {row.p50_ms:>8.2f} "
            f"{row.p99_ms:>8.2f} {row.errors:>7}"
        )
    for what, goal in (("GET thread", 3), ("POST comment", 2)):
        ratio = (
            rows[f"Broadsheet {what}"].requests_per_second
            / rows[f"Isso {what}"].requests_per_second
        )
        verdict = "met" if ratio >= goal else "NOT met"
        print(f"{what}: {ratio:.1f}x Isso (goal {goal}x: {verdict})")


if __name__ == "__main__":
    main()
