"""Binary classification figures and curves (spam is the positive class)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def confusion(y: np.ndarray, pred: np.ndarray) -> tuple[int, int, int, int]:
    y, pred = np.asarray(y, bool), np.asarray(pred, bool)
    return (
        int((y & pred).sum()),
        int((~y & pred).sum()),
        int((~y & ~pred).sum()),
        int((y & ~pred).sum()),
    )


def mcc(y: np.ndarray, pred: np.ndarray) -> float:
    tp, fp, tn, fn = confusion(y, pred)
    denom = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / denom if denom else 0.0


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    y = np.asarray(y, bool)
    pos, neg = score[y], score[~y]
    if not len(pos) or not len(neg):
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    # Average ranks over ties.
    allv = np.concatenate([pos, neg])
    for v in np.unique(allv):
        m = allv == v
        if m.sum() > 1:
            ranks[m] = ranks[m].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def report(y: np.ndarray, pred: np.ndarray, score: np.ndarray) -> dict[str, Any]:
    tp, fp, tn, fn = confusion(y, pred)
    n = tp + fp + tn + fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "n": n,
        "spam": tp + fn,
        "ham": tn + fp,
        "accuracy": (tp + tn) / n if n else 0.0,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "mcc": mcc(y, pred),
        "ham_blocked": fp / (tn + fp) if tn + fp else 0.0,
        "spam_caught": recall,
        "roc_auc": roc_auc(np.asarray(y, bool), np.asarray(score, float)),
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
    }


def roc_curve(y: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False-positive rate and true-positive rate over all thresholds."""
    y = np.asarray(y, bool)
    order = np.argsort(-score, kind="mergesort")
    ys = y[order]
    tpr = np.concatenate([[0], np.cumsum(ys) / max(ys.sum(), 1)])
    fpr = np.concatenate([[0], np.cumsum(~ys) / max((~ys).sum(), 1)])
    return fpr, tpr


def pr_curve(y: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recall and precision over all thresholds."""
    y = np.asarray(y, bool)
    order = np.argsort(-score, kind="mergesort")
    tp = np.cumsum(y[order])
    k = np.arange(1, len(y) + 1)
    return tp / max(y.sum(), 1), tp / k
