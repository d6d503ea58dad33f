"""Writing records into the site: creating what is new, updating what an earlier import made.

Comments are written in batches with ``bulk_create``, and get exactly what ``Comment.save``
would give them (rendered HTML, root and depth from the parent); the parent of a reply may come
later in the file, or in an earlier batch, so each batch looks its parents up by external id.
Runs inside the caller's transaction (``actions.do_import``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from broadsheet.articles.models import Article, Section
from broadsheet.comments.models import Comment, ModerationEvent, Thread
from broadsheet.comments.subscriptions import email_hash
from broadsheet.lib.ip import truncate
from broadsheet.lib.markdown import render_comment
from broadsheet.lib.useragent import family
from broadsheet.privacy import keys
from broadsheet.privacy.inventory import Person, erased_addresses, erased_comment
from broadsheet.transfer.models import ImportedObject, LegacyPath, normalise
from broadsheet.transfer.records import (
    ArticleRecord,
    CommentRecord,
    Record,
    SectionRecord,
    Skip,
    ThreadRecord,
)
from broadsheet.transfer.summary import Summary

BATCH = 1000
Kind = ImportedObject.Kind

# The comment fields an import sets, and an update compares and writes (with content_html).
COMMENT_FIELDS = [
    "author_name",
    "author_email",
    "author_url",
    "content",
    "status",
    "moderation_reasons",
    "spam_score",
    "spam_reasons",
    "created_at",
    "edited_at",
    "ip_network",
    "ip_hash",
    "email_hash",
    "user_agent_family",
]


def lesson(record: CommentRecord) -> str:
    """The spam decision a moderator made on this comment, if the file shows one.

    Spam is a decision. An approved comment is only one if it was once judged spam, or reported
    as not spam: every approved comment would teach little and take long (each lesson is a
    database write in the spam engine).
    """
    if record.status == Comment.Status.SPAM:
        return "spam"
    if record.status == Comment.Status.APPROVED and any(
        e.to_status == Comment.Status.SPAM or e.action in ("ham", "akismet-report-ham")
        for e in record.events
    ):
        return "ham"
    return ""


class Importer:
    def __init__(self, source: str, summary: Summary) -> None:
        self.source = source
        self.summary = summary
        self.sections: dict[str, int] = {}  # external id -> Section pk
        self.threads: dict[str, int] = {}  # external article or thread id -> Thread pk
        self.pending: list[CommentRecord] = []
        # Replies whose parent has not been written yet, by the parent's external id.
        self.waiting: dict[str, list[CommentRecord]] = {}
        self.touched: set[int] = set()  # threads whose counts need recounting
        self.now = timezone.now()
        self.ip_cutoff = self.now - timedelta(days=settings.PRIVACY_IP_DAYS)
        # Readers who had their data erased stay erased, whatever an older file holds.
        self.erased = erased_addresses()

    def add_all(self, records: Iterable[Record]) -> None:
        for record in records:
            if isinstance(record, Skip):
                self.summary.skip(record.kind, record.reason, record.line)
            elif isinstance(record, SectionRecord):
                self._section(record)
            elif isinstance(record, ArticleRecord):
                self._article(record)
            elif isinstance(record, ThreadRecord):
                self._thread(record)
            else:
                self._queue(record)
        self._finish()

    def _mapping(self, kind: str, external_id: str) -> ImportedObject | None:
        return (
            ImportedObject.objects.filter(source=self.source, kind=kind, external_id=external_id)
            .select_related(kind)
            .first()
        )

    def _count(self, kind: str, created: bool, changed: bool = True) -> None:
        counter = (
            self.summary.created
            if created
            else (self.summary.updated if changed else self.summary.unchanged)
        )
        counter[kind] += 1

    # --- sections, articles, threads: few, written one by one ---

    def _section(self, record: SectionRecord) -> None:
        mapped = self._mapping(Kind.SECTION, record.external_id)
        if mapped is not None and mapped.section is not None:
            section = mapped.section
            before = (section.name, section.description, section.position)
            section.name, section.description = record.name[:80], record.description[:300]
            if record.position is not None:
                section.position = record.position
            changed = before != (section.name, section.description, section.position)
            if changed:
                section.save()
            self._count("section", False, changed)
        else:
            # A section of the same slug already here is the same section: used as it is.
            section, created = Section.objects.get_or_create(
                slug=record.slug,
                defaults={
                    "name": record.name[:80],
                    "description": record.description[:300],
                    "position": record.position or 0,
                },
            )
            self._count("section", created, False)
            ImportedObject.objects.create(
                source=self.source,
                kind=Kind.SECTION,
                external_id=record.external_id,
                section=section,
            )
        self.sections[record.external_id] = section.pk

    def _article(self, record: ArticleRecord) -> None:
        mapped = self._mapping(Kind.ARTICLE, record.external_id)
        article = mapped.article if mapped is not None else None
        created = article is None
        if article is None:
            article = Article(slug=self._free_slug(record.slug))
        fields = {
            "title": record.title[:200],
            "section_id": self.sections[record.section_id or ""],
            "summary": record.summary,
            "body": record.body,
            "byline": record.byline[:200],
            "status": record.status,
            "published_at": record.published_at,
        }
        changed = created or any(getattr(article, k) != v for k, v in fields.items())
        for name, value in fields.items():
            setattr(article, name, value)
        if changed:
            article.save()
            # auto_now stamped the import's time: the article keeps its own.
            Article.objects.filter(pk=article.pk).update(
                updated_at=record.updated_at or article.published_at or self.now
            )
        self._count("article", created, changed)
        if mapped is None:
            ImportedObject.objects.create(
                source=self.source,
                kind=Kind.ARTICLE,
                external_id=record.external_id,
                article=article,
                extra=record.extra,
            )
        elif mapped.extra != record.extra:
            mapped.article = article
            mapped.extra = record.extra
            mapped.save(update_fields=["article", "extra"])
        thread, _created = Thread.objects.get_or_create(
            article=article, defaults={"is_closed": record.is_closed}
        )
        if thread.is_closed != record.is_closed:
            Thread.objects.filter(pk=thread.pk).update(is_closed=record.is_closed)
        self.threads[record.external_id] = thread.pk
        self._legacy_paths(article, record.legacy_paths)
        for comment in record.comments:
            self._queue(comment)

    def _free_slug(self, slug: str) -> str:
        """The slug, or with -2, -3… when another article has it already."""
        candidate, number = slug, 1
        while Article.objects.filter(slug=candidate).exists():
            number += 1
            suffix = f"-{number}"
            candidate = slug[: 200 - len(suffix)] + suffix
        if number > 1:
            self.summary.notes[_("articles given a new slug (theirs was taken)")] += 1
        return candidate

    def _legacy_paths(self, article: Article, paths: list[str]) -> None:
        here = normalise(article.get_absolute_url())
        for raw in dict.fromkeys(paths):
            path = normalise(unquote(raw))
            if path == here or path == "/" or len(path) > 500:
                continue
            LegacyPath.objects.update_or_create(path=path, defaults={"article": article})

    def _thread(self, record: ThreadRecord) -> None:
        mapped = self._mapping(Kind.THREAD, record.external_id)
        if mapped is not None and mapped.thread is not None:
            thread = mapped.thread
            changed = (thread.is_closed, thread.title) != (record.is_closed, record.title[:300])
            if changed:
                thread.is_closed, thread.title = record.is_closed, record.title[:300]
                thread.save(update_fields=["is_closed", "title"])
            self._count("thread", False, changed)
        else:
            thread, created = self._find_thread(record)
            self._count("thread", created, False)
            ImportedObject.objects.create(
                source=self.source, kind=Kind.THREAD, external_id=record.external_id, thread=thread
            )
        self.threads[record.external_id] = thread.pk

    def _find_thread(self, record: ThreadRecord) -> tuple[Thread, bool]:
        """The page's thread: an article's when the address was or is one of ours."""
        parts = urlsplit(record.url)
        article = self._article_at(parts.path, f"{parts.scheme}://{parts.netloc}")
        if article is not None:
            return Thread.objects.get_or_create(
                article=article, defaults={"is_closed": record.is_closed}
            )
        origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        return Thread.objects.get_or_create(
            article=None,
            origin=origin[:200],
            uri=uri[:500],
            defaults={"title": record.title[:300], "is_closed": record.is_closed},
        )

    def _article_at(self, path: str, origin: str) -> Article | None:
        legacy = LegacyPath.objects.filter(path=normalise(unquote(path))).first()
        if legacy is not None:
            return legacy.article
        if origin not in ("://", settings.BASE_URL):
            return None
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.view_name != "articles:article":
            return None
        return Article.objects.filter(slug=match.kwargs["slug"]).first()

    # --- comments: many, written in batches ---

    def _queue(self, record: CommentRecord) -> None:
        if record.thread_id not in self.threads:
            self.summary.skip("comment", _("its page is not in the file"), record.line)
            return
        self.pending.append(record)
        if len(self.pending) >= BATCH:
            self._flush()

    def _finish(self) -> None:
        while True:
            while self.pending:
                self._flush()
            if not self.waiting:
                break
            # Parents that never came: their replies are shown at the top of the thread.
            queued = {r.external_id for replies in self.waiting.values() for r in replies}
            missing = next((p for p in self.waiting if p not in queued), next(iter(self.waiting)))
            for reply in self.waiting.pop(missing):
                reply.parent_id = None
                self.summary.notes[_("replies whose parent is not in the file (shown on top)")] += 1
                self.pending.append(reply)
        self._recount()

    def _flush(self) -> None:
        batch: list[CommentRecord] = []
        seen: set[str] = set()
        for record in self.pending:
            if record.external_id in seen:
                self.summary.skip("comment", _("its id appears twice in the file"), record.line)
            else:
                seen.add(record.external_id)
                batch.append(record)
        self.pending = []
        ids = [r.external_id for r in batch]
        existing = {
            m.external_id: m
            for m in ImportedObject.objects.filter(
                source=self.source, kind=Kind.COMMENT, external_id__in=ids
            ).select_related("comment")
        }
        # external id -> (pk, root, depth, thread) of comments a reply can hang from
        known: dict[str, tuple[int, int, int, int]] = {}
        for external_id, mapped in existing.items():
            c = mapped.comment
            assert c is not None
            assert c.root_id is not None
            known[external_id] = (c.pk, c.root_id, c.depth, c.thread_id)
        parents = {r.parent_id for r in batch if r.parent_id} - set(ids)
        for row in ImportedObject.objects.filter(
            source=self.source, kind=Kind.COMMENT, external_id__in=parents
        ).values_list(
            "external_id", "comment_id", "comment__root_id", "comment__depth", "comment__thread_id"
        ):
            external_id, pk, root, depth, thread = row
            known[external_id] = (pk, root or pk, depth, thread)
        self._update([r for r in batch if r.external_id in existing], existing)
        todo = [r for r in batch if r.external_id not in existing]
        while todo:
            ready = [r for r in todo if r.parent_id is None or r.parent_id in known]
            if not ready:
                break
            self._create(ready, known)
            todo = [r for r in todo if r.external_id not in known]
        for reply in todo:
            self.waiting.setdefault(reply.parent_id or "", []).append(reply)
        for parent_id in [p for p in self.waiting if p in known]:
            self.pending.extend(self.waiting.pop(parent_id))

    def _values(self, record: CommentRecord) -> dict[str, Any]:
        created_at = record.created_at or self.now
        # IP data older than the privacy notice keeps it would be purged at once: never stored.
        recent = created_at >= self.ip_cutoff
        network = truncate(record.ip) if record.ip and recent else ""
        if not recent:
            ip_hash = ""
        elif record.ip_hash is not None:  # written by Broadsheet: the hash it kept
            ip_hash = record.ip_hash
        else:
            ip_hash = keys.ip_hash(record.ip) if network else ""
        ua_family = record.user_agent_family
        if ua_family is None:
            ua_family = family(record.user_agent)
        values = {
            "author_name": record.author_name[:100],
            "author_email": record.author_email[:254],
            "author_url": record.author_url[:300],
            "content": record.content,
            "status": record.status,
            "moderation_reasons": record.moderation_reasons,
            "spam_score": record.spam_score,
            "spam_reasons": record.spam_reasons,
            "created_at": created_at,
            "edited_at": record.edited_at,
            "ip_network": network,
            "ip_hash": ip_hash,
            "email_hash": email_hash(record.author_email) if record.author_email else "",
            "user_agent_family": ua_family if recent else "",
        }
        replace = self._erased(record)
        if replace is not None:
            values.update((k, v) for k, v in erased_comment(replace).items() if k in values)
        return values

    def _erased(self, record: CommentRecord) -> bool | None:
        """For an author whose data was erased: whether their texts went too; else None."""
        if not record.author_email.strip():
            return None
        return self.erased.get(Person(record.author_email).email_hash)

    def _extra(self, record: CommentRecord) -> dict[str, Any]:
        return {} if self._erased(record) is not None else record.extra

    def _create(
        self, records: list[CommentRecord], known: dict[str, tuple[int, int, int, int]]
    ) -> None:
        comments: list[Comment] = []
        for record in records:
            thread = self.threads[record.thread_id]
            parent = known.get(record.parent_id or "")
            if parent is not None and parent[3] != thread:
                parent = None  # a parent under another page: kept at the top of its own
            values = self._values(record)
            comments.append(
                Comment(
                    thread_id=thread,
                    parent_id=parent[0] if parent else None,
                    root_id=parent[1] if parent else None,
                    depth=parent[2] + 1 if parent else 0,
                    content_html=render_comment(values["content"]),
                    **values,
                )
            )
            self.touched.add(thread)
        Comment.objects.bulk_create(comments)
        # A top-level comment is the root of its branch, which needs its new id (as in save()).
        tops = [c.pk for c in comments if c.root_id is None]
        Comment.objects.filter(pk__in=tops).update(root=F("pk"))
        for comment, record in zip(comments, records, strict=True):
            comment.root_id = comment.root_id or comment.pk
            known[record.external_id] = (
                comment.pk,
                comment.root_id,
                comment.depth,
                comment.thread_id,
            )
        ImportedObject.objects.bulk_create(
            ImportedObject(
                source=self.source,
                kind=Kind.COMMENT,
                external_id=record.external_id,
                comment=comment,
                extra=self._extra(record),
                lesson=lesson(record),
            )
            for comment, record in zip(comments, records, strict=True)
        )
        self._events(comments, records)
        self.summary.created["comment"] += len(comments)

    def _events(self, comments: list[Comment], records: list[CommentRecord]) -> None:
        events = [
            ModerationEvent(
                comment=comment,
                action=event.action[:20],
                from_status=event.from_status[:10],
                to_status=event.to_status[:10],
                created_at=event.created_at or comment.created_at,
            )
            for comment, record in zip(comments, records, strict=True)
            for event in record.events
        ]
        ModerationEvent.objects.bulk_create(events)

    def _update(self, records: list[CommentRecord], existing: dict[str, ImportedObject]) -> None:
        changed: list[Comment] = []
        mappings: list[ImportedObject] = []
        for record in records:
            mapped = existing[record.external_id]
            comment = mapped.comment
            assert comment is not None
            values = self._values(record)
            differs = any(getattr(comment, k) != v for k, v in values.items())
            if differs:
                values["content_html"] = render_comment(values["content"])
                for name, value in values.items():
                    setattr(comment, name, value)
                changed.append(comment)
                self.touched.add(comment.thread_id)
            self._count("comment", False, differs)
            extra = self._extra(record)
            if (mapped.extra, mapped.lesson) != (extra, lesson(record)):
                mapped.extra, mapped.lesson = extra, lesson(record)
                mappings.append(mapped)
        Comment.objects.bulk_update(changed, [*COMMENT_FIELDS, "content_html"])
        ImportedObject.objects.bulk_update(mappings, ["extra", "lesson"])

    def _recount(self) -> None:
        """Threads' approved counts, and their versions so cached renderings go stale."""
        approved = (
            Comment.objects.filter(thread=OuterRef("pk"), status=Comment.Status.APPROVED)
            .order_by()
            .values("thread")
            .annotate(n=Count("pk"))
            .values("n")
        )
        touched = sorted(self.touched)
        for start in range(0, len(touched), 500):
            Thread.objects.filter(pk__in=touched[start : start + 500]).update(
                approved_count=Coalesce(Subquery(approved), 0), version=F("version") + 1
            )
