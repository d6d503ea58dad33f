"""Reading a large XML export element by element, in constant memory, refusing XML bombs.

defusedxml's parser refuses any DTD, so neither entity expansion ("billion laughs") nor external
entities can happen. Every error names the line and the element the parser was in.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

CHUNK = 1 << 20

# The usual prefixes, for names in the readers and in error messages; WXR 1.0 to 1.2 alike.
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content:",
    "http://purl.org/dc/elements/1.1/": "dc:",
    "http://disqus.com": "",
    "http://disqus.com/disqus-internals": "dsq:",
}
_WP = re.compile(r"http://wordpress\.org/export/1\.\d/(excerpt/)?$")


class BadFile(Exception):
    """The file cannot be imported; the message says where and why."""


@functools.cache  # few distinct tags, met millions of times
def short(tag: str) -> str:
    """``{http://wordpress.org/export/1.2/}post_id`` as ``wp:post_id``."""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        wp = _WP.match(uri)
        if wp:
            return ("excerpt:" if wp.group(1) else "wp:") + local
        return PREFIXES.get(uri, f"{{{uri}}}") + local
    return tag


class _Target:
    """Builds elements, remembering the line each started on and which ones are complete."""

    def __init__(self, depth: int, expected_root: str, what: str) -> None:
        self.builder = TreeBuilder()
        self.depth = depth
        self.expected_root = expected_root
        self.what = what
        self.open: list[tuple[str, int]] = []  # (tag, line) of the elements not yet closed
        self.done: list[Element] = []
        # Where each record element and its children started, by id(element), until yielded.
        self.lines: dict[int, int] = {}
        self.container: Element | None = None
        self.line: Callable[[], int] = lambda: 0

    def start(self, tag: str, attrib: dict[str, str]) -> Element:
        if not self.open and tag != self.expected_root:
            raise BadFile(
                f"line {self.line()}: this is not {self.what}: it starts with "
                f"<{short(tag)}>, not <{short(self.expected_root)}>"
            )
        line = self.line()
        self.open.append((tag, line))
        elem = self.builder.start(tag, attrib)
        if len(self.open) in (self.depth + 1, self.depth + 2):
            self.lines[id(elem)] = line
        if len(self.open) == self.depth:
            self.container = elem
        return elem

    def end(self, tag: str) -> Element:
        elem = self.builder.end(tag)
        self.open.pop()
        if len(self.open) == self.depth:
            self.done.append(elem)
        return elem

    def data(self, data: str) -> None:
        self.builder.data(data)

    def close(self) -> Element:
        return self.builder.close()


def elements(
    stream: IO[bytes],
    *,
    depth: int,
    root: str,
    what: str,
    progress: Callable[[int], Any] | None = None,
) -> Iterator[tuple[Element, dict[int, int]]]:
    """Each complete element ``depth`` levels below the root, with the lines where it and its
    children started, by ``id()``.

    Yielded elements are dropped from the tree once the caller moves on, so memory stays
    bounded by the largest one (a WordPress post with its comments).
    """
    target = _Target(depth, root, what)
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    target.line = lambda: int(parser.parser.CurrentLineNumber)
    while True:
        chunk = stream.read(CHUNK)
        try:
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
        except ParseError as error:
            raise BadFile(_parse_error(error, target.open)) from None
        except DefusedXmlException:
            raise BadFile(
                f"line {target.line()}: the file declares a DTD (<!DOCTYPE …>). Exports have "
                "none, and a DTD can hide entity bombs or external entities, so it is refused"
            ) from None
        for elem in target.done:
            yield elem, target.lines
            for child in elem:
                target.lines.pop(id(child), None)
            del target.lines[id(elem)]
        target.done.clear()
        if target.container is not None:
            del target.container[:]
        if progress is not None:
            progress(len(chunk))
        if not chunk:
            return


def _parse_error(error: ParseError, open_elements: list[tuple[str, int]]) -> str:
    line, column = error.position
    message = expat.ErrorString(error.code)
    if error.code == expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]:
        message += " (a byte that is not valid in the file's encoding, or a character XML forbids)"
    elif error.code == expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]:
        message = "the file ends too soon (truncated?)"
    where = ""
    if open_elements:
        tag, started = open_elements[-1]
        where = f", inside <{short(tag)}> opened on line {started}"
    return f"line {line}, column {column}: {message}{where}"
