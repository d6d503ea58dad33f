"""`broadsheet privacy purge|export|erase`: retention and readers' rights from the command line."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from broadsheet.privacy.actions import do_purge, do_staff_request
from broadsheet.privacy.models import PrivacyRequest


class Command(BaseCommand):
    help = "Apply the retention periods, or export or erase one e-mail address's data."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("purge", help="apply every retention period (run daily; idempotent)")
        export = sub.add_parser("export", help="print everything held about an address as JSON")
        export.add_argument("--email", required=True)
        export.add_argument("--out", type=Path, help="write the JSON here instead of stdout")
        erase = sub.add_parser("erase", help="erase an address's data from every store")
        erase.add_argument("--email", required=True)
        erase.add_argument(
            "--replace-content",
            action="store_true",
            help="also replace the comments' text with “[deleted]”",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _purge(self, options: dict[str, Any]) -> None:
        run = do_purge()
        for rule, count in run.counts.items():
            self.stdout.write(f"{rule}: {count}")

    def _email(self, options: dict[str, Any]) -> str:
        try:
            validate_email(options["email"])
        except ValidationError:
            raise CommandError(f"not an e-mail address: {options['email']!r}") from None
        return str(options["email"])

    def _export(self, options: dict[str, Any]) -> None:
        outcome = do_staff_request(
            email=self._email(options),
            kind=PrivacyRequest.Kind.EXPORT,
            actor=None,
            source=PrivacyRequest.Source.COMMAND,
        )
        if options["out"]:
            options["out"].write_text(outcome.json, encoding="utf-8")
            self.stderr.write(f"written to {options['out']} (request #{outcome.request.pk})")
        else:
            self.stdout.write(outcome.json)

    def _erase(self, options: dict[str, Any]) -> None:
        outcome = do_staff_request(
            email=self._email(options),
            kind=PrivacyRequest.Kind.ERASE,
            actor=None,
            source=PrivacyRequest.Source.COMMAND,
            replace_content=options["replace_content"],
        )
        self.stdout.write(json.dumps(outcome.request.outcome, indent=1, ensure_ascii=False))
