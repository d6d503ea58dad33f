from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from broadsheet.antispam.models import Feedback
from broadsheet.articles.models import Article, Section
from broadsheet.comments.models import Comment, ModerationEvent, Thread
from broadsheet.privacy.actions import do_staff_request
from broadsheet.privacy.inventory import DELETED
from broadsheet.privacy.models import PrivacyRequest
from broadsheet.test import BaseTestCase
from broadsheet.transfer.export import write_json
from broadsheet.transfer.models import ImportedObject, LegacyPath
from broadsheet.transfer.tests.fixtures import wordpress_export


class ImportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp())

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.tmp / name
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8")
        else:
            path.write_bytes(text)
        return path

    def run_import(self, *args: str) -> str:
        out = StringIO()
        call_command("import", *args, "--quiet", stdout=out)
        return out.getvalue()

    def comment(self, author: str) -> Comment:
        return Comment.objects.get(author_name=author)


class WordPressImportTests(ImportTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.file = self.write("site.xml", wordpress_export())

    def test_posts_become_articles_with_sections_bylines_and_dates(self) -> None:
        self.run_import("wordpress", str(self.file), "--no-teach")
        hello = Article.objects.get(slug="hello-world")
        self.assertEqual(hello.title, "Hello wörld & “quotes”")
        self.assertEqual(hello.byline, "Jane Doe")
        self.assertEqual(hello.section.slug, "news")
        self.assertEqual(hello.section.description, "What happened")
        self.assertEqual(hello.summary, "The first post.")
        self.assertEqual(hello.status, Article.Status.PUBLISHED)
        self.assertEqual(hello.published_at.isoformat(), "2020-01-02T03:04:05+00:00")
        self.assertEqual(hello.updated_at, hello.published_at)  # not "updated" today
        self.assertIn("Grüße aus Köln", hello.body_html)
        self.assertIn("*not emphasis on WordPress*", hello.body_html)  # as WordPress shows it
        self.assertIn("1. not a list", hello.body_html)
        self.assertNotIn("<script", hello.body_html)
        self.assertIn("<script", hello.body)  # kept, so nothing is lost on the way out
        draft = Article.objects.get(title="A draft")
        self.assertEqual((draft.status, draft.published_at), (Article.Status.DRAFT, None))
        self.assertEqual(draft.slug, "a-draft")
        self.assertEqual(draft.byline, "José Ñúñez")
        self.assertEqual(draft.section.slug, "uncategorized")
        self.assertTrue(draft.summary)
        future = Article.objects.get(slug="coming-soon")
        self.assertEqual(future.status, Article.Status.SCHEDULED)
        self.assertEqual(future.section.slug, "umlaut")
        self.assertEqual(future.section.name, "Ümlaut")
        self.assertTrue(future.comment_thread.is_closed)
        self.assertEqual(Article.objects.get(slug="cdata-end").body, "<p>a ]]> b</p>")
        self.assertEqual(Article.objects.count(), 4)  # page, attachment and trash skipped

    @override_settings(PRIVACY_IP_DAYS=36500)  # the fixture's comments are from 2020
    def test_comments_keep_threads_statuses_and_only_the_network(self) -> None:
        output = self.run_import("wordpress", str(self.file), "--no-teach")
        top, one, two, three = (self.comment(n) for n in ("Ann", "Bob", "Cé", "Dee"))
        self.assertEqual([c.depth for c in (top, one, two, three)], [0, 1, 2, 3])
        self.assertEqual({c.root_id for c in (top, one, two, three)}, {top.pk})
        self.assertEqual(three.parent, two)
        late = self.comment("Zoë Ångström")
        self.assertEqual((late.parent, late.depth), (self.comment("Eve"), 1))
        statuses = {c.author_name: c.status for c in Comment.objects.all()}
        self.assertEqual(statuses["Eve"], Comment.Status.PENDING)
        self.assertEqual(statuses["Spammer"], Comment.Status.SPAM)
        self.assertEqual(statuses["Fay"], Comment.Status.TRASH)
        self.assertEqual(statuses["Ann"], Comment.Status.APPROVED)
        orphan = self.comment("Hal")
        self.assertEqual((orphan.parent, orphan.depth, orphan.root_id), (None, 0, orphan.pk))
        self.assertEqual(top.created_at.isoformat(), "2020-01-02T10:00:00+00:00")
        self.assertEqual(top.ip_network, "203.0.113.0/24")
        self.assertEqual(two.ip_network, "2001:db8:1::/48")
        self.assertEqual(len(top.ip_hash), 32)
        self.assertEqual(len(top.email_hash), 32)
        stored = str(list(Comment.objects.values()))
        self.assertNotIn("203.0.113.9", stored)
        self.assertNotIn("2001:db8:1:2::7", stored)
        self.assertEqual(
            top.content,
            "[a link](https://example.org/a?b=1&c=2) & \\<tags\\> **unclosed bold\n\n"
            "> quoted\n>\n> > deeper\n>\nafter \\*stars\\* \\_under\\_ \\[brackets\\] # hash\n"
            "\\- dash",
        )
        self.assertIn('<a href="https://example.org/a?b=1&amp;c=2"', top.content_html)
        self.assertNotIn("alert", top.content_html)
        thread = Article.objects.get(slug="hello-world").comment_thread
        self.assertEqual(thread.approved_count, 7)
        self.assertIn("pingbacks and trackbacks are not comments", output)
        self.assertIn("its post was not imported", output)
        self.assertIn("comment: 10 created", output)

    def test_comments_older_than_the_ip_retention_keep_no_ip_data(self) -> None:
        self.run_import("wordpress", str(self.file), "--no-teach")
        self.assertFalse(Comment.objects.exclude(ip_network="", ip_hash="").exists())

    def test_akismet_copy_of_the_submission_is_not_kept(self) -> None:
        self.run_import("wordpress", str(self.file), "--no-teach")
        extras = str(list(ImportedObject.objects.values_list("extra", flat=True)))
        self.assertNotIn("203.0.113.9", extras)
        self.assertNotIn("akismet_as_submitted", extras)

    def test_akismet_history_becomes_moderation_events(self) -> None:
        self.run_import("wordpress", str(self.file), "--no-teach")
        events = ModerationEvent.objects.filter(comment=self.comment("Spammer"))
        self.assertEqual(
            [(e.action, e.to_status, e.created_at.timestamp()) for e in events],
            [
                ("akismet-check-spam", "spam", 1580000100.25),
                ("akismet-report-spam", "spam", 1580000200),
            ],
        )
        mapped = ImportedObject.objects.get(comment=self.comment("Gus"))
        self.assertEqual(mapped.lesson, "ham")
        self.assertEqual([k for k, _v in mapped.extra["meta"]], ["akismet_history"] * 2)

    def test_spam_and_rescued_ham_teach_the_spam_filter_once(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.run_import("wordpress", str(self.file))
        self.assertEqual(
            sorted(Feedback.objects.filter(site="local").values_list("spam", flat=True)),
            [False, True],
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.run_import("wordpress", str(self.file))
        self.assertEqual(Feedback.objects.filter(site="local").count(), 2)

    def test_no_teach_leaves_the_spam_filter_alone(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.run_import("wordpress", str(self.file), "--no-teach")
        self.assertFalse(Feedback.objects.exists())

    def test_importing_again_updates_instead_of_duplicating(self) -> None:
        self.run_import("wordpress", str(self.file), "--no-teach")
        counts = (Article.objects.count(), Comment.objects.count(), Section.objects.count())
        edited = wordpress_export().replace("Level one", "Level one, edited")
        output = self.run_import("wordpress", str(self.write("again.xml", edited)), "--no-teach")
        self.assertEqual(
            (Article.objects.count(), Comment.objects.count(), Section.objects.count()), counts
        )
        self.assertIn("comment: 0 created, 1 updated, 9 unchanged", output)
        self.assertEqual(self.comment("Bob").content, "Level one, edited")
        self.assertEqual(ModerationEvent.objects.count(), 4)  # not added again

    def test_a_reader_erased_since_stays_erased_when_the_old_file_is_imported_again(self) -> None:
        self.run_import("wordpress", str(self.file), "--no-teach")
        do_staff_request(
            email="ANN@example.org ",
            kind=PrivacyRequest.Kind.ERASE,
            actor=None,
            source=PrivacyRequest.Source.COMMAND,
            replace_content=True,
        )
        output = self.run_import("wordpress", str(self.file), "--no-teach")
        self.assertIn("comment: 0 created, 0 updated, 10 unchanged", output)
        ann = Comment.objects.get(author_name="Anonymous")
        self.assertEqual((ann.author_email, ann.author_url, ann.email_hash), ("", "", ""))
        self.assertEqual(ann.content, DELETED)
        self.assertEqual(ImportedObject.objects.get(comment=ann).extra, {})
        self.assertEqual(self.comment("Bob").content, "Level one")  # others are as they were
        # Nor does a first import into a site where she had been erased bring her back.
        Comment.objects.all().delete()
        self.run_import("wordpress", str(self.file), "--no-teach")
        self.assertEqual(Comment.objects.get(author_name="Anonymous").content, DELETED)
        self.assertFalse(Comment.objects.filter(author_email="ann@example.org").exists())

    def test_a_taken_slug_gets_a_suffix(self) -> None:
        self.make_article("Hello world")  # slug hello-world, not from the import
        output = self.run_import("wordpress", str(self.file), "--no-teach")
        self.assertTrue(Article.objects.filter(slug="hello-world-2", byline="Jane Doe").exists())
        self.assertIn("articles given a new slug", output)


class LegacyRedirectTests(ImportTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.run_import("wordpress", str(self.write("site.xml", wordpress_export())), "--no-teach")

    def test_old_permalink_redirects_permanently(self) -> None:
        for old in ("/2020/01/hello-world/", "/2020/01/hello-world", "/2020/01/hello/"):
            response = self.client.get(old)
            self.assertRedirects(
                response, "/articles/hello-world/", status_code=301, fetch_redirect_response=False
            )

    def test_unknown_address_is_still_404(self) -> None:
        self.assertEqual(self.client.get("/2020/01/nothing/").status_code, 404)
        self.assertEqual(self.client.post("/2020/01/hello-world/").status_code, 404)

    def test_existing_pages_never_look_up_old_paths(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get("/articles/hello-world/").status_code, 200)
        self.assertFalse([q for q in queries if "transfer_legacypath" in q["sql"]])

    def test_permalink_of_the_new_site_is_not_stored(self) -> None:
        self.assertEqual(
            sorted(LegacyPath.objects.values_list("path", flat=True)),
            ["/2020/01/coming-soon", "/2020/01/hello", "/2020/01/hello-world"],
        )


def snapshot() -> dict[str, Any]:
    """The site as JSON, with database ids replaced by what identifies each thing."""
    out = StringIO()
    write_json(out)
    data = json.loads(out.getvalue())
    articles = {a["id"]: a["slug"] for a in data["articles"]}
    threads = {
        t["id"]: articles.get(t["article"]) or t["origin"] + t["uri"] for t in data["threads"]
    }
    comments = {
        c["id"]: (threads[c["thread"]], c["created_at"], c["author_name"]) for c in data["comments"]
    }
    for item in data["sections"] + data["articles"] + data["threads"] + data["comments"]:
        item.pop("id")
    for item in data["comments"]:
        item["thread"] = threads[item["thread"]]
        item["parent"] = comments.get(item["parent"])
    for item in data["threads"]:
        item["article"] = articles.get(item["article"])
    for item in data["legacy_paths"]:
        item["article"] = articles[item["article"]]
    data["comments"].sort(key=lambda c: (c["thread"], c["created_at"], c["author_name"]))
    for name in ("exported_at", "imported"):
        data.pop(name)
    return data


@override_settings(PRIVACY_IP_DAYS=36500)  # so the 2020 comments keep their networks and hashes
class RoundTripTests(ImportTestCase):
    def test_wxr_export_imported_into_an_empty_site_compares_equal(self) -> None:
        self.run_import("wordpress", str(self.write("site.xml", wordpress_export())), "--no-teach")
        before = snapshot()
        self.assertEqual(len(before["comments"]), 10)
        self.assertTrue(all(c["ip_hash"] for c in before["comments"]))
        exported = self.tmp / "out.xml"
        call_command("export", "--format", "wxr", str(exported), stderr=StringIO())
        for model in (Thread, Article, Section, ImportedObject):
            model.objects.all().delete()
        self.assertFalse(Comment.objects.exists())
        output = self.run_import("wordpress", str(exported), "--no-teach")
        self.assertIn("comment: 10 created", output)
        after = snapshot()
        for name in before:
            self.assertEqual(before[name], after[name], name)

    def test_json_export_holds_everything(self) -> None:
        self.run_import("wordpress", str(self.write("site.xml", wordpress_export())), "--no-teach")
        path = self.tmp / "site.json"
        call_command("export", str(path), stderr=StringIO())
        data = json.loads(path.read_text())
        self.assertEqual((data["format"], data["version"]), ("broadsheet", 1))
        self.assertEqual(len(data["comments"]), Comment.objects.count())
        self.assertEqual(len(data["articles"]), 4)
        spam = next(c for c in data["comments"] if c["author_name"] == "Spammer")
        self.assertEqual(
            [e["action"] for e in spam["events"]], ["akismet-check-spam", "akismet-report-spam"]
        )
        self.assertEqual(len(data["imported"]), ImportedObject.objects.count())


class RefusedFileTests(ImportTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.good = wordpress_export()
        self.run_import("wordpress", str(self.write("site.xml", self.good)), "--no-teach")
        self.before = self.counts()

    def counts(self) -> list[int]:
        models = (Article, Section, Thread, Comment, ModerationEvent, ImportedObject, LegacyPath)
        return [m.objects.count() for m in models]

    def refused(self, name: str, content: str | bytes) -> str:
        path = self.write(name, content)
        with self.assertRaises(CommandError) as raised:
            self.run_import("wordpress", str(path), "--no-teach", "--source", "other")
        self.assertEqual(self.counts(), self.before)  # nothing of it was written
        message = str(raised.exception)
        self.assertIn("Nothing was imported", message)
        return message

    def test_truncated_file_names_line_and_element(self) -> None:
        cut = self.good.index("Trashed")  # deep inside the first post's comments
        message = self.refused("cut.xml", self.good[:cut])
        line = self.good[:cut].count("\n") + 1
        self.assertIn(f"line {line},", message)
        self.assertIn("inside <wp:comment_content>", message)

    def test_truncated_after_whole_posts_writes_none_of_them(self) -> None:
        cut = self.good.index("<item>", self.good.index("CDATA end") - 600)
        message = self.refused("cut.xml", self.good[:cut])
        self.assertIn("inside <channel>", message)

    def test_bad_encoding_names_line_and_element(self) -> None:
        data = self.good.encode().replace(b"Level one", b"Level \xff one")
        message = self.refused("latin.xml", data)
        line = self.good[: self.good.index("Level one")].count("\n") + 1
        self.assertIn(f"line {line},", message)
        self.assertIn("not valid in the file's encoding", message)
        self.assertIn("<wp:comment_content>", message)

    def test_billion_laughs_is_refused(self) -> None:
        entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
        bomb = (
            f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY lol0 "lol">{entities}]>\n'
            "<rss><channel><title>&lol9;</title></channel></rss>"
        )
        message = self.refused("bomb.xml", bomb)
        self.assertIn("line 2: the file declares a DTD", message)

    def test_external_entity_is_refused(self) -> None:
        xxe = (
            '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            "<rss><channel><title>&xxe;</title></channel></rss>"
        )
        message = self.refused("xxe.xml", xxe)
        self.assertIn("declares a DTD", message)

    def test_other_xml_is_refused(self) -> None:
        message = self.refused("other.xml", "<html><body/></html>")
        self.assertIn("not a WordPress export", message)
