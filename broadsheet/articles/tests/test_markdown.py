from __future__ import annotations

from broadsheet.lib.markdown import render_markdown
from broadsheet.test import BaseTestCase


def test_markdown_renders_headings_lists_and_quotes() -> None:
    html = render_markdown("## Works\n\n- one\n- two\n\n> said a resident")
    assert "<h2>Works</h2>" in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html


def test_markdown_drops_scripts_and_event_handlers() -> None:
    html = render_markdown('<script>alert(1)</script><p onclick="x()">hi</p>')
    assert "<script" not in html
    assert "onclick" not in html


def test_markdown_keeps_safe_links_with_rel_and_drops_javascript_urls() -> None:
    html = render_markdown("[ok](https://example.org/) [bad](javascript:alert(1))")
    assert 'href="https://example.org/"' in html
    assert 'rel="noopener noreferrer"' in html
    assert 'href="javascript' not in html
    assert "javascript" not in render_markdown('<a href="javascript:alert(1)">x</a>')


def test_markdown_keeps_the_page_title_the_only_h1() -> None:
    assert "<h1" not in render_markdown("# Not a title")


class RenderOnSaveTests(BaseTestCase):
    def test_body_html_is_rendered_when_the_article_is_saved(self) -> None:
        article = self.make_article(body="*one*")
        article.body = "*two*"
        article.save()
        article.refresh_from_db()
        self.assertEqual(article.body_html.strip(), "<p><em>two</em></p>")
