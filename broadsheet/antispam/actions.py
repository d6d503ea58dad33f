"""State changes of the spam engine, each in one transaction."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from broadsheet.antispam import minhash
from broadsheet.antispam.context import Sources
from broadsheet.antispam.features import Vector
from broadsheet.antispam.models import BaseModel, Feedback, RecentText, Reputation, SiteLayer

# Prune old recent texts about once every this many inserts (cheap, by the created index).
_PRUNE_EVERY = 500


def encode_vector(vec: Vector) -> bytes:
    return vec.idx.astype(np.int32).tobytes() + vec.val.astype(np.float32).tobytes()


def decode_vector(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    n = len(data) // 8
    raw = bytes(data)
    return np.frombuffer(raw[: 4 * n], np.int32), np.frombuffer(raw[4 * n :], np.float32)


def do_record_feedback(site: str, spam: bool, vec: Vector, src: Sources) -> Feedback:
    """Store a moderation label and count it against every source of the comment."""
    with transaction.atomic():
        feedback = Feedback.objects.create(site=site, spam=spam, vector=encode_vector(vec))
        wanted: dict[tuple[str, str], int] = {}
        for kind, key in src.keys.items():
            wanted[(kind, key)] = 1
        for key in src.link_keys:
            wanted[("link", key)] = wanted.get(("link", key), 0) + 1
        existing = {
            (r.kind, r.key): r
            for r in Reputation.objects.filter(site=site, key__in={k for _, k in wanted})
        }
        changed: list[Reputation] = []
        new: list[Reputation] = []
        for (kind, key), count in wanted.items():
            row = existing.get((kind, key)) or Reputation(site=site, kind=kind, key=key)
            if spam:
                row.spam += count
            else:
                row.ham += count
            (changed if row.pk else new).append(row)
        Reputation.objects.bulk_update(changed, ["spam", "ham"])
        Reputation.objects.bulk_create(new)
        if src.signature is not None:
            _mark_text(site, src, spam)
    return feedback


def _mark_text(site: str, src: Sources, spam: bool) -> None:
    assert src.signature is not None
    keys = minhash.bands(src.signature)
    same = RecentText.objects.filter(site=site, **{f"b{i}": k for i, k in enumerate(keys)})
    if not same.update(spam=spam):
        _insert_text(site, src, spam)


def do_record_text(site: str, src: Sources, spam: bool | None) -> None:
    """Remember a checked comment's signature so later copies are recognised as a campaign."""
    if src.signature is None:
        return
    with transaction.atomic(savepoint=False):  # inside a caller's transaction, part of it
        _insert_text(site, src, spam)


def _insert_text(site: str, src: Sources, spam: bool | None) -> None:
    assert src.signature is not None
    keys = minhash.bands(src.signature)
    row = RecentText.objects.create(
        site=site,
        created=timezone.now(),
        thread=src.thread,
        spam=spam,
        signature=src.signature.astype(np.uint64).tobytes(),
        **{f"b{i}": k for i, k in enumerate(keys)},
    )
    if row.pk % _PRUNE_EVERY == 0:
        _prune()


def _prune() -> None:
    cutoff = timezone.now() - timedelta(hours=settings.SPAM_CAMPAIGN_HOURS)
    RecentText.objects.filter(created__lt=cutoff).delete()
    excess = RecentText.objects.count() - settings.SPAM_RECENT_MAX
    if excess > 0:
        oldest = RecentText.objects.order_by("id").values_list("id", flat=True)[excess - 1]
        RecentText.objects.filter(id__lte=oldest).delete()


def do_prune_texts() -> None:
    with transaction.atomic():
        _prune()


def do_save_layer(
    site: str,
    snapshot: bytes,
    base_version: str,
    last_feedback_id: int,
    *,
    new_generation: bool,
    generation: int = 0,
) -> int | None:
    """Write a site's layer; a new generation tells every worker to reload it. Otherwise it
    is a snapshot of the given generation, skipped if a refit has replaced that generation.
    Returns the generation written, None if skipped."""
    with transaction.atomic():
        row, created = SiteLayer.objects.select_for_update().get_or_create(
            site=site,
            defaults={
                "snapshot": snapshot,
                "base_version": base_version,
                "last_feedback_id": last_feedback_id,
            },
        )
        if not created and not new_generation and row.generation != generation:
            return None  # refitted meanwhile: this worker reloads the new generation instead
        if not created:
            if new_generation:
                row.generation += 1
            elif row.last_feedback_id > last_feedback_id:
                return row.generation  # another worker already wrote a later snapshot
            row.snapshot = snapshot
            row.base_version = base_version
            row.last_feedback_id = last_feedback_id
            row.save()
        return row.generation


def do_install_base(version: str, data: bytes) -> BaseModel:
    """Make a base model the active one for every worker (older ones stay, inactive)."""
    with transaction.atomic():
        BaseModel.objects.filter(active=True).update(active=False)
        row, _ = BaseModel.objects.update_or_create(
            version=version, defaults={"data": data, "active": True}
        )
    return row


def do_forget_site(site: str) -> None:
    """Drop a site's layer, feedback and reputation (its moderators start again)."""
    with transaction.atomic():
        SiteLayer.objects.filter(site=site).delete()
        Feedback.objects.filter(site=site).delete()
        Reputation.objects.filter(site=site).delete()
        RecentText.objects.filter(site=site).delete()
