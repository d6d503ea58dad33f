"""Text clean-up that undoes common obfuscation before the text is hashed.

Spammers hide words from filters with look-alike letters, zero-width characters, entities and
spaced letters ("v i a g r a"); folding them back makes the hashed n-grams match again, and
counting how much folding was needed is itself a signal.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

# Characters that render as nothing and only serve to split words.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff\u00ad\u034f")
)

# Cyrillic and Greek letters that look like Latin ones.
_HOMOGLYPHS = str.maketrans(
    "аеорсухіјѕԁɡһӏոԛԝАВЕКМНОРСТХІЈЅοαρνυκτіΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdghlnqwABEKMHOPCTXIJSoapvuktiABEZHIKMNOPTYX",
)
_SPACED = re.compile(r"\b(?:\w[ .\-_*·]){3,}\w\b")
_TAG = re.compile(r"<[^>]{0,500}>")
_HIDDEN = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0|opacity\s*:\s*0\b|\bhidden\b",
    re.IGNORECASE,
)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


@dataclass(frozen=True)
class Cleaned:
    text: str  # folded, lower-cased, tags removed
    invisible: int  # zero-width characters removed
    homoglyph_words: int  # words mixing Latin with look-alike letters
    spaced_runs: int  # runs of spaced-out single letters
    hidden_html: bool  # markup that hides text from readers


def to_text(value: object) -> str:
    """Any field value as a str: bytes are decoded leniently, None is empty."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def clean(raw: str) -> Cleaned:
    invisible = sum(raw.count(chr(c)) for c in _INVISIBLE) if _has_invisible(raw) else 0
    text = raw.translate(_INVISIBLE)
    hidden = bool(_TAG.search(text)) and any(_HIDDEN.search(t) for t in _TAG.findall(text))
    text = html.unescape(_TAG.sub(" ", text))
    text = unicodedata.normalize("NFKC", text)
    homoglyphs = _homoglyph_words(text)
    if homoglyphs:
        text = text.translate(_HOMOGLYPHS)
    spaced = 0

    def _join(match: re.Match[str]) -> str:
        nonlocal spaced
        spaced += 1
        return re.sub(r"[ .\-_*·]", "", match.group(0))

    text = _SPACED.sub(_join, text).lower()
    return Cleaned(text, invisible, homoglyphs, spaced, hidden)


def _has_invisible(raw: str) -> bool:
    return any(ch in raw for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f")


def _homoglyph_words(text: str) -> int:
    """Words that mix Latin letters with Cyrillic/Greek look-alikes (real words never do)."""
    if text.isascii():
        return 0
    count = 0
    for word in text.split():
        if len(word) < 3 or not _LATIN.search(word) or word.isascii():
            continue
        if word != word.translate(_HOMOGLYPHS) and _LATIN.search(word):
            count += 1
    return count
