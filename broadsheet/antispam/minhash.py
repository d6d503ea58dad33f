"""MinHash signatures of comment texts, with LSH band keys for finding near-duplicates."""

from __future__ import annotations

import re
import zlib

import numpy as np

N_HASHES = 32
BANDS = 8  # 8 bands of 4: texts with Jaccard ≥ 0.6 share a band with probability > 0.98
MIN_SHINGLES = 6
_WORD = re.compile(r"\w+")
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20261126)
_A = _rng.integers(1, 1 << 61, N_HASHES, dtype=np.uint64)
_B = _rng.integers(0, 1 << 61, N_HASHES, dtype=np.uint64)


def shingles(text: str) -> np.ndarray:
    words = _WORD.findall(text.lower())
    grams = [" ".join(words[i : i + 3]) for i in range(max(len(words) - 2, 0))]
    return np.array(sorted({zlib.crc32(g.encode()) for g in grams}), dtype=np.uint64)


def signature(text: str) -> np.ndarray | None:
    """32 minimum hashes of the word 3-shingles, or None when the text is too short to judge."""
    sh = shingles(text[:20000])
    if len(sh) < MIN_SHINGLES:
        return None
    with np.errstate(over="ignore"):
        h = (np.outer(_A, sh) + _B[:, None]) % _PRIME
    return h.min(axis=1).astype(np.uint64)


def bands(sig: np.ndarray) -> list[int]:
    rows = N_HASHES // BANDS
    keys = []
    for b in range(BANDS):
        chunk = sig[b * rows : (b + 1) * rows].tobytes()
        value = zlib.crc32(chunk, b) | (zlib.adler32(chunk) << 32)
        keys.append(value - (1 << 63) if value >= 1 << 63 else value)  # fit a signed BIGINT
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float((a == b).mean())
