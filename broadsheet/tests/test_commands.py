"""The `broadsheet` command line, run as a newcomer runs it: in a fresh data folder."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

from broadsheet.test import served

BROADSHEET = [sys.executable, "-m", "broadsheet"]


def sqlite_env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    return env


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def test_demo_load_only_migrates_into_wal_sqlite_and_prints_the_password(tmp_path: Path) -> None:
    result = subprocess.run(
        [*BROADSHEET, "demo", "--load-only"],
        env=sqlite_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "username: editor" in result.stdout
    assert "password: " in result.stdout
    with sqlite3.connect(tmp_path / "broadsheet.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM articles_article").fetchone()[0] >= 6
    assert (tmp_path / "secret_key").exists()


def test_serve_migrates_then_answers(tmp_path: Path) -> None:
    with served(sqlite_env(tmp_path), migrate=True) as base:
        assert get(f"{base}/healthz") == (200, b"ok")
        status, body = get(f"{base}/feed/")
        assert status == 200
        ElementTree.fromstring(body)
        status, body = get(f"{base}/sitemap.xml")
        assert status == 200
        ElementTree.fromstring(body)
        assert get(f"{base}/static/broadsheet/site.css")[0] == 200


def test_serve_forks_its_workers_without_the_migration_s_database_connection(
    tmp_path: Path,
) -> None:
    # An SQLite connection (and the lock file its writers queue on) must not be shared by
    # processes: the master that migrated has to let go of it before forking workers.
    with served(sqlite_env(tmp_path), migrate=True) as base:
        port = base.rsplit(":", 1)[1]
        ours = {
            pid
            for pid in os.listdir("/proc")
            if pid.isdigit() and f"--port\0{port}\0" in _proc(pid, "cmdline")
        }
        [master] = [pid for pid in ours if _proc(pid, "stat").split()[3] not in ours]
        held = [os.readlink(link) for link in Path(f"/proc/{master}/fd").iterdir()]
    assert not [path for path in held if "broadsheet.sqlite3" in path]


def _proc(pid: str, name: str) -> str:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes().decode(errors="replace")
    except OSError:  # the process ended meanwhile
        return ""
