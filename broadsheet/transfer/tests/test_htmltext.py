from __future__ import annotations

from django.test import SimpleTestCase

from broadsheet.lib.markdown import render_comment, render_markdown
from broadsheet.transfer import phpserial
from broadsheet.transfer.htmltext import article_html, comment_markdown


class CommentMarkdownTests(SimpleTestCase):
    def test_links_emphasis_and_breaks_survive(self) -> None:
        markdown = comment_markdown('Hi <b>you</b>, see <a href="https://a.example/x">this</a>\nok')
        self.assertEqual(markdown, "Hi **you**, see [this](https://a.example/x)\nok")
        html = render_comment(markdown)
        self.assertIn("<strong>you</strong>", html)
        self.assertIn("<br>", html)

    def test_markdown_characters_in_text_stay_text(self) -> None:
        html = render_comment(comment_markdown("2020. A year\n# not a heading\n*x* [y] &amp;copy;"))
        self.assertIn("2020. A year", html)
        self.assertIn("# not a heading", html)
        self.assertIn("*x* [y] &amp;copy;", html)

    def test_nested_quotes_and_scripts(self) -> None:
        markdown = comment_markdown(
            "<blockquote>a<blockquote>b</blockquote></blockquote><script>x</script>c"
        )
        self.assertEqual(markdown, "> a\n>\n> > b\n>\nc")


class ArticleHtmlTests(SimpleTestCase):
    def test_paragraphs_are_made_explicit_once(self) -> None:
        content = "One *star*\ntwo\n\n<h2>Head</h2>\n\n<pre>a\n\nb</pre>"
        html = article_html(content)
        self.assertEqual(article_html(html), html)
        rendered = render_markdown(html)
        self.assertIn("<p>One *star*<br>", rendered)
        self.assertIn("<pre>a\n\nb</pre>", rendered)


class PhpSerialTests(SimpleTestCase):
    def test_reads_akismet_history(self) -> None:
        value = 'a:2:{s:4:"time";d:1.5;s:5:"event";s:6:"café!";}'
        self.assertEqual(phpserial.loads(value), {"time": 1.5, "event": "café!"})

    def test_refuses_broken_values(self) -> None:
        with self.assertRaises(phpserial.NotSerialized):
            phpserial.loads('s:9:"short";')
