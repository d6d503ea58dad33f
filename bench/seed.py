"""Seed a benchmark's data folder: `python bench/seed.py comments SLUG COUNT`.

Adds COUNT approved comments under the article SLUG, half of them replies, as a busy
thread would have them.
"""

from __future__ import annotations

import os
import sys


def seed_comments(slug: str, count: int) -> None:
    from broadsheet.articles.models import Article
    from broadsheet.comments.models import Comment, Thread

    thread, _ = Thread.objects.get_or_create(article=Article.objects.get(slug=slug))
    for n in range(count // 2):
        text = f"Comment {n}: the *new* ramps make the bridge usable for everyone. " * 3
        top = Comment.objects.create(
            thread=thread,
            author_name=f"Reader {n}",
            content=text,
            status=Comment.Status.APPROVED,
        )
        reply = f"Reply {n}: agreed, and the lighting helps after dark."
        Comment.objects.create(
            thread=thread,
            parent=top,
            author_name=f"Neighbour {n}",
            content=reply,
            status=Comment.Status.APPROVED,
        )
    thread.approved_count = Comment.objects.filter(thread=thread).count()
    thread.save(update_fields=["approved_count"])


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()
    what, slug, count = sys.argv[1:4]
    if what != "comments":
        raise SystemExit(f"nothing to seed called {what!r}")
    seed_comments(slug, int(count))


if __name__ == "__main__":
    main()
