"""HTTP benchmarks: serve Broadsheet, load it with wrk, compare each workload with /healthz.

    .venv/bin/python bench/web.py article [--duration 10] [--connections 32] [--workers 2]
    .venv/bin/python bench/web.py --list

Each run starts `broadsheet serve` on a free loopback port with a fresh data folder holding the
demo content, measures /healthz (the framework's ceiling on this machine) and then the
workload, and prints requests/s, p50 and p99 for both, and the workload's share of the ceiling.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROADSHEET = [sys.executable, "-m", "broadsheet"]
DEMO_ARTICLE = "/articles/tanners-footbridge-reopens-early/"

# A workload names the path wrk requests; more workloads join as features land.
WORKLOADS: dict[str, Callable[[], str]] = {
    "article": lambda: DEMO_ARTICLE,
    "home": lambda: "/",
    "section": lambda: "/sections/town/",
    "feed": lambda: "/feed/",
}


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
def server(workers: int) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "BROADSHEET_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [*BROADSHEET, "demo", "--load-only"], env=env, check=True, capture_output=True
        )
        port = free_port()
        process = subprocess.Popen(
            [*BROADSHEET, "serve", "--port", str(port), "--workers", str(workers), "--no-migrate"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def wait_until_up(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {base} within {timeout:.0f} s")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, duration: int, connections: int) -> Result:
    output = subprocess.run(
        ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{duration}s", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, flags=re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors += sum(map(int, socket_errors.groups())) if socket_errors else 0
    return Result(
        path=url.split("/", 3)[-1],
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
        print("\n".join(f"{name}: GET {path()}" for name, path in sorted(WORKLOADS.items())))
        return
    if not Path("/usr/bin/wrk").exists():
        raise SystemExit("wrk is not installed: apt-get install wrk")

    with server(args.workers) as base:
        path = WORKLOADS[args.workload]()
        run_wrk(f"{base}{path}", 2, args.connections)  # warm the workers' caches
        ceiling = run_wrk(f"{base}/healthz", args.duration, args.connections)
        result = run_wrk(f"{base}{path}", args.duration, args.connections)

    print(
        f"wrk: {args.connections} connections, {args.duration} s each, "
        f"gunicorn with {args.workers} sync workers, SQLite"
    )
    print(f"{'path':<48} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for row in (ceiling, result):
        print(
            f"{'/' + row.path:<48} {row.requests_per_second:>10.1f} {row.p50_ms:>8.2f} "
            f"{row.p99_ms:>8.2f} {row.errors:>7}"
        )
    ratio = result.requests_per_second / ceiling.requests_per_second
    print(f"{args.workload}: {ratio:.1%} of /healthz")


if __name__ == "__main__":
    main()
