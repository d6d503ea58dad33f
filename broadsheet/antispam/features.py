"""Turning a comment into a sparse feature vector.

Text becomes hashed byte n-grams and word uni/bigrams (the model keeps no raw text); everything
else becomes a short list of named signals placed after the hashed block, so each named signal
has its own weight and can be explained by name.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from broadsheet.antispam import langid
from broadsheet.antispam.fields import FORM_SECONDS, get
from broadsheet.antispam.lexicon import (
    BOT_AGENT,
    COMMERCIAL_WORDS,
    SCRIPT_AGENT,
    SHORTENER_DOMAINS,
    STALE_BROWSER,
    THROWAWAY_EMAIL_DOMAINS,
    WEAK_COMMERCIAL_WORDS,
)
from broadsheet.antispam.links import find_links, url_domain
from broadsheet.antispam.normalize import clean

HASH_BITS = 18
N_HASHED = 1 << HASH_BITS
FEATURE_VERSION = 1
# Characters of text that are n-grammed; longer comments are judged on their start.
MAX_TEXT = 6000

# Named signals, in vector order after the hashed block. Never reorder: stored vectors use them.
META: tuple[str, ...] = (
    "length",
    "upper_ratio",
    "links",
    "link_shortener",
    "link_anchor_commercial",
    "link_domains_spam",
    "link_domains_ham",
    "hidden_html",
    "obfuscated",
    "author_url",
    "author_url_only",
    "author_url_keywords",
    "author_url_shortener",
    "name_keywords",
    "name_long",
    "name_url",
    "email_throwaway",
    "email_bad",
    "email_keywords",
    "ua_empty",
    "ua_script",
    "ua_bot",
    "ua_stale",
    "referrer_offsite",
    "lang_mismatch",
    "type_ping",
    "honeypot",
    "form_fast",
    "form_stale",
    "user_role",
    "rep_email_spam",
    "rep_email_ham",
    "rep_ip_spam",
    "rep_ip_ham",
    "rep_net_spam",
    "rep_net_ham",
    "rep_urldom_spam",
    "rep_urldom_ham",
    "rep_author_spam",
    "rep_author_ham",
    "campaign_threads",
    "campaign_posts",
    "campaign_spam",
)
META_INDEX = {name: N_HASHED + i for i, name in enumerate(META)}
N_FEATURES = N_HASHED + len(META)
# Akismet's documented comment types (spec §5.2), whose tokens act as per-type base rates.
COMMENT_TYPES = (
    "",
    "comment",
    "reply",
    "forum-post",
    "blog-post",
    "contact-form",
    "signup",
    "message",
    "trackback",
    "pingback",
)

_DIGITS = str.maketrans("0123456789", "0000000000")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*|[!?$€£%]+")
_SPLIT = re.compile(r"[^a-z0-9]+")
_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯΑ-Ω]")
_P = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(64 - HASH_BITS)


@dataclass
class Context:
    """What the database knows about this comment's sources (filled in by the Django layer)."""

    reputation: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind → (spam, ham)
    link_domains_spam: int = 0
    link_domains_ham: int = 0
    campaign_threads: int = 0
    campaign_posts: int = 0
    campaign_spam: int = 0


@dataclass
class Vector:
    idx: np.ndarray  # int32 feature indices (may repeat)
    val: np.ndarray  # float32 values
    words: dict[int, str]  # hashed index → the word it came from, for reasons
    meta: dict[str, float]  # named signals that fired
    facts: dict[str, object]  # details for reasons (domains, language, …)
    text: np.ndarray  # bool per entry: True where it comes from the comment's text


def _hash_bytes(data: bytes) -> np.ndarray:
    """Indices of byte 3-, 4- and 5-grams, via a vectorised polynomial hash."""
    b = np.frombuffer(data, dtype=np.uint8).astype(np.uint64)
    h = b.copy()
    out = []
    with np.errstate(over="ignore"):
        for n in range(2, 6):
            if len(h) <= 1:
                break
            h = h[:-1] * _P + b[n - 1 :]
            if n >= 3:
                out.append(((h ^ np.uint64(n)) * _MIX) >> _SHIFT)
    return np.concatenate(out).astype(np.int32) if out else np.zeros(0, np.int32)


def token_index(token: str) -> int:
    return (zlib.crc32(token.encode("utf-8", "surrogatepass")) * 2654435761) % N_HASHED


_word_hashes: dict[str, int] = {}


def _word_hash(word: str) -> int:
    # Cached: the same few thousand words make up most comments, and crc32 + encode dominate.
    h = _word_hashes.get(word)
    if h is None:
        h = zlib.crc32(word.encode("utf-8", "surrogatepass"))
        if len(_word_hashes) < 200_000:
            _word_hashes[word] = h
    return h


def _unique(a: np.ndarray) -> np.ndarray:
    """Sorted unique values; a sort beats numpy's hash-based unique on arrays this small."""
    if len(a) == 0:
        return a
    a = np.sort(a)
    return a[np.concatenate(([True], a[1:] != a[:-1]))]


def _mix(h: np.ndarray, salt: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (((h ^ np.uint64(salt)) * _MIX) >> _SHIFT).astype(np.int32)


def word_index(word: str) -> int:
    """The hashed index of a word unigram (for naming words in reasons)."""
    return int(_mix(np.array([_word_hash(word)], dtype=np.uint64), 0x57)[0])


def text_block(text: str) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """Hashed n-grams of cleaned text, each sub-block L2-normalised so length does not dominate."""
    body = _SPACES.sub(" ", text[:MAX_TEXT].translate(_DIGITS)).strip()
    grams = _unique(_hash_bytes(f" {body} ".encode("utf-8", "surrogatepass")))
    words = _WORD.findall(body)  # digits are already 0s: numbers match by shape
    hashes = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    uni = _mix(hashes, 0x57)
    with np.errstate(over="ignore"):
        bi = _mix(hashes[:-1] * _P + hashes[1:], 0xB1)
    word_map = dict(zip(uni.tolist(), words, strict=True))
    widx = _unique(np.concatenate([uni, bi]))
    parts_v = [
        np.full(len(grams), 1 / math.sqrt(max(len(grams), 1)), np.float32),
        np.full(len(widx), 1 / math.sqrt(max(len(widx), 1)), np.float32),
    ]
    return np.concatenate([grams, widx]), np.concatenate(parts_v), word_map


def _words_in(value: str) -> list[str]:
    return [w for w in _SPLIT.split(value.lower()) if w]


def commercial_hits(value: str) -> list[str]:
    """Commercial words in a name, host or address; weak words only count beside strong ones."""
    words = _words_in(value)
    hits = [w for w in words if w in COMMERCIAL_WORDS]
    # Also catch run-together hosts such as "cheapcasinobonus".
    for w in words:
        if w not in COMMERCIAL_WORDS and len(w) > 6:
            hits += [k for k in COMMERCIAL_WORDS if len(k) >= 4 and k in w]
    strong = [h for h in hits if h not in WEAK_COMMERCIAL_WORDS]
    return sorted(set(hits)) if strong else []


def vectorize(fields: Mapping[str, object], ctx: Context | None = None) -> Vector:
    ctx = ctx or Context()
    raw = get(fields, "comment_content")
    cleaned = clean(raw)
    idx, val, words = text_block(cleaned.text)
    n_text = len(idx)
    meta: dict[str, float] = {}
    facts: dict[str, object] = {}
    tokens: list[str] = []

    letters = len(_LETTER.findall(raw, 0, MAX_TEXT))
    meta["length"] = min(math.log1p(len(raw)) / math.log(1000), 2.0)
    if letters >= 12:
        meta["upper_ratio"] = len(_UPPER.findall(raw, 0, MAX_TEXT)) / letters

    links = find_links(raw)
    facts["link_domains"] = [d for d in links.domains if d]
    if links.urls:
        meta["links"] = math.log1p(len(links.urls))
        tokens += [f"ld:{d}" for d in set(links.domains) if d]
    if links.shorteners:
        meta["link_shortener"] = min(links.shorteners, 3)
    anchors = sum(bool(commercial_hits(a)) for a in links.anchors)
    if anchors:
        meta["link_anchor_commercial"] = min(anchors, 3)
    if cleaned.hidden_html:
        meta["hidden_html"] = 1.0
    tricks = cleaned.invisible + cleaned.homoglyph_words + cleaned.spaced_runs
    if tricks:
        meta["obfuscated"] = min(math.log1p(tricks), 2.0)

    _author_signals(fields, links.urls, meta, facts)
    _request_signals(fields, cleaned.text, meta, facts, tokens)
    _context_signals(ctx, meta)

    extra_i = [token_index(t) for t in tokens] + [META_INDEX[k] for k in meta]
    extra_v = [0.5] * len(tokens) + list(meta.values())
    all_i = np.concatenate([idx, np.array(extra_i, dtype=np.int32)])
    all_v = np.concatenate([val, np.array(extra_v, dtype=np.float32)])
    # Merge colliding hashes so every index appears once (the online update relies on it).
    order = np.argsort(all_i, kind="stable")
    sorted_i = all_i[order]
    starts = np.concatenate(([True], sorted_i[1:] != sorted_i[:-1]))
    vec_i = sorted_i[starts]
    vec_v = np.add.reduceat(all_v[order], np.flatnonzero(starts)).astype(np.float32)
    text = np.logical_or.reduceat(order < n_text, np.flatnonzero(starts))
    return Vector(vec_i.astype(np.int32), vec_v, words, meta, facts, text)


def _author_signals(
    fields: Mapping[str, object], urls: list[str], meta: dict[str, float], facts: dict[str, object]
) -> None:
    name = get(fields, "comment_author")[:200]
    url = get(fields, "comment_author_url").strip()[:500]
    email = get(fields, "comment_author_email").strip().lower()[:300]
    if url:
        meta["author_url"] = 1.0
        if not urls:
            meta["author_url_only"] = 1.0
        hits = commercial_hits(url)
        if hits:
            meta["author_url_keywords"] = min(len(hits), 3)
            facts["author_url_keywords"] = hits
        if url_domain(url) in SHORTENER_DOMAINS:
            meta["author_url_shortener"] = 1.0
    hits = commercial_hits(name)
    if hits:
        meta["name_keywords"] = min(len(hits), 3)
        facts["name_keywords"] = hits
    if len(name.split()) >= 5 or len(name) > 40:
        meta["name_long"] = 1.0
    if find_links(name).urls:
        meta["name_url"] = 1.0
    if email:
        local, _, domain = email.rpartition("@")
        if not local or "." not in domain or " " in email:
            meta["email_bad"] = 1.0
        elif domain in THROWAWAY_EMAIL_DOMAINS:
            meta["email_throwaway"] = 1.0
            facts["email_domain"] = domain
        hits = commercial_hits(local + " " + domain.rsplit(".", 1)[0])
        if hits:
            meta["email_keywords"] = min(len(hits), 3)
            facts["email_keywords"] = hits


def _request_signals(
    fields: Mapping[str, object],
    text: str,
    meta: dict[str, float],
    facts: dict[str, object],
    tokens: list[str],
) -> None:
    if "user_agent" in fields:
        agent = get(fields, "user_agent").strip()
        if not agent:
            meta["ua_empty"] = 1.0
        elif SCRIPT_AGENT.search(agent):
            meta["ua_script"] = 1.0
        elif BOT_AGENT.search(agent):
            meta["ua_bot"] = 1.0
        elif _stale(agent):
            meta["ua_stale"] = 1.0
    referrer = url_domain(get(fields, "referrer") or get(fields, "referer"))
    permalink = url_domain(get(fields, "permalink"))
    if referrer and permalink and referrer != permalink:
        meta["referrer_offsite"] = 1.0
    site_langs = langid.site_languages(get(fields, "blog_lang"))
    if site_langs:
        lang = langid.guess(text)
        if lang and lang not in site_langs:
            meta["lang_mismatch"] = 1.0
            facts["language"] = lang
            facts["site_languages"] = sorted(site_langs)
    ctype = get(fields, "comment_type").strip().lower()[:30]
    if ctype in {"trackback", "pingback"}:
        meta["type_ping"] = 1.0
    # Other types than plain comments have their own base rate (messages are not comments).
    if ctype not in {"", "comment"}:
        tokens.append(f"ct:{ctype}")
    honeypot = get(fields, "honeypot_field_name").strip()
    trap_ok = honeypot and honeypot not in {"comment_content", "honeypot_field_name"}
    if trap_ok and get(fields, honeypot).strip():
        meta["honeypot"] = 1.0
    seconds = _float(get(fields, FORM_SECONDS))
    if seconds is not None:
        facts["form_seconds"] = seconds
        if seconds < 3:
            meta["form_fast"] = 1.0 if seconds < 1.5 else 0.5
        elif seconds > 3 * 86400:
            meta["form_stale"] = 1.0
    roles = {r.strip().lower() for r in get(fields, "user_role").split(",") if r.strip()}
    if roles - {"guest", "anonymous", "subscriber"}:
        meta["user_role"] = 1.0


def _context_signals(ctx: Context, meta: dict[str, float]) -> None:
    for kind, (spam, ham) in ctx.reputation.items():
        if spam:
            meta[f"rep_{kind}_spam"] = math.log1p(spam)
        if ham:
            meta[f"rep_{kind}_ham"] = math.log1p(ham)
    for name in (
        "link_domains_spam",
        "link_domains_ham",
        "campaign_threads",
        "campaign_posts",
        "campaign_spam",
    ):
        value = getattr(ctx, name)
        if value:
            meta[name] = math.log1p(value)


def _stale(agent: str) -> bool:
    for pattern, current in STALE_BROWSER:
        match = pattern.search(agent)
        if match:
            return int(match.group(1)) < current
    return False


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
