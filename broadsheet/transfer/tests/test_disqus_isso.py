from __future__ import annotations

from django.test import override_settings

from broadsheet.comments.models import Comment, Thread
from broadsheet.transfer.tests.fixtures import disqus_export, isso_database, wordpress_export
from broadsheet.transfer.tests.test_wordpress import ImportTestCase


class DisqusImportTests(ImportTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.run_import("wordpress", str(self.write("site.xml", wordpress_export())), "--no-teach")
        self.wp_comments = Comment.objects.count()
        self.file = self.write("disqus.xml", disqus_export())

    @override_settings(PRIVACY_IP_DAYS=36500)  # the fixture's posts are from 2021
    def test_threads_by_old_address_join_the_article(self) -> None:
        output = self.run_import("disqus", str(self.file), "--no-teach")
        top = Comment.objects.get(author_name="Pérson 1")
        self.assertEqual(top.thread.article.slug, "hello-world")  # by its old permalink
        self.assertEqual(top.content, "Top **level**")
        reply = Comment.objects.get(author_name="Pérson 2")  # listed before its parent
        self.assertEqual((reply.parent, reply.depth, reply.root_id), (top, 1, top.pk))
        self.assertEqual(Comment.objects.get(author_name="Pérson 3").status, Comment.Status.TRASH)
        spam = Comment.objects.get(author_name="Pérson 4")
        self.assertEqual(spam.status, Comment.Status.SPAM)
        self.assertEqual(spam.ip_network, "198.51.100.0/24")
        other = Thread.objects.get(origin="https://other.example")
        self.assertEqual(
            (other.uri, other.title, other.is_closed), ("/page?id=3", "Another page", True)
        )
        self.assertEqual(Comment.objects.get(author_name="Pérson 5").parent, spam)
        cross = Comment.objects.get(author_name="Pérson 7")  # its parent is on another page
        self.assertEqual((cross.parent, cross.depth, cross.thread), (None, 0, top.thread))
        self.assertIn("its page is not in the file", output)
        self.assertIn("Imported from disqus:oldsite", output)

    def test_importing_again_updates_instead_of_duplicating(self) -> None:
        self.run_import("disqus", str(self.file), "--no-teach")
        count = Comment.objects.count()
        output = self.run_import("disqus", str(self.file), "--no-teach")
        self.assertEqual(Comment.objects.count(), count)
        self.assertEqual(count, self.wp_comments + 6)
        self.assertIn("comment: 0 created, 0 updated, 6 unchanged", output)


class IssoImportTests(ImportTestCase):
    def test_isso_database_becomes_threads_of_its_site(self) -> None:
        path = isso_database(self.tmp / "comments.db")
        args = ("isso", str(path), "--origin", "https://blog.example/", "--no-teach")
        output = self.run_import(*args)
        self.assertIn("comment: 5 created", output)
        first = Thread.objects.get(origin="https://blog.example", uri="/blog/first/")
        self.assertEqual(first.title, "First post")
        self.assertEqual(first.approved_count, 2)
        top = Comment.objects.get(author_name="Ïda")
        self.assertEqual(top.content, "Hello *markdown*")
        self.assertIn("<em>markdown</em>", top.content_html)
        self.assertEqual(top.created_at.timestamp(), 1600000000.5)
        reply = Comment.objects.get(content="A reply")
        self.assertEqual((reply.parent, reply.depth), (top, 1))
        self.assertIsNotNone(reply.edited_at)
        self.assertEqual(Comment.objects.get(author_name="Jo").status, Comment.Status.PENDING)
        deleted = Comment.objects.get(thread__uri="/blog/second/", depth=0)
        self.assertEqual(deleted.status, Comment.Status.TRASH)
        self.assertEqual(Comment.objects.get(author_name="Kim").parent, deleted)
        self.run_import(*args)
        self.assertEqual(Comment.objects.count(), 5)

    def test_isso_needs_the_origin(self) -> None:
        from django.core.management import CommandError

        path = isso_database(self.tmp / "comments.db")
        with self.assertRaisesMessage(CommandError, "--origin"):
            self.run_import("isso", str(path))

    def test_a_file_that_is_not_an_isso_database_is_refused(self) -> None:
        from django.core.management import CommandError

        path = self.write("notes.db", "just text")
        with self.assertRaisesMessage(CommandError, "not an Isso database"):
            self.run_import("isso", str(path), "--origin", "https://blog.example")
        self.assertFalse(Comment.objects.exists())
