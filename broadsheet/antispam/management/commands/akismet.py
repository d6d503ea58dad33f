"""`broadsheet akismet keys create|list|revoke`: keys for the Akismet-compatible API."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from broadsheet.antispam.akismet import actions, keys
from broadsheet.antispam.models import ApiKey


class Command(BaseCommand):
    help = "Manage the keys of the Akismet-compatible API."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="group", required=True)
        group = sub.add_parser("keys", help="create, list or revoke API keys")
        action = group.add_subparsers(dest="action", required=True)
        create = action.add_parser("create", help="a new key; printed alone on the last line")
        create.add_argument(
            "--site", action="append", required=True, help="the blog URL (repeat for several)"
        )
        create.add_argument("--name", default="")
        action.add_parser("list", help="every key, with its blogs and whether it is revoked")
        revoke = action.add_parser("revoke", help="stop a key from working")
        revoke.add_argument("key")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _create(self, options: dict[str, Any]) -> None:
        bad = [url for url in options["site"] if keys.blog_host(url) is None]
        if bad:
            raise CommandError(f"not an http(s) URL: {', '.join(bad)}")
        key = actions.do_create_key(options["site"], options["name"])
        self.stdout.write(f"Created the API key for {', '.join(key.blog_list)}:")
        self.stdout.write(key.key)

    def _list(self, options: dict[str, Any]) -> None:
        for key in ApiKey.objects.order_by("id"):
            state = f"revoked {key.revoked:%Y-%m-%d}" if key.revoked else "active"
            self.stdout.write(f"{key.key}  {state:<18} {' '.join(key.blog_list)}  {key.name}")

    def _revoke(self, options: dict[str, Any]) -> None:
        key = ApiKey.objects.filter(key=options["key"].strip()).first()
        if key is None:
            raise CommandError(f"no such key: {options['key']}")
        actions.do_revoke_key(key)
        self.stdout.write(f"revoked {key.key}")
