"""What an import did, told at the end: created, updated, unchanged, skipped and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class Summary:
    source: str
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    first_line: dict[tuple[str, str], int] = field(default_factory=dict)
    notes: Counter[str] = field(default_factory=Counter)
    taught: Counter[str] = field(default_factory=Counter)

    def skip(self, kind: str, reason: str, line: int) -> None:
        self.skipped[(kind, reason)] += 1
        self.first_line.setdefault((kind, reason), line)

    def lines(self) -> list[str]:
        out = [_("Imported from %(source)s:") % {"source": self.source}]
        kinds = [*self.created, *self.updated, *self.unchanged]
        for kind in dict.fromkeys(kinds):
            out.append(
                "  "
                + _("%(kind)s: %(created)d created, %(updated)d updated, %(same)d unchanged")
                % {
                    "kind": kind,
                    "created": self.created[kind],
                    "updated": self.updated[kind],
                    "same": self.unchanged[kind],
                }
            )
        for (kind, reason), count in sorted(self.skipped.items()):
            text = _("%(kind)s: %(count)d skipped: %(reason)s") % {
                "kind": kind,
                "count": count,
                "reason": reason,
            }
            line = self.first_line[(kind, reason)]
            if line:
                text += " " + _("(first on line %(line)d)") % {"line": line}
            out.append("  " + text)
        for note, count in sorted(self.notes.items()):
            out.append(f"  {note}: {count}")
        if self.taught:
            out.append(
                "  "
                + _("spam filter taught: %(spam)d spam, %(ham)d not spam")
                % {"spam": self.taught["spam"], "ham": self.taught["ham"]}
            )
        return out
