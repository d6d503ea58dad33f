"""Crash safety: kill the whole server mid-flood and check every acknowledged comment survived.

    .venv/bin/python bench/crash_safety.py [--database sqlite|postgres|both] [--seconds 5]
                                            [--rounds 3] [--clients 8] [--workers 2]

`broadsheet serve` runs in its own process group on a fresh data folder (SQLite in WAL mode,
the default) or on a PostgreSQL database of its own (bs_crash_bench_<pid>, dropped afterwards;
POSTGRES_URL names the server, postgres://postgres@127.0.0.1:5432 by default). Several clients
post comments through the JSON API as fast as the server answers and remember each comment
the server answered 201 for. After --seconds the master and its workers get SIGKILL together,
with requests in flight; the server is started again on the same data and every acknowledged
comment so far is looked for in the database by id and text. Goal: 0 lost, every round.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from web import UNLIMITED, VOCABULARY, free_port, wait_until_up

BROADSHEET = [sys.executable, "-m", "broadsheet"]
PARTNER = "http://blog.example"
PAGE = f"{PARTNER}/crash/"
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


@dataclass
class Round:
    acknowledged: int = 0  # answered 201 in this round
    checked: int = 0  # acknowledged in this round and every one before
    found: int = 0
    stored: int = 0  # comments in the database after the restart, acknowledged or not
    refused: int = 0  # answered, but not 201: not stored, and the client knows it
    integrity: str = "-"
    lost_ids: list[int] = field(default_factory=list)


@dataclass
class Database:
    name: str
    env: dict[str, str]
    url: str  # a sqlite3 path or a PostgreSQL URL

    def stored(self, ids: list[int]) -> tuple[dict[int, str], int, str]:
        """The acknowledged comments that are in the database, how many comments there are, and
        SQLite's own check of the file ("ok", with its journal mode)."""
        query = "SELECT id, content FROM comments_comment"
        check = "-"
        if self.name == "sqlite":
            with sqlite3.connect(self.url) as db:
                rows = db.execute(query).fetchall()
                mode = db.execute("PRAGMA journal_mode").fetchone()[0]
                check = f"{db.execute('PRAGMA integrity_check').fetchone()[0]} ({mode})"
        else:
            with psycopg.connect(self.url) as db:
                rows = db.execute(query).fetchall()
        wanted = set(ids)
        return {pk: content for pk, content in rows if pk in wanted}, len(rows), check


@contextmanager
def database(kind: str, data_dir: str) -> Iterator[Database]:
    env = {
        **os.environ,
        **UNLIMITED,
        "BROADSHEET_DATA_DIR": data_dir,
        "BROADSHEET_EMBED_ORIGINS": PARTNER,
        "BROADSHEET_COMMENTS_MIN_SECONDS": "0",
        "BROADSHEET_LOG_LEVEL": "ERROR",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if kind == "sqlite":
        yield Database(kind, env, str(Path(data_dir) / "broadsheet.sqlite3"))
        return
    name = f"bs_crash_bench_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{POSTGRES_URL}/{name}"
    try:
        yield Database(kind, {**env, "DATABASE_URL": url}, url)
    finally:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def start(db: Database, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    serve = [*BROADSHEET, "serve", "--port", str(port), "--workers", str(workers), "--no-migrate"]
    # A session of its own: killpg then reaches the master and every worker at once, as the
    # OOM killer or a container stopped hard would. (Not a power cut: the kernel still holds and
    # writes out what the processes had written.)
    process = subprocess.Popen(
        serve,
        env=db.env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_up(f"http://127.0.0.1:{port}")
    return process, port


def kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


class Client(threading.Thread):
    """Posts comments one after another on a kept-alive connection until told to stop or cut off."""

    def __init__(self, port: int, token: str, label: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.label, self.stop = port, token, label, stop
        self.acknowledged: dict[int, str] = {}
        self.refused = 0
        self.random = random.Random(label)

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        n = 0
        while not self.stop.is_set():
            n += 1
            words = " ".join(self.random.choices(VOCABULARY, k=self.random.randint(12, 25)))
            # A unique tag in every text: the check matches ids and texts, never near-misses.
            text = f"{self.label}-{n}: {words}"
            body = {"uri": PAGE, "name": "Bench", "token": self.token, "content": text}
            try:
                connection.request(
                    "POST",
                    "/api/comments",
                    json.dumps(body),
                    {"Content-Type": "application/json"},
                )
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException):
                return  # the server is gone: whatever was in flight was never acknowledged
            if response.status == 201:
                self.acknowledged[json.loads(answer)["comment"]["id"]] = text
            else:
                self.refused += 1


def form_token(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/api/form")
        return str(json.loads(connection.getresponse().read())["token"])
    finally:
        connection.close()


def run(kind: str, args: argparse.Namespace) -> list[Round]:
    rounds: list[Round] = []
    acknowledged: dict[int, str] = {}
    with tempfile.TemporaryDirectory() as data_dir, database(kind, data_dir) as db:
        subprocess.run([*BROADSHEET, "migrate", "-v0"], env=db.env, check=True)
        process, port = start(db, args.workers)
        try:
            for number in range(1, args.rounds + 1):
                stop = threading.Event()
                token = form_token(port)
                label = f"{kind}-r{number}"
                clients = [Client(port, token, f"{label}c{n}", stop) for n in range(args.clients)]
                for client in clients:
                    client.start()
                time.sleep(args.seconds)
                kill(process)  # mid-flood: the clients are still sending
                stop.set()
                for client in clients:
                    client.join(timeout=30)
                result = Round(refused=sum(client.refused for client in clients))
                for client in clients:
                    result.acknowledged += len(client.acknowledged)
                    acknowledged.update(client.acknowledged)
                process, port = start(db, args.workers)
                found, result.stored, result.integrity = db.stored(list(acknowledged))
                result.checked = len(acknowledged)
                result.found = sum(found.get(pk) == text for pk, text in acknowledged.items())
                result.lost_ids = sorted(pk for pk, t in acknowledged.items() if found.get(pk) != t)
                rounds.append(result)
        finally:
            process.terminate()
            process.wait(timeout=20)
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=5, help="flood before each kill")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(
        f"{args.clients} clients posting through POST /api/comments to gunicorn with "
        f"{args.workers} sync workers; SIGKILL to the whole process group after "
        f"{args.seconds:g} s, {args.rounds} rounds"
    )
    print(
        f"{'database':<9} {'round':>5} {'acked':>7} {'refused':>7} {'checked':>8} "
        f"{'found':>7} {'lost':>5} {'in db':>7}  integrity"
    )
    total_lost = 0
    for kind in kinds:
        for number, result in enumerate(run(kind, args), start=1):
            lost = result.checked - result.found
            total_lost += lost
            print(
                f"{kind:<9} {number:>5} {result.acknowledged:>7} {result.refused:>7} "
                f"{result.checked:>8} {result.found:>7} {lost:>5} {result.stored:>7}  "
                f"{result.integrity}"
            )
            if result.lost_ids:
                print(f"  lost ids: {result.lost_ids[:20]}")
    print("lost: 0 (goal met)" if total_lost == 0 else f"lost: {total_lost} (goal 0: NOT met)")
    if total_lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
