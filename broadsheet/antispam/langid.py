"""A tiny language guesser: enough to notice a comment not in the site's language.

Stop-word overlap for a few dozen common languages plus script detection; it only answers when
the evidence is clear, so short or mixed comments never count as a mismatch.
"""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and is are was to of in that it for you with this have not but be on they at",
        "de": "der die das und ist nicht ich sie es ein eine zu den mit auf für von dem sich wir",
        "fr": "le la les et est un une des du pas que qui je vous il elle pour dans ce sur avec",
        "es": "el la los las y es un una que de en no por para con se lo su al del muy",
        "it": "il lo la gli le e è un una che di non per con sono ho questo della",
        "pt": "o a os as e é um uma que de não para com em do da isso você",
        "nl": "de het een en is niet ik je dat van op te zijn met voor er maar",
        "pl": "i w nie na się to że jest z do jak ale co tak po za od czy",
        "sk": "a je to sa na v že nie s z do ako ale by som sme čo aj",
        "cs": "a je to se na v že ne s z do jak ale by jsem jsme co aj také",
        "sv": "och att det är som en på för med inte jag har till av den",
        "id": "yang dan di ini itu dengan untuk tidak ada saya dari akan",
        "tr": "ve bir bu da de için ne ile çok ama gibi var ben",
    }.items()
}
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
)
_WORD = re.compile(r"[^\W\d_]+")


def guess(text: str) -> str:
    """ISO 639-1 code, or "" when unsure."""
    sample = text[:3000]
    words = _WORD.findall(sample.lower())
    letters = sum(map(len, words))
    if letters < 20:
        return ""
    for lang, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) > letters * 0.3:
            return lang
    if len(words) < 5:
        return ""
    counts = Counter(words)
    present = counts.keys()
    scores = sorted(
        ((sum(counts[w] for w in sw & present), lang) for lang, sw in _STOPWORDS.items()),
        reverse=True,
    )
    (best, lang), (second, _) = scores[0], scores[1]
    # Clear evidence only: enough stop-words and a margin over the runner-up.
    if best >= 3 and best >= 1.5 * second and best >= len(words) * 0.12:
        return lang
    return ""


def site_languages(blog_lang: str) -> set[str]:
    """`en, fr_ca` or `en_US` → {"en", "fr"}."""
    return {
        part.strip().lower().replace("-", "_").split("_")[0]
        for part in blog_lang.split(",")
        if part.strip()
    }
