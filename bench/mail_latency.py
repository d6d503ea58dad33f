"""How long a poster waits for a held comment when the mail server is slow.

    .venv/bin/python bench/mail_latency.py [--posts 5] [--greeting 1.0]

One `broadsheet serve` worker on SQLite with one moderator; each held comment posted through
the comments API e-mails that moderator. The mail server is a loopback SMTP stub that waits
--greeting seconds before its greeting, and then 0 s in the same run (the baseline). Prints the
POST's median answer time for each and the mails the stub received (all of them must arrive).
Goal: the poster never waits for the mail server (mail goes after the response).
"""

from __future__ import annotations

import argparse
import json
import os
import socketserver
import statistics
import threading
import time
import urllib.request

import comments_api

MODERATOR = """
from django.contrib.auth.models import Group, User
from broadsheet.roles import MODERATORS, ensure_roles
ensure_roles()
moderator = User.objects.create_user("mod", "mod@example.org", "x", is_staff=True)
moderator.groups.add(Group.objects.get(name=MODERATORS))
"""


class SlowSMTP(socketserver.StreamRequestHandler):
    """Just enough SMTP to take a message, after a delay; counts what it receives."""

    greeting = 0.0
    received = 0

    def handle(self) -> None:
        time.sleep(self.greeting)
        self.wfile.write(b"220 stub ESMTP\r\n")
        in_data = False
        for line in self.rfile:
            if in_data:
                if line == b".\r\n":
                    in_data = False
                    SlowSMTP.received += 1
                    self.wfile.write(b"250 ok\r\n")
            elif line[:4].upper() == b"DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif line[:4].upper() == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def post_held(base: str, posts: int, greeting: float) -> list[float]:
    SlowSMTP.greeting = greeting
    form = json.load(urllib.request.urlopen(f"{base}/api/form"))
    time.sleep(form["min_seconds"] + 0.5)  # as a person would take to write
    took = []
    for n in range(posts):
        body = {
            "uri": f"{comments_api.PARTNER}{comments_api.POST_PAGE}",
            "name": f"Reader {greeting} {n}",  # a new author: held for a moderator
            "token": form["token"],
            "content": f"Is the bridge open to bicycles on Sundays? ({greeting}, {n})",
        }
        request = urllib.request.Request(
            f"{base}/api/comments",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Origin": comments_api.PARTNER},
        )
        started = time.monotonic()
        urllib.request.urlopen(request).close()
        took.append(time.monotonic() - started)
        time.sleep(greeting + 0.5)  # the mail goes out before the next post
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5)
    parser.add_argument("--greeting", type=float, default=1.0, help="the slow server's delay")
    args = parser.parse_args()
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SlowSMTP)
    smtp.daemon_threads = True
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    os.environ.update(
        BROADSHEET_EMAIL_HOST="127.0.0.1",
        BROADSHEET_EMAIL_PORT=str(smtp.server_address[1]),
        BROADSHEET_EMAIL_USE_TLS="false",
    )
    with comments_api.broadsheet(1, comments_api.SEED + MODERATOR) as base:
        fast = post_held(base, args.posts, 0.0)
        slow = post_held(base, args.posts, args.greeting)
    fast_ms, slow_ms = statistics.median(fast) * 1000, statistics.median(slow) * 1000
    mails = f"{SlowSMTP.received} of {2 * args.posts}"
    print(f"held comment POST, mail server greets at once: median {fast_ms:.0f} ms")
    print(
        f"held comment POST, mail server greets after {args.greeting:g} s: median {slow_ms:.0f} ms"
    )
    print(f"ratio slow / at once: {slow_ms / fast_ms:.2f}; mails received: {mails}")


if __name__ == "__main__":
    main()
