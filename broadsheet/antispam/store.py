"""Per-process cache of the base model and of each site's layer, kept in step with the database.

Choice for multi-process workers: each worker holds the models in memory and, at most once every
SPAM_REFRESH_SECONDS per site, runs two indexed queries: the site's layer generation (bumped by
each batch refit, see refit.py) and any feedback rows newer than the last it applied. New
feedback is replayed in id order, which gives every worker the same weights as the worker that
took the moderation action, without rewriting the whole layer on each action. Full snapshots are
written every SPAM_SNAPSHOT_EVERY actions and by each refit, so a new worker loads a snapshot
and replays the tail.

With a shared cache (Redis), every change also writes a new mark there, and each check compares
the marks in one round trip: another host's feedback counts from the next check on, not
SPAM_REFRESH_SECONDS later. With a per-process cache the marks stay unseen and the timer decides.
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from broadsheet.antispam import actions
from broadsheet.antispam.features import N_FEATURES, N_HASHED
from broadsheet.antispam.model import SHIPPED_MODEL, Model
from broadsheet.antispam.models import BaseModel, Feedback, SiteLayer
from broadsheet.antispam.online import Layer
from broadsheet.antispam.train import fit_layer

MAX_SITES = 64  # layers kept in memory; least recently used ones are reloaded on demand
MARK_SECONDS = 86400  # an expired mark only means the timer decides until the next change
BASE_MARK = "antispam:mark:base"
_lock = threading.RLock()
log = logging.getLogger(__name__)


@dataclass
class _SiteState:
    layer: Layer
    generation: int
    base_version: str
    last_id: int
    checked: float
    mark: str | None = None  # the shared mark seen when last synced


@dataclass
class _BaseState:
    model: Model
    db_id: int | None
    checked: float
    mark: str | None = None


_base: _BaseState | None = None
_shipped: Model | None = None
_sites: OrderedDict[str, _SiteState] = OrderedDict()


def reset() -> None:
    """Forget everything cached (tests, and after installing a model in-process)."""
    global _base
    with _lock:
        _base = None
        _sites.clear()


def shipped_model() -> Model:
    global _shipped
    if _shipped is None:
        _shipped = Model.load(SHIPPED_MODEL)
    return _shipped


def site_mark(site: str) -> str:
    return f"antispam:mark:site:{site}"


def _read_marks(site: str) -> tuple[str | None, str | None]:
    """The base's and the site's marks, in one round trip."""
    try:
        found = cache.get_many([BASE_MARK, site_mark(site)])
    except Exception:  # Redis down: the timer alone decides, as with a per-process cache
        log.warning("could not read the spam model marks", exc_info=True)
        return None, None
    return found.get(BASE_MARK), found.get(site_mark(site))


def announce(key: str) -> None:
    """Tell every process, once this transaction commits, that a model changed."""
    transaction.on_commit(lambda: cache.set(key, secrets.token_hex(8), MARK_SECONDS))


def base_model(mark: str | None = None) -> Model:
    global _base
    now = time.monotonic()
    with _lock:
        fresh = _base and now - _base.checked < settings.SPAM_REFRESH_SECONDS
        if _base and fresh and (mark is None or mark == _base.mark):
            return _base.model
        latest = BaseModel.objects.filter(active=True).order_by("-id").values_list("id", flat=True)
        db_id = latest.first()
        if _base is None or _base.db_id != db_id:
            if db_id is None:
                model = shipped_model()
            else:
                model = Model.from_bytes(BaseModel.objects.get(id=db_id).data)
            _base = _BaseState(model, db_id, now)
        _base.checked = now
        if mark is not None:
            _base.mark = mark
        return _base.model


def decision_margin(model: Model) -> float:
    """The raw margin at which the calibrated score crosses the spam threshold."""
    t = min(max(model.spam_threshold, 1e-6), 1 - 1e-6)
    return (math.log(t / (1 - t)) - model.calib_b) / model.calib_a


def layer(site: str, *, force: bool = False) -> tuple[Layer, int]:
    """The site's current layer and its generation, refreshed from the database when due: after
    SPAM_REFRESH_SECONDS, or at once when another process announced a change."""
    now = time.monotonic()
    base_mark, mark = _read_marks(site)
    base = base_model(base_mark)
    with _lock:
        state = _sites.get(site)
        if state is not None and state.base_version != base.version:
            state = None  # the base model changed: the layer must relearn on top of it
        fresh = state and now - state.checked < settings.SPAM_REFRESH_SECONDS
        if state and fresh and not force and (mark is None or mark == state.mark):
            _sites.move_to_end(site)
            return state.layer, state.generation
        state = _sync(site, base, state)
        state.checked = now
        state.mark = mark
        _sites[site] = state
        _sites.move_to_end(site)
        while len(_sites) > MAX_SITES:
            _sites.popitem(last=False)
        return state.layer, state.generation


def _sync(site: str, base: Model, state: _SiteState | None) -> _SiteState:
    row = (
        SiteLayer.objects.filter(site=site)
        .values("generation", "base_version", "last_feedback_id")
        .first()
    )
    if row is None:
        if state is None or state.generation != 0:
            state = _SiteState(Layer(), 0, base.version, 0, 0.0)
    elif state is None or state.generation != row["generation"]:
        if row["base_version"] == base.version:
            data = SiteLayer.objects.values_list("snapshot", flat=True).get(site=site)
            state = _SiteState(
                Layer.from_bytes(bytes(data)),
                row["generation"],
                base.version,
                row["last_feedback_id"],
                0.0,
            )
        else:  # the base model changed under this layer: relearn it from all feedback
            state = _SiteState(Layer(), row["generation"], base.version, 0, 0.0)
    replay(state, site, base)
    return state


def replay(state: _SiteState, site: str, base: Model) -> None:
    line = decision_margin(base)
    pending = Feedback.objects.filter(site=site, id__gt=state.last_id).order_by("id")
    for fid, spam, vector in pending.values_list("id", "spam", "vector").iterator(chunk_size=500):
        idx, val = actions.decode_vector(vector)
        base_margin = float(base.weights[idx] @ val) + base.bias
        state.layer.learn(idx, val, base_margin, spam, line)
        state.last_id = fid


def after_feedback(site: str) -> None:
    """Apply the feedback just stored and, every so often, write a snapshot of the layer."""
    layer_, _ = layer(site, force=True)
    if layer_.updates % settings.SPAM_SNAPSHOT_EVERY == 0:
        save_snapshot(site, new_generation=False)
    announce(site_mark(site))


def save_snapshot(site: str, *, new_generation: bool) -> None:
    with _lock:
        state = _sites[site]
        written = actions.do_save_layer(
            site,
            state.layer.to_bytes(),
            state.base_version,
            state.last_id,
            new_generation=new_generation,
            generation=state.generation,
        )
        if written is not None:
            state.generation = written


def rebuild(site: str, up_to: int | None = None) -> int:
    """Refit a site's layer in batch on its stored feedback (ids up to up_to; all by default),
    replay later feedback online on top, and make every worker reload it. The result depends
    only on the feedback, so it is the same whichever worker or thread runs it. Returns the
    number of labels fitted."""
    base = base_model()
    rows = Feedback.objects.filter(site=site).order_by("id")
    if up_to is not None:
        rows = rows.filter(id__lte=up_to)
    vectors: list[tuple[np.ndarray, np.ndarray]] = []
    keys: list[bytes] = []
    latest: dict[bytes, bool] = {}  # a relabelled text: its latest label counts for every copy
    last = 0
    for fid, spam, vector in rows.values_list("id", "spam", "vector").iterator(chunk_size=500):
        idx, val = actions.decode_vector(vector)
        text = idx < N_HASHED  # the text's n-grams, not reputation counts that change
        key = idx[text].tobytes() + val[text].tobytes()
        vectors.append((idx, val))
        keys.append(key)
        latest[key] = spam
        last = fid
    X = stack(vectors)
    y = np.array([latest[k] for k in keys], dtype=np.float64)
    offset = X @ base.weights.astype(np.float64) + base.bias
    weights, bias = fit_layer(X, y, offset)
    state = _SiteState(Layer.from_fit(weights, bias, X), 0, base.version, last, time.monotonic())
    with _lock:
        replay(state, site, base)  # labels that arrived while it was fitted
        _sites[site] = state
        save_snapshot(site, new_generation=True)
    announce(site_mark(site))
    return len(vectors)


def sites_with_feedback() -> list[str]:
    return list(Feedback.objects.order_by("site").values_list("site", flat=True).distinct())


def stack(vectors: list[tuple[np.ndarray, np.ndarray]]) -> sp.csr_matrix:
    """Stored feedback vectors as the rows of one sparse matrix."""
    indptr = np.cumsum([0] + [len(idx) for idx, _ in vectors])
    indices = np.concatenate([idx for idx, _ in vectors] or [np.zeros(0, np.int32)])
    values = np.concatenate([val for _, val in vectors] or [np.zeros(0, np.float32)])
    return sp.csr_matrix(
        (values.astype(np.float64), indices, indptr), shape=(len(vectors), N_FEATURES)
    )
