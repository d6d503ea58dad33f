"""Markdown to sanitised HTML, done once when text is saved rather than on every read."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"typographer": True}).enable(["table", "strikethrough"])

ARTICLE_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "del", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ARTICLE_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> str:
    """Render Markdown and keep only the tags an article body may hold.

    ``<h1>`` is not allowed: the page's title is its only first-level heading.
    """
    html = _md.render(text)
    return nh3.clean(
        html,
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# Readers' comments get a smaller Markdown: no headings, images, rules or raw HTML, and
# single line breaks kept, as people type them.
_comment_md = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(
    ["heading", "lheading", "image", "hr", "html_block", "html_inline"]
)
COMMENT_TAGS = {"a", "blockquote", "br", "code", "em", "li", "ol", "p", "pre", "strong", "ul"}


def render_comment(text: str) -> str:
    """Render a comment; its links tell search engines that readers, not we, wrote them."""
    return nh3.clean(
        _comment_md.render(text),
        tags=COMMENT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )
