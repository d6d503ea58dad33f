"""WordPress and Disqus HTML, turned into what Broadsheet stores.

Comments are Markdown with raw HTML switched off, so a comment's HTML becomes the Markdown that
means the same (links, emphasis, quotes, code, lists, line breaks); other tags keep their text.
Article bodies are Markdown with HTML allowed, so WordPress's HTML is kept as it is, only with
its paragraphs made explicit as WordPress's own ``wpautop`` does when it shows a post.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_ESCAPE = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*(?:\d{1,9})?)([#+=|.)-])", re.MULTILINE)
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
QUOTE_START, QUOTE_END = "\x00quote-start\x00", "\x00quote-end\x00"
_QUOTE_MARK = re.compile("(\x00quote-(?:start|end)\x00)")


def _escape(text: str) -> str:
    text = _ESCAPE.sub(r"\\\1", text)
    text = _ENTITY_LIKE.sub(r"\\&", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


class _ToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str] = []
        self.lists: list[str] = []  # "ul" or "ol" for each open list
        self.quote = 0
        self.pre = False
        self.hidden = 0  # inside <script> or <style>, whose text is not the comment's

    def _write(self, text: str) -> None:
        self.out.append(text)

    def _break(self, blank: bool) -> None:
        self._write("\n\n" if blank else "\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in ("strong", "b"):
            self._write("**")
        elif tag in ("em", "i", "cite"):
            self._write("*")
        elif tag == "code" and not self.pre:
            self._write("`")
        elif tag == "pre":
            self._break(True)
            self._write("```\n")
            self.pre = True
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self._write("[")
        elif tag == "br":
            self._write("\n")
        elif tag in ("p", "div"):
            self._break(True)
        elif tag == "blockquote":
            self._break(True)
            self.quote += 1
            self._write(QUOTE_START)
        elif tag in ("ul", "ol"):
            self._break(True)
            self.lists.append(tag)
        elif tag == "li":
            self._break(False)
            self._write("1. " if self.lists and self.lists[-1] == "ol" else "- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("strong", "b"):
            self._write("**")
        elif tag in ("em", "i", "cite"):
            self._write("*")
        elif tag == "code" and not self.pre:
            self._write("`")
        elif tag == "pre":
            self._write("\n```")
            self._break(True)
            self.pre = False
        elif tag == "a" and self.links:
            href = self.links.pop()
            if not href:
                self._write("]")
            elif re.search(r"[\s()<>]", href):
                self._write(f"](<{href.replace('>', '%3E').replace('<', '%3C')}>)")
            else:
                self._write(f"]({href})")
        elif tag in ("p", "div"):
            self._break(True)
        elif tag == "blockquote" and self.quote:
            self.quote -= 1
            self._write(QUOTE_END)
            self._break(True)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._break(True)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self._write(data if self.pre else _escape(data))


def comment_markdown(html: str) -> str:
    """A comment's HTML as comment Markdown (single line breaks are kept, as readers type)."""
    parser = _ToMarkdown()
    parser.feed(html.replace("\r\n", "\n"))
    parser.close()
    return _quote("".join(parser.out))


def _quote(text: str) -> str:
    """Prefix each line inside quotes with "> " per level, blank lines too, so quotes hold."""
    lines: list[tuple[int, str]] = [(0, "")]
    depth = 0
    for part in _QUOTE_MARK.split(text):
        if part in (QUOTE_START, QUOTE_END):
            depth += 1 if part == QUOTE_START else -1
            if not lines[-1][1]:  # a line takes the depth it has when its text begins
                lines[-1] = (depth, "")
            continue
        first, *rest = part.split("\n")
        level, sofar = lines[-1]
        lines[-1] = (level if sofar else depth, sofar + first)
        lines.extend((depth, piece) for piece in rest)
    out: list[str] = []
    for level, content in lines:
        content = content.rstrip()
        if not content and (not out or not out[-1].strip("> ")):
            continue  # one blank line is enough
        out.append(("> " * level + content).rstrip())
    return "\n".join(out).strip()


_BLOCK_START = re.compile(
    r"^\s*<(?:!--|/?(?:p|div|ul|ol|li|h[1-6]|blockquote|pre|table|thead|tbody|tr|td|th|figure|"
    r"figcaption|hr|dl|dt|dd|address|section|article|aside|header|footer|nav|form|iframe|"
    r"script|style|details|summary|video|audio|object|embed)\b)",
    re.IGNORECASE,
)
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.IGNORECASE | re.DOTALL)


def article_html(content: str) -> str:
    """WordPress post content with its paragraphs wrapped in ``<p>`` (idempotent).

    Each block then starts with a tag, so Markdown passes it through as HTML and characters
    such as ``*`` or a line starting with ``1.`` mean what they meant on WordPress.
    """
    content = content.replace("\r\n", "\n").strip()
    blocks: list[str] = []
    for index, part in enumerate(_PRE.split(content)):
        if index % 2:  # a <pre> block: kept whole, blank lines and all
            blocks.append(part)
            continue
        for block in re.split(r"\n\s*\n", part):
            block = block.strip()
            if not block:
                continue
            if _BLOCK_START.match(block):
                blocks.append(block)
            else:
                blocks.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(blocks)
