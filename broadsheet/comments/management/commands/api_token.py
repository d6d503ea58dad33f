"""`broadsheet api_token USER [--name N]`, `--list`, `--revoke ID`: staff keys for the API."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from broadsheet.comments.api.tokens import MODERATE, issue
from broadsheet.comments.models import ApiToken


class Command(BaseCommand):
    help = "Make, list or revoke tokens for the comments API's moderation endpoints."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", nargs="?", help="make a token for this user")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--list", action="store_true", help="list the tokens")
        parser.add_argument("--revoke", type=int, metavar="ID", help="delete token ID")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for token in ApiToken.objects.select_related("user").order_by("pk"):
                used = token.last_used_at.isoformat() if token.last_used_at else "never"
                self.stdout.write(f"{token.pk}\t{token.user}\t{token.name}\tlast used {used}")
            return
        if options["revoke"] is not None:
            deleted, _ = ApiToken.objects.filter(pk=options["revoke"]).delete()
            if not deleted:
                raise CommandError(f"there is no token {options['revoke']}")
            self.stdout.write(f"token {options['revoke']} revoked")
            return
        if not options["username"]:
            raise CommandError("name a user, or use --list or --revoke ID")
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"there is no user {options['username']!r}")
        if not user.has_perm(MODERATE):
            self.stderr.write(f"note: {user} may not moderate comments, so the token can't either")
        token, raw = issue(user, options["name"])
        self.stdout.write(f"token {token.pk} for {user}, shown once:\n{raw}")
