"""Faults under a running server: Redis stopped, PostgreSQL restarted, the data disk full.

Each test runs `broadsheet serve` against a Redis, a PostgreSQL cluster or a file system of its
own, so it can break them without touching the machine's shared services. During the fault no
answer is a 500: pages and beats degrade where they can, and what needs the database answers 503
with Retry-After. Nothing acknowledged is lost, and the server recovers without a restart.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from django.db import OperationalError
from django.test import RequestFactory

from broadsheet.outages import server_error
from broadsheet.test import free_port, served

# The tests that bring their own Redis, PostgreSQL cluster or disk do the same whatever the
# suite runs on: once, in the SQLite pass, is enough.
own_services = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="brings its own services; runs in the SQLite pass of the suite",
)

BROADSHEET = [sys.executable, "-m", "broadsheet"]
ARTICLE = "/articles/tanners-footbridge-reopens-early/"
SITE = "http://127.0.0.1:8000"  # BASE_URL's default: the API places article comments by it
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0.0.{} Safari/537.36"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


class Answer:
    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with _opener.open(request, timeout=10) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def post_api(base: str, text: str) -> Answer:
    token = fetch(f"{base}/api/form").json()["token"]
    body = {"uri": f"{SITE}{ARTICLE}", "name": "Ada", "token": token, "content": text}
    return fetch(
        f"{base}/api/comments", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )


def post_form(base: str, page: bytes, text: str) -> Answer:
    action = re.search(rb'action="(/comments/articles/\d+/)"', page)
    assert action is not None
    token = fetch(f"{base}/comments/form-token/").json()["token"]
    fields = {"token": token, "name": "Ada", "content": text}
    return fetch(
        f"{base}{action.group(1).decode()}",
        urllib.parse.urlencode(fields).encode(),
        {"Origin": base, "Content-Type": "application/x-www-form-urlencoded"},
    )


def beat(base: str, page: bytes, visitor: int = 0) -> int:
    article_id = re.search(rb'data-article="(\d+)"', page)
    assert article_id is not None
    body = json.dumps({"article_id": int(article_id.group(1))}).encode()
    headers = {"Origin": base, "User-Agent": BROWSER.format(visitor)}
    return fetch(f"{base}/live/beat", body, headers).status


def wait_for(check: Callable[[], bool], seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def site_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """A demo site in data_dir: no form-time wait and no rate limit, as tests post in a burst."""
    env = {
        **os.environ,
        "BROADSHEET_DATA_DIR": str(data_dir),
        "BROADSHEET_COMMENTS_MIN_SECONDS": "0",
        "BROADSHEET_COMMENTS_RATE_PER_IP": "1000",
        "BROADSHEET_COMMENTS_RATE_PER_THREAD": "1000",
        "BROADSHEET_LOG_LEVEL": "CRITICAL",
        **extra,
    }
    for name in ("DATABASE_URL", "REDIS_URL", "BROADSHEET_LIVE_REDIS_URL"):
        if name not in extra:
            env.pop(name, None)
    subprocess.run([*BROADSHEET, "demo", "--load-only"], env=env, check=True, capture_output=True)
    return env


def assert_unavailable(answer: Answer, *, json_body: bool) -> None:
    assert answer.status == 503, answer.body[:300]
    assert int(answer.headers["Retry-After"]) > 0
    if json_body:
        assert answer.json()["code"] == "unavailable"
    else:
        assert b"try again" in answer.body


@contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        assert wait_for(lambda: _pings(client)), "redis-server did not start"
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


@own_services
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_with_redis_stopped_pages_posts_and_beats_degrade_and_recover(tmp_path: Path) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    env = site_env(tmp_path, REDIS_URL=url, BROADSHEET_LIVE_CACHE_SECONDS="0")
    client = redis.Redis(port=port)
    accepted = []
    with redis_server(port) as first, served(env) as base:
        page = fetch(f"{base}{ARTICLE}")
        assert page.status == 200
        assert beat(base, page.body) == 204
        assert client.keys(":1:comments:*")  # the cache is in use
        assert wait_for(lambda: bool(client.keys("lv:*")))  # and so is the live store

        first.terminate()
        first.wait(timeout=10)
        page = fetch(f"{base}{ARTICLE}")
        assert page.status == 200
        assert beat(base, page.body) == 204
        answer = post_api(base, "Posted while the cache was down.")
        assert answer.status == 201, answer.body
        accepted.append(answer.json()["comment"]["id"])
        form = post_form(base, page.body, "Posted through the form while the cache was down.")
        assert form.status == 302, form.body[:300]
        accepted.append(int(form.headers["Location"].rsplit("-", 1)[1]))

        with redis_server(port):  # an empty Redis on the same address, as after a restart
            page = fetch(f"{base}{ARTICLE}")
            assert page.status == 200
            # The live store is left alone for 5 s after a failure, then tried again.
            visitors = iter(range(1, 1000))
            assert wait_for(
                lambda: beat(base, page.body, next(visitors)) == 204 and bool(client.keys("lv:*")),
                seconds=10,
            )
            assert wait_for(
                lambda: (
                    fetch(f"{base}{ARTICLE}").status == 200 and bool(client.keys(":1:comments:*"))
                )
            )
    with sqlite3.connect(tmp_path / "broadsheet.sqlite3") as db:
        ids = {row[0] for row in db.execute("SELECT id FROM comments_comment")}
    assert set(accepted) <= ids


class PrivateCluster:
    """A throwaway PostgreSQL cluster on a free port, run as the postgres user."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        self.data = root / "data"

    def pg(self, *args: str) -> None:
        # Output to a file, never a pipe: the server pg_ctl starts would hold a pipe open.
        with (self.root / "log").open("ab") as log:
            command = ["runuser", "-u", "postgres", "--", *args]
            subprocess.run(command, check=True, stdout=log, stderr=log, cwd=self.root)

    def init(self) -> None:
        self.pg(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self.pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    if os.geteuid() != 0 or not (PG_BIN / "initdb").exists() or not shutil.which("runuser"):
        pytest.skip("needs root and PostgreSQL 15's initdb to run a private cluster")
    root = Path(tempfile.mkdtemp(prefix="bs-faults-pg-"))
    shutil.chown(root, "postgres")
    cluster = PrivateCluster(root)
    try:
        cluster.init()
        cluster.start()
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE broadsheet")
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):  # already stopped
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@own_services
def test_with_postgresql_restarted_requests_get_503_and_the_server_recovers(
    tmp_path: Path,
) -> None:
    with private_cluster() as cluster:
        env = site_env(tmp_path, DATABASE_URL=cluster.url("broadsheet"))
        accepted = []
        with served(env) as base:
            page = fetch(f"{base}{ARTICLE}")
            assert page.status == 200
            accepted.append(post_api(base, "Before the restart.").json()["comment"]["id"])

            cluster.stop()
            assert_unavailable(fetch(f"{base}{ARTICLE}"), json_body=False)
            # No view: the 404 page's navigation and the old-address lookup need the database.
            assert_unavailable(fetch(f"{base}/no-such-page/"), json_body=False)
            # Form tokens are signed, not stored: the posts themselves meet the outage.
            assert_unavailable(post_api(base, "Sent while it was down."), json_body=True)
            form = post_form(base, page.body, "Sent while the database was down.")
            assert_unavailable(form, json_body=False)
            assert b"Sent while the database was down." in form.body  # given back to copy
            assert beat(base, page.body) == 204  # the live store is not the database
            assert fetch(f"{base}/healthz").status == 200

            cluster.start()
            assert fetch(f"{base}{ARTICLE}").status == 200
            accepted.append(post_api(base, "After the restart.").json()["comment"]["id"])
            # A restart between two requests: the kept connection is checked, not failed on.
            cluster.stop()
            cluster.start()
            assert fetch(f"{base}{ARTICLE}").status == 200
        with psycopg.connect(cluster.url("broadsheet")) as db:
            ids = {row[0] for row in db.execute("SELECT id FROM comments_comment")}
        assert set(accepted) <= ids


@contextmanager
def tiny_disk() -> Iterator[Path]:
    """A 6 MB tmpfs: a real full disk, rather than SQLite told to pretend."""
    mount = Path(tempfile.mkdtemp(prefix="bs-faults-disk-"))
    try:
        if os.geteuid() != 0 or not shutil.which("mount"):
            pytest.skip("needs root to mount a small tmpfs")
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        try:
            yield mount
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=True)
    finally:
        mount.rmdir()


def fill(disk: Path) -> Path:
    ballast = disk / "ballast"
    with ballast.open("wb", buffering=0) as out, suppress(OSError):  # until no space is left
        while True:
            out.write(b"\0" * 65536)
    return ballast


@own_services
def test_with_the_data_disk_full_posts_get_503_nothing_is_lost_and_it_recovers() -> None:
    with tiny_disk() as disk:
        env = site_env(disk)
        accepted: list[int] = []
        with served(env) as base:
            page = fetch(f"{base}{ARTICLE}").body
            answer = post_api(base, "Before the disk filled up.")
            accepted.append(answer.json()["comment"]["id"])
            ballast = fill(disk)
            # The write-ahead log may still have room for a few comments; then it must grow.
            for n in range(200):
                answer = post_api(base, f"Comment {n} on a full disk, about the bridge.")
                if answer.status != 201:
                    break
                accepted.append(answer.json()["comment"]["id"])
            assert_unavailable(answer, json_body=True)
            assert "try again" in answer.json()["message"]
            form = post_form(base, page, "Through the form on a full disk.")
            assert_unavailable(form, json_body=False)
            assert fetch(f"{base}{ARTICLE}").status == 200  # reading needs no space

            ballast.unlink()
            answer = post_api(base, "After space was freed.")
            assert answer.status == 201, answer.body
            accepted.append(answer.json()["comment"]["id"])
        with sqlite3.connect(disk / "broadsheet.sqlite3") as db:
            ids = {row[0] for row in db.execute("SELECT id FROM comments_comment")}
        assert set(accepted) <= ids


def test_the_error_handler_tells_an_outage_from_a_bug(rf: RequestFactory) -> None:
    try:
        raise OperationalError("database or disk is full")
    except OperationalError:
        outage = server_error(rf.get("/"))
    try:
        raise ValueError("a bug")
    except ValueError:
        bug = server_error(rf.get("/"))
    assert (outage.status_code, outage["Retry-After"]) == (503, "30")
    assert bug.status_code == 500
    assert not bug.has_header("Retry-After")
