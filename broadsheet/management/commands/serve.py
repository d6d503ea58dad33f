from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from gunicorn.app.base import BaseApplication

from broadsheet.wsgi import application


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn run in-process: sync workers, the fastest measured on our two-core machines."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return application


class Command(BaseCommand):
    help = "Serve the site with gunicorn, applying pending migrations first."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes (default: one per CPU core).",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Skip pending migrations.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
            # Workers are forked from this process: none may inherit its database connection
            # (an SQLite handle, or the file lock its writers queue on, must not be shared).
            connections.close_all()
        workers = options["workers"] or os.cpu_count() or 1
        self.stdout.write(
            f"Serving on http://{options['host']}:{options['port']}/ with {workers} workers"
        )
        GunicornServer(
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": workers,
                "worker_class": "sync",
                "accesslog": None,
                "timeout": 30,
                "graceful_timeout": 10,
            }
        ).run()
