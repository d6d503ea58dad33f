"""Soak: a mixed open-loop load at a fixed rate for a long time; latency, errors and memory.

    .venv/bin/python bench/soak.py [--rate 200] [--minutes 30] [--database sqlite|postgres]
        [--redis] [--workers 2] [--interval 60] [--warmup 60]

Starts `broadsheet serve` on a fresh data folder holding the demo content (two of its articles
given 200 and 40 comments) and one Akismet key, then sends, at RATE requests/s in total:
60 % article pages (every demo article in turn), 25 % live heartbeats (readers who beat every
LIVE_PERIOD seconds for ten beats and are then replaced), 5 % comment posts through the
article form (new prose each time) and 10 % Akismet comment-checks (each a new comment).

Open loop: request n is due at start + n / RATE whether or not earlier ones have been answered,
and its latency runs from that due time, so a stalled server shows as latency rather than as
requests that were never sent. "late" is how far the generator itself fell behind its schedule
(it shares the CPU with the server); "achieved" is answers per second.

Each interval prints, per kind, requests, achieved rate, errors (5xx, refused or broken
connections, timeouts), other 4xx, expected 429s and p50/p95/p99/max latency, plus the resident
memory (VmRSS) of the gunicorn master and of each worker. Memory is compared between the end of
the warm-up and the end of the run: goal < 10 % growth per process, 0 errors. `broadsheet serve`
sets no max_requests, so gunicorn never recycles a worker to hide growth; the report still says
whether any worker was replaced (one that crashed or timed out would be).

PostgreSQL uses the database bs_soak (dropped and made anew); --redis uses Redis database 7
(emptied first) for the cache and the live readers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web import BROADSHEET, DEMO_SLUG, ROOT, UNLIMITED, VOCABULARY, create_akismet_key, serving

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bs_soak"
REDIS_URL = "redis://127.0.0.1:6379/7"
BLOG = "http://blog.example.test/"
MIX = {"page": 60, "beat": 25, "post": 5, "check": 10}  # per cent of all requests
# What each kind answers when all is well. A 429 is the rate limiter doing its job: counted
# apart, never as an error (the limits are set out of reach, so none is expected).
EXPECTED = {"page": {200}, "beat": {204}, "post": {302}, "check": {200}}
TIMEOUT = 30.0  # seconds: gunicorn's own worker timeout
CONNECTIONS = 64  # client threads, each with its own connection: requests in flight at most
BEATS_PER_READER = 10
TROUBLE = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT")


@dataclass
class Site:
    base: str
    port: int
    pid: int
    articles: list[tuple[str, int]]  # path, article id
    key: str
    token: str = ""
    log: Path = Path()


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    client_errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    limited: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    kinds_of_error: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    late_ms: float = 0.0
    unsent: int = 0  # due, but still waiting for a free connection when the time was up


def rss_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, flags=re.MULTILINE)
    return int(found.group(1)) if found else None


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return sorted(int(pid) for pid in children.read_text().split())


def memory(master: int) -> dict[str, tuple[int, int]]:
    """Name ("master", "worker <pid>") -> (pid, VmRSS in kB) of each server process."""
    found = {"master": (master, rss_kb(master) or 0)}
    for pid in workers_of(master):
        found[f"worker {pid}"] = (pid, rss_kb(pid) or 0)
    return found


def prepare_database(args: argparse.Namespace, env: dict[str, str]) -> None:
    if args.database == "postgres":
        admin = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["dropdb", *admin, "--if-exists", "bs_soak"], check=True)
        subprocess.run(["createdb", *admin, "bs_soak"], check=True)
        env["DATABASE_URL"] = POSTGRES_URL
    if args.redis:
        # Our own database index only: other sessions use the same Redis.
        subprocess.run(["redis-cli", "-n", "7", "flushdb"], check=True, capture_output=True)
        env["REDIS_URL"] = REDIS_URL
        env["BROADSHEET_LIVE_BACKEND"] = "redis"


@contextmanager
def server(args: argparse.Namespace) -> Iterator[Site]:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            **UNLIMITED,
            "BROADSHEET_DATA_DIR": data_dir,
            "BROADSHEET_LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        prepare_database(args, env)
        subprocess.run(
            [*BROADSHEET, "demo", "--load-only"], env=env, check=True, capture_output=True
        )
        seed = [sys.executable, str(ROOT / "bench" / "seed.py"), "comments"]
        subprocess.run([*seed, DEMO_SLUG, "200"], env=env, check=True)
        key = create_akismet_key(env, BLOG)
        log = Path(data_dir) / "serve.log"
        with log.open("wb") as output, serving(env, args.workers, output) as (base, process):
            port = int(base.rsplit(":", 1)[1])
            try:
                articles = discover(base)
                second = next(path for path, _ in articles if DEMO_SLUG not in path)
                seeded = [*seed, second.strip("/").split("/")[-1], "40"]
                subprocess.run(seeded, env=env, check=True)
                yield Site(base, port, process.pid, articles, key, log=log)
            finally:
                # The log also holds the moderators' e-mails (console backend): show trouble only.
                lines = log.read_text().splitlines()
                trouble = [n for n, line in enumerate(lines) if TROUBLE.search(line)]
                print(f"server log: {len(trouble)} lines of tracebacks, errors or worker timeouts")
                if trouble:
                    print("\n".join(lines[trouble[0] : trouble[0] + 60]))


def disk_use(folder: Path) -> dict[str, int]:
    """The SQLite files' sizes (database, WAL, shared memory) at the end of the run."""
    return {path.name: path.stat().st_size for path in sorted(folder.glob("*.sqlite3*"))}


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return str(response.read().decode())


def discover(base: str) -> list[tuple[str, int]]:
    """Every article the home page links to, with its id (from the live widget's data)."""
    paths = sorted(set(re.findall(r'href="(/articles/[\w-]+/)"', fetch(f"{base}/"))))
    found = []
    for path in paths:
        article = re.search(r'data-article="(\d+)"', fetch(f"{base}{path}"))
        if article:
            found.append((path, int(article.group(1))))
    if not found:
        raise SystemExit("no articles found on the home page")
    return found


def refresh_tokens(site: Site, stop: threading.Event) -> None:
    """Keep a fresh comment-form token, as a reader's browser fetches one per form."""
    page = fetch(f"{site.base}{site.articles[0][0]}")
    token_url = re.search(r'data-token-url="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    while True:
        token = json.loads(fetch(f"{site.base}{token_url}"))["token"]
        time.sleep(3.5)  # the minimum seconds a person needs to write
        site.token = token
        if stop.wait(300):
            return


def prose(rng: random.Random) -> str:
    # Varied prose: identical texts would rightly be caught as a campaign.
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(12, 30)))


class Requests:
    """Builds request n of each kind; the same n always gives the same request."""

    def __init__(self, site: Site, rate: float) -> None:
        self.site = site
        self.host = f"127.0.0.1:{site.port}"
        # Enough readers that each beats once per LIVE_PERIOD (30 s) at this rate.
        self.readers = max(1, round(rate * MIX["beat"] / 100 * 30))

    def build(self, kind: str, n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        site = self.site
        rng = random.Random(n)
        if kind == "page":
            path, _ = site.articles[n % len(site.articles)]
            return "GET", path, None, {}
        if kind == "beat":
            reader = f"{n % self.readers}.{n // (self.readers * BEATS_PER_READER)}"
            _, article = site.articles[(n // self.readers + n) % len(site.articles)]
            agent = f"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.{reader}"
            headers = {"Origin": site.base, "User-Agent": agent}
            return "POST", "/live/beat", json.dumps({"article_id": article}).encode(), headers
        if kind == "post":
            form = {
                "token": site.token,
                "name": f"Reader {n % 500}",
                "email": "",
                "url": "",
                "homepage": "",
                "content": prose(rng),
            }
            headers = {
                "Origin": site.base,
                "Content-Type": "application/x-www-form-urlencoded",
            }
            _, article = site.articles[n % len(site.articles)]
            action = f"/comments/articles/{article}/"
            return "POST", action, urllib.parse.urlencode(form).encode(), headers
        check = {
            "api_key": site.key,
            "blog": BLOG,
            "user_ip": f"10.{n % 250}.{n // 250 % 250}.{n // 62500 % 250}",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
            "comment_type": "comment",
            "comment_author": f"Reader {n}",
            "comment_author_email": f"reader{n}@mail.example",
            "permalink": f"{BLOG}post-{n % 50}",
            "comment_content": prose(rng),
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return "POST", "/1.1/comment-check", urllib.parse.urlencode(check).encode(), headers


class Load:
    """The open-loop generator: a scheduler thread and CONNECTIONS client threads."""

    def __init__(self, site: Site, rate: float) -> None:
        self.site = site
        self.rate = rate
        self.requests = Requests(site, rate)
        self.jobs: queue.Queue[tuple[float, str, int] | None] = queue.Queue()
        self.lock = threading.Lock()
        self.tally = Tally()
        self.stop = threading.Event()
        # A fixed, shuffled pattern of 100 kinds in the MIX's proportions.
        pattern = [kind for kind, share in MIX.items() for _ in range(share)]
        random.Random(1).shuffle(pattern)
        self.pattern = pattern
        self.threads = [
            threading.Thread(target=self.client, daemon=True) for _ in range(CONNECTIONS)
        ]

    def take(self) -> Tally:
        with self.lock:
            tally, self.tally = self.tally, Tally()
        return tally

    def schedule(self, start: float, until: float) -> None:
        counts: dict[str, int] = defaultdict(int)
        n = 0
        while not self.stop.is_set():
            due = start + n / self.rate
            if due >= until:
                break
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            else:
                with self.lock:
                    self.tally.late_ms = max(self.tally.late_ms, -wait * 1000)
            kind = self.pattern[n % len(self.pattern)]
            self.jobs.put((due, kind, counts[kind]))
            counts[kind] += 1
            n += 1

    def client(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.site.port, timeout=TIMEOUT)
        while (job := self.jobs.get()) is not None:
            due, kind, n = job
            method, path, body, headers = self.requests.build(kind, n)
            failure = None
            status = 0
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except TimeoutError:
                failure = "timeout"
            except OSError as error:
                failure = type(error).__name__
            except http.client.HTTPException as error:
                failure = type(error).__name__
            latency = (time.monotonic() - due) * 1000
            if failure:
                connection.close()
            with self.lock:
                tally = self.tally
                tally.latencies[kind].append(latency)
                tally.statuses[f"{kind} {failure or status}"] += 1
                if failure or status >= 500:
                    tally.errors[kind] += 1
                    tally.kinds_of_error[f"{kind} {failure or status}"] += 1
                elif status == 429:
                    tally.limited[kind] += 1
                elif status not in EXPECTED[kind]:
                    tally.client_errors[kind] += 1
                    tally.kinds_of_error[f"{kind} {status}"] += 1

    def run(self, seconds: float) -> threading.Thread:
        for thread in self.threads:
            thread.start()
        start = time.monotonic()
        scheduler = threading.Thread(
            target=self.schedule, args=(start, start + seconds), daemon=True
        )
        scheduler.start()
        return scheduler

    def finish(self) -> None:
        """Stop at the set time: what is still queued then is never sent, and is reported so."""
        grace = time.monotonic() + 1  # the last requests are due just now: let them go out
        while not self.jobs.empty() and time.monotonic() < grace:
            time.sleep(0.01)
        unsent = 0
        while True:
            try:
                self.jobs.get_nowait()
            except queue.Empty:
                break
            unsent += 1
        with self.lock:
            self.tally.unsent += unsent
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join(timeout=TIMEOUT + 5)


def percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(title: str, tally: Tally, seconds: float, backlog: int) -> None:
    total = sum(len(values) for values in tally.latencies.values())
    errors = sum(tally.errors.values())
    print(
        f"{title}: {total} answers, {total / seconds:.1f}/s achieved, {errors} errors, "
        f"generator at most {tally.late_ms:.0f} ms late, {backlog} waiting, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    if tally.unsent:
        print(f"  {tally.unsent} requests due but never sent: the server could not keep up")
    print(
        f"  {'kind':<6} {'n':>7} {'req/s':>7} {'err':>5} {'4xx':>5} {'429':>5} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    for kind in MIX:
        ordered = sorted(tally.latencies[kind])
        print(
            f"  {kind:<6} {len(ordered):>7} {len(ordered) / seconds:>7.1f} "
            f"{tally.errors[kind]:>5} {tally.client_errors[kind]:>5} {tally.limited[kind]:>5} "
            f"{percentile(ordered, 0.5):>8.1f} {percentile(ordered, 0.95):>8.1f} "
            f"{percentile(ordered, 0.99):>8.1f} {(ordered[-1] if ordered else 0):>8.1f}"
        )
    if tally.kinds_of_error:
        print(
            "  errors and unexpected answers: "
            + ", ".join(f"{name} x{count}" for name, count in sorted(tally.kinds_of_error.items()))
        )


def merge(into: Tally, tally: Tally) -> None:
    for kind, values in tally.latencies.items():
        into.latencies[kind].extend(values)
    for mine, theirs in (
        (into.errors, tally.errors),
        (into.client_errors, tally.client_errors),
        (into.limited, tally.limited),
        (into.kinds_of_error, tally.kinds_of_error),
        (into.statuses, tally.statuses),
    ):
        for name, count in theirs.items():
            mine[name] += count
    into.late_ms = max(into.late_ms, tally.late_ms)
    into.unsent += tally.unsent


def show_memory(title: str, found: dict[str, tuple[int, int]]) -> None:
    print(
        f"{title}: " + ", ".join(f"{name} {rss / 1024:.1f} MB" for name, (_, rss) in found.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200, help="requests per second in all")
    parser.add_argument("--minutes", type=float, default=30, help="measured, after the warm-up")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--redis", action="store_true", help=f"cache and live readers on {REDIS_URL}"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--interval", type=float, default=60, help="seconds between reports")
    parser.add_argument("--warmup", type=float, default=60, help="seconds before memory is taken")
    args = parser.parse_args()
    # A plain kill still stops the server and removes the data folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    load_before = os.getloadavg()
    with server(args) as site:
        stop = threading.Event()
        tokens = threading.Thread(target=refresh_tokens, args=(site, stop), daemon=True)
        tokens.start()
        while not site.token:
            time.sleep(0.1)
        store = "Redis" if args.redis else "SQLite"
        print(
            f"soak: {args.rate:g} req/s ({', '.join(f'{k} {v} %' for k, v in MIX.items())}) for "
            f"{args.warmup:g} s warm-up + {args.minutes:g} min; gunicorn, {args.workers} sync "
            f"workers, never recycled; {args.database} database, "
            f"{store} live store; {len(site.articles)} articles; load average "
            + " ".join(f"{value:.2f}" for value in load_before),
            flush=True,
        )
        load = Load(site, args.rate)
        total_seconds = args.warmup + args.minutes * 60
        scheduler = load.run(total_seconds)
        began = time.monotonic()
        time.sleep(args.warmup)
        report("warm-up", load.take(), args.warmup, load.jobs.qsize())
        start_memory = memory(site.pid)
        show_memory("memory after warm-up", start_memory)
        seen_workers = set(workers_of(site.pid))
        whole = Tally()
        mark = time.monotonic()
        interval = 0
        while True:
            scheduler.join(timeout=max(0.0, mark + args.interval - time.monotonic()))
            done = not scheduler.is_alive()
            if done:
                load.finish()  # the last interval includes the answers still outstanding
            now = time.monotonic()
            tally = load.take()
            interval += 1
            title = f"[{(now - began - args.warmup) / 60:5.1f} min] interval {interval}"
            report(title, tally, now - mark, load.jobs.qsize())
            show_memory("  memory", memory(site.pid))
            seen_workers |= set(workers_of(site.pid))
            merge(whole, tally)
            sys.stdout.flush()
            if done:
                break
            mark = now
        measured = now - began - args.warmup
        end_memory = memory(site.pid)
        disk = disk_use(site.log.parent)
        stop.set()

    print()
    report(f"whole run ({args.minutes:g} min after warm-up)", whole, measured, 0)
    print("  answers: " + ", ".join(f"{name} x{n}" for name, n in sorted(whole.statuses.items())))
    print(f"{'process':<16} {'start MB':>9} {'end MB':>9} {'growth':>8}")
    worst = 0.0
    for name, (_, rss) in end_memory.items():
        before = start_memory.get(name)
        if before is None:
            print(f"{name:<16} {'-':>9} {rss / 1024:>9.1f} {'(new)':>8}")
            continue
        growth = (rss - before[1]) / before[1]
        worst = max(worst, growth)
        print(f"{name:<16} {before[1] / 1024:>9.1f} {rss / 1024:>9.1f} {growth:>8.1%}")
    for name in start_memory.keys() - end_memory.keys():
        print(f"{name:<16} {start_memory[name][1] / 1024:>9.1f} {'gone':>9}")
    # A WAL that never restarts grows by the whole write volume (a checkpoint thread once let
    # it reach 1.6 GB in 30 s of posting); SQLite's own checkpoints keep it near 4 MB.
    print("disk: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in disk.items()))
    recycled = len(seen_workers) - args.workers
    errors = sum(whole.errors.values())
    print(
        f"workers replaced during the run: {recycled}; total errors: {errors} (goal 0); "
        f"due but never sent: {whole.unsent}; "
        f"largest memory growth {worst:.1%} (goal < 10 %); load average "
        + " ".join(f"{value:.2f}" for value in os.getloadavg())
    )


if __name__ == "__main__":
    main()
