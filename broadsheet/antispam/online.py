"""A site's own layer of weights above the base model.

A batch refit (refit.py) fits it on all the site's stored labels; in between, each new label
moves it at once, inside the moderator's request, by per-feature AdaGrad steps on the logistic
loss of the combined margin (base + layer): features the site has seen often move slowly, new
ones (a new campaign's words) move fast. A step is repeated while the example is still on the
wrong side by a margin, so one correction suffices for most repeated spam. Deterministic, so
every worker replaying the same feedback in the same order ends with identical weights.
"""

from __future__ import annotations

import io
import math

import numpy as np
import scipy.sparse as sp

from broadsheet.antispam.features import (
    COMMENT_TYPES,
    META_INDEX,
    N_FEATURES,
    N_HASHED,
    token_index,
)

ETA = 0.5
EPSILON = 1.0  # AdaGrad's starting accumulator: keeps the first steps bounded
MAX_STEPS = 4
META_RATE = 0.2
FORCE = True
BIAS_RATE = 0.1  # the site's own spam rate moves the line slowly
FORCE_MARGIN = 0.3  # how far past the line a forced correction lands
MARGIN = 1.0  # how far past the decision line an example must be before learning stops


def _rates() -> np.ndarray:
    """Per-feature learning-rate factors: a site mostly learns words, links and sources.
    Named signals move slowly (their priors are considered), and signals present in every
    comment (length, capitals) not at all, or they would act as a second, unstable bias."""
    rates = np.ones(N_FEATURES, np.float32)
    rates[N_HASHED:] = META_RATE
    rates[[META_INDEX["length"], META_INDEX["upper_ratio"]]] = 0.0
    rates[[token_index(f"ct:{t}") for t in COMMENT_TYPES]] = 0.0
    return rates


class Layer:
    def __init__(self) -> None:
        self.w = np.zeros(N_FEATURES, np.float32)
        self.g2 = np.full(N_FEATURES, EPSILON, np.float32)
        self.bias = 0.0
        self.bias_g2 = EPSILON
        self.updates = 0
        self.fitted = 0  # labels the last batch refit used (the rest were learnt online)

    @classmethod
    def from_fit(cls, w: np.ndarray, bias: float, X: sp.csr_matrix) -> Layer:
        """A batch-fitted layer. Its AdaGrad accumulators count each feature's use in the
        labels, so later online steps move features the site has seen often more slowly."""
        layer = cls()
        layer.w = w.astype(np.float32)
        layer.bias = bias
        layer.g2 += np.asarray(X.multiply(X).sum(axis=0), np.float32).ravel()
        layer.bias_g2 += 0.01 * X.shape[0]
        layer.updates = layer.fitted = X.shape[0]
        return layer

    def margin(self, idx: np.ndarray, val: np.ndarray) -> float:
        return float(np.dot(self.w[idx], val)) + self.bias

    def learn(self, idx: np.ndarray, val: np.ndarray, base: float, spam: bool, line: float) -> None:
        """One moderation label; base is the base model's margin, line the spam decision margin."""
        y = 1.0 if spam else 0.0
        sign = 1.0 if spam else -1.0
        for _ in range(MAX_STEPS):
            m = base + self.margin(idx, val)
            g = (
                1.0 / (1.0 + math.exp(-m)) - y
                if abs(m) < 30
                else (0.0 if (m > 0) == spam else -sign)
            )
            grad = (g * val).astype(np.float32)
            self.g2[idx] += grad * grad
            self.w[idx] -= ETA * _RATES[idx] * grad / np.sqrt(self.g2[idx])
            self.bias_g2 += g * g * 0.01
            self.bias -= BIAS_RATE * ETA * g / math.sqrt(self.bias_g2)
            if sign * (base + self.margin(idx, val) - line) >= MARGIN:
                break
        gap = line + sign * FORCE_MARGIN - (base + self.margin(idx, val))
        if FORCE and sign * gap > 0:
            # Still on the wrong side: move just far enough, AdaGrad-scaled, that a moderator's
            # label changes the verdict on the very same comment.
            direction = _RATES[idx] * val / np.sqrt(self.g2[idx])
            norm = float(np.dot(direction, val))
            if norm > 0:
                self.w[idx] += np.float32(gap / norm) * direction
        self.updates += 1

    def to_bytes(self) -> bytes:
        nz = np.flatnonzero(self.w)
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            idx=nz.astype(np.int32),
            w=self.w[nz],
            g2=self.g2[nz],
            scalars=np.array([self.bias, self.bias_g2, self.updates, self.fitted]),
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Layer:
        layer = cls()
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            idx = npz["idx"]
            layer.w[idx] = npz["w"]
            layer.g2[idx] = npz["g2"]
            scalars = [float(x) for x in npz["scalars"]] + [0.0]  # older snapshots: 3 values
        layer.bias, layer.bias_g2 = scalars[0], scalars[1]
        layer.updates, layer.fitted = int(scalars[2]), int(scalars[3])
        return layer


_RATES = _rates()
