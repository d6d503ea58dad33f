from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from broadsheet.demo import EDITOR_USERNAME, load_demo


class Command(BaseCommand):
    help = "Load the demo content (idempotently), then serve the site."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument(
            "--load-only", action="store_true", help="Load the demo content and exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        password = load_demo()
        site = (
            settings.BASE_URL
            if options["load_only"]
            else f"http://{options['host']}:{options['port']}"
        )
        self.stdout.write(
            self.style.SUCCESS("Demo content loaded.")
            + f"\nEditor sign-in: {site}/admin/"
            + f"\n  username: {EDITOR_USERNAME}\n  password: {password}"
        )
        if options["load_only"]:
            return
        call_command(
            "serve",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            no_migrate=True,
        )
