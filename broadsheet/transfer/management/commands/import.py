"""``broadsheet import wordpress|disqus|isso FILE``: all of it in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from broadsheet.transfer import disqus, isso, wxr
from broadsheet.transfer.actions import TEACH_LIMIT, do_import
from broadsheet.transfer.records import Record
from broadsheet.transfer.xmlstream import BadFile


class Command(BaseCommand):
    help = "Import a WordPress export (WXR), a Disqus export or an Isso database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", choices=["wordpress", "disqus", "isso"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--no-teach",
            action="store_true",
            help="do not teach the spam filter from the spam decisions in the file",
        )
        parser.add_argument(
            "--teach-limit",
            type=int,
            default=TEACH_LIMIT,
            help=f"most recent spam and not-spam decisions taught, each (default {TEACH_LIMIT})",
        )
        parser.add_argument(
            "--origin",
            default="",
            help="Isso: the site its comments were on, e.g. https://blog.example",
        )
        parser.add_argument(
            "--source",
            default="",
            help="name of the imported site, which a later import of it must repeat "
            "(default: read from the file)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        quiet = options["quiet"] or options["verbosity"] == 0
        with ExitStack() as stack:
            teaching: list[tqdm[Any]] = []

            def taught(count: int) -> None:
                if not teaching:  # the file is read and committed: its bar is done
                    file_bar.close()
                    bar = tqdm(
                        desc="teaching the spam filter", unit=" lessons", disable=quiet or None
                    )
                    teaching.append(stack.enter_context(bar))
                teaching[0].update(count)

            try:
                source, records, file_bar = self._open(options, path, stack, quiet)
                summary = do_import(
                    records,
                    source=source,
                    teach=not options["no_teach"],
                    teach_limit=options["teach_limit"],
                    on_teach=taught,
                )
            except BadFile as error:
                raise CommandError(f"{path}: {error}. Nothing was imported.") from None
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror or error}") from None
        for line in summary.lines():
            self.stdout.write(line)

    def _open(
        self, options: dict[str, Any], path: Path, stack: ExitStack, quiet: bool
    ) -> tuple[str, Iterator[Record], tqdm[Any]]:
        kind = options["format"]
        if kind == "isso":
            if not options["origin"]:
                raise CommandError("--origin is needed for Isso: its database keeps only paths")
            total = isso.count(path)
            bar = stack.enter_context(
                tqdm(total=total, desc=path.name, unit=" comments", disable=quiet or None)
            )
            source = options["source"] or f"isso:{options['origin'].rstrip('/')}"
            return source, isso.read(path, origin=options["origin"], progress=bar.update), bar
        stream = stack.enter_context(path.open("rb"))
        module = wxr if kind == "wordpress" else disqus
        source = options["source"] or module.source_name(stream)
        bar = stack.enter_context(
            tqdm(
                total=path.stat().st_size,
                desc=path.name,
                unit="B",
                unit_scale=True,
                disable=quiet or None,
            )
        )
        return source, module.read(stream, progress=bar.update), bar
