"""`broadsheet comments deliver`: send webhook deliveries that are due, retries included."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from broadsheet.comments import webhooks


class Command(BaseCommand):
    help = "Comment jobs to run outside requests."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deliver = sub.add_parser(
            "deliver",
            help="send due webhook deliveries (first attempts a worker missed, and retries)",
        )
        deliver.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            help="keep running, looking for due deliveries every SECONDS",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _deliver(self, options: dict[str, Any]) -> None:
        while True:
            attempted = 0
            while (batch := webhooks.deliver_due()) > 0:
                attempted += batch
            pruned = webhooks.prune_log()
            if options["verbosity"] > 0 and (attempted or pruned or not options["loop"]):
                self.stdout.write(f"attempted {attempted} deliveries, pruned {pruned} from the log")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
