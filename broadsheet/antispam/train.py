"""Fitting the base model: L2-regularised logistic regression by L-BFGS on the sparse vectors.

A hand-written fit (instead of scikit-learn's) because named signals need a prior mean other
than zero, and site layers need the base model's margin as a fixed offset.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from broadsheet.antispam.corpus import Row
from broadsheet.antispam.features import META, META_INDEX, N_FEATURES, N_HASHED, vectorize
from broadsheet.antispam.metrics import mcc, report
from broadsheet.antispam.model import Model
from broadsheet.antispam.priors import LEARNED, PRIORS

LAMBDA = 3e-6  # on hashed weights, per unit of total sample weight (cross-video tests)
LAMBDA_META = 3e-3  # pull of learned named signals towards their prior
# L2 penalty of a site's batch-fitted layer, on the summed (not mean) log-loss of its labels, so
# a site's own evidence outweighs the base model more as its labels grow. Chosen by 5-fold
# cross-validation inside the training part of each corpus (bench/spam_quality.py's split;
# reproduced by bench/spam_layer_cv.py).
LAMBDA_LAYER = 1e-3


@dataclass
class Dataset:
    X: sp.csr_matrix
    y: np.ndarray  # 1 spam, 0 ham
    weight: np.ndarray
    source: list[str]


def build(rows: Sequence[Row], progress: Callable[[int], None] | None = None) -> Dataset:
    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for i, row in enumerate(rows):
        vec = vectorize(row.fields)
        indices.append(vec.idx)
        data.append(vec.val)
        indptr.append(indptr[-1] + len(vec.idx))
        if progress and i % 200 == 0:
            progress(i)
    X = sp.csr_matrix(
        (
            np.concatenate(data or [np.zeros(0, np.float32)]),
            np.concatenate(indices or [np.zeros(0, np.int32)]),
            np.array(indptr),
        ),
        shape=(len(rows), N_FEATURES),
    )
    X.sum_duplicates()
    y = np.array([r.spam for r in rows], dtype=np.float64)
    return Dataset(X, y, balanced_weights(rows), [r.source for r in rows])


def balanced_weights(rows: Sequence[Row]) -> np.ndarray:
    """Each file weighs the same and, inside it, each class half: no corpus or class dominates."""
    counts: dict[tuple[str, bool], int] = {}
    for r in rows:
        counts[(r.source, r.spam)] = counts.get((r.source, r.spam), 0) + 1
    groups = len(counts)
    return np.array([1.0 / (groups * counts[(r.source, r.spam)]) for r in rows])


def prior_vector() -> np.ndarray:
    prior = np.zeros(N_FEATURES)
    for name, value in PRIORS.items():
        prior[META_INDEX[name]] = value
    return prior


def fit(
    data: Dataset, lam: float = LAMBDA, lam_meta: float = LAMBDA_META
) -> tuple[np.ndarray, float]:
    """Weights and bias minimising weighted log-loss plus the priors' penalty."""
    prior = prior_vector()
    free = np.ones(N_FEATURES, dtype=bool)
    fixed_meta = [META_INDEX[m] for m in META if m not in LEARNED]
    free[fixed_meta] = False
    penalty = np.full(N_FEATURES, lam)
    penalty[N_HASHED:] = lam_meta
    cols = np.flatnonzero(free)
    Xf = data.X[:, cols].tocsr()
    offset = data.X @ np.where(free, 0.0, prior)
    p0, pen = prior[cols], penalty[cols]
    s = data.weight / data.weight.sum()
    sign = 2 * data.y - 1

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = sign * (Xf @ w + b + offset)
        value = float(np.dot(s, np.logaddexp(0, -z))) + 0.5 * float(np.dot(pen, (w - p0) ** 2))
        r = -s * sign * _sigmoid(-z)
        grad = np.concatenate([Xf.T @ r + pen * (w - p0), [r.sum()]])
        return value, grad

    theta0 = np.concatenate([p0, [0.0]])
    result = scipy.optimize.minimize(
        loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 400}
    )
    weights = prior.copy()
    weights[cols] = result.x[:-1]
    return weights.astype(np.float32), float(result.x[-1])


def fit_layer(
    X: sp.csr_matrix, y: np.ndarray, offset: np.ndarray, lam: float = LAMBDA_LAYER
) -> tuple[np.ndarray, float]:
    """A site's layer: weights and bias over the base model's margin (a fixed offset),
    minimising the summed log-loss of the site's labels plus an L2 penalty. Newton steps by
    conjugate gradients (trust-ncg): a few sparse products each, where L-BFGS-B's bookkeeping
    on every feature the site has seen would cost many times more."""
    cols = np.unique(X.indices)
    Xc = X[:, cols].tocsr()
    XcT = Xc.T.tocsr()
    sign = 2 * y - 1

    def margin(theta: np.ndarray) -> np.ndarray:
        return np.asarray(Xc @ theta[:-1] + theta[-1] + offset)

    def loss(theta: np.ndarray) -> float:
        w = theta[:-1]
        return float(np.logaddexp(0, -sign * margin(theta)).sum()) + 0.5 * lam * float(w @ w)

    def grad(theta: np.ndarray) -> np.ndarray:
        r = -sign * _sigmoid(-sign * margin(theta))
        return np.concatenate([XcT @ r + lam * theta[:-1], [r.sum()]])

    def hessp(theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        p = _sigmoid(margin(theta))
        u = p * (1 - p) * (Xc @ v[:-1] + v[-1])
        return np.concatenate([XcT @ u + lam * v[:-1], [u.sum()]])

    result = scipy.optimize.minimize(
        loss, np.zeros(len(cols) + 1), jac=grad, hessp=hessp, method="trust-ncg"
    )
    weights = np.zeros(N_FEATURES, np.float32)
    weights[cols] = result.x[:-1]
    return weights, float(result.x[-1])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * z))


def margins(data: Dataset, weights: np.ndarray, bias: float) -> np.ndarray:
    return np.asarray(data.X @ weights.astype(np.float64) + bias)


def out_of_fold(data: Dataset, folds: int = 5, seed: int = 7) -> np.ndarray:
    """Margins of each row from a model that never saw it, for calibration and thresholds."""
    rng = np.random.default_rng(seed)
    fold = rng.integers(0, folds, size=len(data.y))
    out = np.zeros(len(data.y))
    for k in range(folds):
        train, test = fold != k, fold == k
        sub = Dataset(
            data.X[train],
            data.y[train],
            data.weight[train],
            [s for s, t in zip(data.source, train, strict=True) if t],
        )
        w, b = fit(sub)
        out[test] = margins(Dataset(data.X[test], data.y[test], data.weight[test], []), w, b)
    return out


def platt(margin: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """Calibration a, b with score = sigmoid(a * margin + b), fitted on held-out margins."""
    s = weight / weight.sum()
    sign = 2 * y - 1

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = sign * (theta[0] * margin + theta[1])
        r = -s * sign * _sigmoid(-z)
        return float(np.dot(s, np.logaddexp(0, -z))), np.array([np.dot(r, margin), r.sum()])

    result = scipy.optimize.minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(result.x[0]), float(result.x[1])


def choose_thresholds(
    score: np.ndarray,
    y: np.ndarray,
    source: Sequence[str],
    max_ham_blocked: float = 0.005,
    max_ham_discard: float = 0.001,
) -> tuple[float, float]:
    """Spam: the best mean of the per-corpus MCCs among thresholds blocking at most
    max_ham_blocked of ham (a mean, so the big SMS corpus does not set the line for comments).
    Discard: the lowest score that at most max_ham_discard of each corpus's ham reaches, never
    below 0.98.
    """
    src = np.asarray(source)
    names = sorted(set(source))
    ham = np.sort(score[y == 0])
    best, best_t = -1.0, 0.5
    for t in np.unique(np.quantile(score, np.linspace(0, 1, 801))):
        if (ham >= t).mean() > max_ham_blocked:
            continue
        value = float(np.mean([mcc(y[src == n].astype(bool), score[src == n] >= t) for n in names]))
        if value > best:
            best, best_t = value, float(t)
    # Per corpus, so a small comment corpus is held to the limit as strictly as the big one.
    discard = max(0.98, best_t)
    for n in names:
        ham_n = np.sort(score[(src == n) & (y == 0)])
        allowed = math.floor(len(ham_n) * max_ham_discard)
        if len(ham_n) > allowed:
            discard = max(discard, float(np.nextafter(ham_n[len(ham_n) - allowed - 1], 1.0)))
    return best_t, min(discard, 0.9999)


def train_model(rows: Sequence[Row], progress: Callable[[int], None] | None = None) -> Model:
    """The full recipe: fit, calibrate on out-of-fold margins, pick thresholds, describe."""
    data = build(rows, progress)
    oof = out_of_fold(data)
    a, b = platt(oof, data.y, data.weight)
    oof_score = _sigmoid(a * oof + b)
    spam_t, discard_t = choose_thresholds(oof_score, data.y, data.source)
    weights, bias = fit(data)
    settings_bytes = np.array([bias, a, b, spam_t, discard_t]).tobytes()
    digest = hashlib.sha256(weights.tobytes() + settings_bytes).hexdigest()[:10]
    src = np.asarray(data.source)
    validation = {}
    for name in sorted(set(data.source)):
        m = src == name
        figures = report(data.y[m].astype(bool), oof_score[m] >= spam_t, oof_score[m])
        figures["discarded_ham"] = int(((oof_score[m] >= discard_t) & (data.y[m] == 0)).sum())
        validation[name] = {
            k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()
        }
    info = {
        "rows": len(rows),
        "lambda": LAMBDA,
        "lambda_meta": LAMBDA_META,
        "validation": "5-fold out-of-fold scores on the training rows, at the chosen thresholds",
        "out_of_fold": validation,
    }
    return Model(weights, bias, a, b, spam_t, discard_t, version=f"base-{digest}", info=info)
