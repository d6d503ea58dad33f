"""The spam engine's public interface: check a comment, and learn from moderators.

``fields`` are Akismet comment-check parameters (comment_content, comment_author,
comment_author_email, comment_author_url, user_ip, user_agent, referrer/referer, permalink,
comment_type, blog_lang, user_role, is_test, honeypot_field_name and the field it names). Our own
comment form may add ``broadsheet_form_seconds``: seconds from rendering the form to submitting
it. A ``site`` is a plain key: "local" for this site's own form, an API-key-derived key for the
Akismet-compatible API; each site learns on its own layer above the shared base model.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from broadsheet.antispam import actions, context, refit, store
from broadsheet.antispam.context import Sources
from broadsheet.antispam.features import vectorize
from broadsheet.antispam.fields import is_admin, is_guaranteed_spam, is_test
from broadsheet.antispam.reasons import explain

log = logging.getLogger(__name__)
LOCAL = "local"


@dataclass(frozen=True)
class Verdict:
    spam: bool
    discard: bool  # blatant: safe to drop without queueing (Akismet's "pro-tip: discard")
    score: float  # calibrated probability of spam
    reasons: tuple[str, ...]
    version: str  # base model version + site layer generation and size
    # The checked text's signature, for remember_text(); None for test calls.
    text: _Text | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class _Text:
    site: str
    sources: Sources
    spam: bool | None  # None: not known to be spam


def check(fields: Mapping[str, object], site: str = LOCAL, *, remember: bool = True) -> Verdict:
    """A verdict for any input: bad or missing fields never raise.

    The text is remembered so that later copies are seen as a campaign: in a transaction of its
    own, or, with ``remember=False``, by the caller's remember_text() inside the transaction that
    stores the caller's own record (one commit instead of two)."""
    try:
        verdict = _check(fields, site)
        if remember:
            remember_text(verdict)
        return verdict
    except Exception:  # a broken check must not lose the comment: hold it for a moderator
        log.exception("spam check failed")
        return Verdict(
            True,
            False,
            0.5,
            (gettext("The spam check failed; a moderator should look at it"),),
            "error",
        )


def _check(fields: Mapping[str, object], site: str) -> Verdict:
    if not isinstance(fields, Mapping):
        fields = {}
    # The layer first: it reads the shared marks and so brings the base model up to date too.
    layer, generation = store.layer(site)
    base = store.base_model()
    if is_admin(fields):  # Akismet: administrator always ham, even over the spam test values
        return Verdict(
            False, False, 0.0, (gettext("Posted by a site administrator"),), base.version
        )
    if is_guaranteed_spam(fields):
        reason = gettext("Akismet's test value for guaranteed spam")
        return Verdict(True, settings.SPAM_TEST_DISCARD, 1.0, (reason,), base.version)
    src = context.sources(fields)
    ctx = context.lookup(site, src)
    vec = vectorize(fields, ctx)
    margin = base.margin(vec) + layer.margin(vec.idx, vec.val)
    score = base.score(margin)
    spam = score >= base.spam_threshold
    discard = score >= base.discard_threshold
    reasons = explain(vec, lambda i: base.weights[i] + layer.w[i], ctx, spam)
    if not reasons:
        reasons = [gettext("No single signal stood out; the overall score decided")]
    text = None if is_test(fields) else _Text(site, src, True if spam else None)
    version = f"{base.version}+{site}.{generation}.{layer.updates}"
    return Verdict(spam, discard, round(score, 4), tuple(reasons), version, text)


def remember_text(verdict: Verdict) -> None:
    """Store a checked text's signature; joins the caller's transaction when there is one."""
    if verdict.text is not None:
        actions.do_record_text(verdict.text.site, verdict.text.sources, verdict.text.spam)


def submit_spam(fields: Mapping[str, object], site: str = LOCAL) -> bool:
    """A moderator (or the API's submit-spam) says this is spam. False if not learnt (is_test)."""
    return _submit(fields, site, spam=True)


def submit_ham(fields: Mapping[str, object], site: str = LOCAL) -> bool:
    """A moderator (or the API's submit-ham) says this is not spam. False if not learnt."""
    return _submit(fields, site, spam=False)


def _submit(fields: Mapping[str, object], site: str, *, spam: bool) -> bool:
    if not isinstance(fields, Mapping) or is_test(fields):
        return False
    store.layer(site)  # bring the layer up to date before this label lands on top
    src = context.sources(fields)
    vec = vectorize(fields, context.lookup(site, src))
    feedback = actions.do_record_feedback(site, spam, vec, src)
    store.after_feedback(site)  # the online step: this label counts from the next check on
    transaction.on_commit(lambda: refit.schedule(site, feedback.pk))
    return True


def retrain(site: str) -> int:
    """Refit a site's layer on all its stored feedback now. Returns the number of labels used."""
    return store.rebuild(site)
