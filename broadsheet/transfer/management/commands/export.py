"""``broadsheet export [--format json|wxr] [OUTFILE]``"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from broadsheet.transfer.export import write_json, write_wxr


class Command(BaseCommand):
    help = "Export the whole site as Broadsheet JSON, or articles and comments as WordPress WXR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "wxr"], default="json")
        parser.add_argument("outfile", nargs="?", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        write = write_json if options["format"] == "json" else write_wxr
        if options["outfile"] in (None, "-"):
            write(sys.stdout)
            return
        with open(options["outfile"], "w", encoding="utf-8") as out:
            write(out)
        self.stderr.write(f"Wrote {options['outfile']}")
