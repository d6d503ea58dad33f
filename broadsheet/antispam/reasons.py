"""Turning the features' contributions to a verdict into sentences a moderator understands."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from broadsheet.antispam.features import META_INDEX, Context, Vector

MAX_REASONS = 3
MIN_CONTRIBUTION = 0.4  # log-odds; smaller pushes are not worth a moderator's attention
AGAINST = 1.0  # opposing signals this strong are shown after the deciding ones


def _n(value: float) -> str:
    return number_format(value, decimal_pos=0, use_l10n=True)


def _words(items: object) -> str:
    return ", ".join(f"“{w}”" for w in (items if isinstance(items, list) else []))


def _meta_text(name: str, vec: Vector, ctx: Context) -> str | None:
    f = vec.facts
    links = len(f.get("link_domains", []) or [])  # type: ignore[arg-type]
    rep = ctx.reputation
    messages: dict[str, Callable[[], str]] = {
        "length": lambda: (
            gettext("Its length is typical of spam")
            if vec.meta.get("length", 0) > 1
            else gettext("Its length is typical of real comments")
        ),
        "upper_ratio": lambda: gettext("Much of it is in capital letters"),
        "links": lambda: (
            ngettext("Contains %(count)s link", "Contains %(count)s links", links)
            % {"count": _n(links)}
        ),
        "link_shortener": lambda: gettext("Hides its destination behind a link shortener"),
        "link_anchor_commercial": lambda: gettext("Its link text advertises something"),
        "link_domains_spam": lambda: (
            ngettext(
                "%(count)s link to a domain seen in spam",
                "%(count)s links to domains seen in spam",
                ctx.link_domains_spam,
            )
            % {"count": _n(ctx.link_domains_spam)}
        ),
        "link_domains_ham": lambda: (
            ngettext(
                "%(count)s link to a domain seen in approved comments",
                "%(count)s links to domains seen in approved comments",
                ctx.link_domains_ham,
            )
            % {"count": _n(ctx.link_domains_ham)}
        ),
        "hidden_html": lambda: gettext("Hides text from readers with HTML or CSS"),
        "obfuscated": lambda: gettext(
            "Disguises words (look-alike letters, invisible characters or spaced-out letters)"
        ),
        "author_url": lambda: gettext("The author gave a website"),
        "author_url_only": lambda: gettext(
            "Its only link is the author's website, next to an unremarkable text"
        ),
        "author_url_keywords": lambda: (
            gettext("The author's website address is stuffed with keywords (%(words)s)")
            % {"words": _words(f.get("author_url_keywords"))}
        ),
        "author_url_shortener": lambda: gettext("The author's website is a shortened link"),
        "name_keywords": lambda: (
            gettext("The author's name is stuffed with keywords (%(words)s)")
            % {"words": _words(f.get("name_keywords"))}
        ),
        "name_long": lambda: gettext("The author's name is unusually long"),
        "name_url": lambda: gettext("The author's name contains a web address"),
        "email_throwaway": lambda: (
            gettext("The e-mail address is from a throwaway provider (%(domain)s)")
            % {"domain": f.get("email_domain", "")}
        ),
        "email_bad": lambda: gettext("The e-mail address is malformed"),
        "email_keywords": lambda: (
            gettext("The e-mail address is stuffed with keywords (%(words)s)")
            % {"words": _words(f.get("email_keywords"))}
        ),
        "ua_empty": lambda: gettext("No browser identification was sent"),
        "ua_script": lambda: gettext("Sent by a script, not a browser"),
        "ua_bot": lambda: gettext("Sent by a robot's user agent"),
        "ua_stale": lambda: gettext("Sent from a long-outdated browser"),
        "referrer_offsite": lambda: gettext("The form was not reached from this site"),
        "lang_mismatch": lambda: (
            gettext("Written in another language (%(language)s) than the site's (%(site)s)")
            % {"language": f.get("language", ""), "site": ", ".join(_strs(f.get("site_languages")))}
        ),
        "type_ping": lambda: gettext("A trackback or pingback"),
        "honeypot": lambda: gettext("Filled in the hidden trap field that only robots see"),
        "form_fast": lambda: (
            gettext("Submitted %(seconds)s seconds after the form appeared")
            % {
                "seconds": number_format(
                    _float(f.get("form_seconds")), decimal_pos=1, use_l10n=True
                )
            }
        ),  # type: ignore[arg-type]
        "form_stale": lambda: gettext("Submitted days after the form appeared"),
        "user_role": lambda: gettext("Posted by a signed-in user with a role on this site"),
        "rep_email_spam": lambda: _count_msg("e-mail address", "spam", rep.get("email")),
        "rep_email_ham": lambda: _count_msg("e-mail address", "ham", rep.get("email")),
        "rep_ip_spam": lambda: _count_msg("IP address", "spam", rep.get("ip")),
        "rep_ip_ham": lambda: _count_msg("IP address", "ham", rep.get("ip")),
        "rep_net_spam": lambda: _count_msg("network", "spam", rep.get("net")),
        "rep_net_ham": lambda: _count_msg("network", "ham", rep.get("net")),
        "rep_urldom_spam": lambda: _count_msg("website", "spam", rep.get("urldom")),
        "rep_urldom_ham": lambda: _count_msg("website", "ham", rep.get("urldom")),
        "rep_author_spam": lambda: _count_msg("name", "spam", rep.get("author")),
        "rep_author_ham": lambda: _count_msg("name", "ham", rep.get("author")),
        "campaign_threads": lambda: (
            ngettext(
                "The same text was posted on %(count)s other thread recently",
                "The same text was posted on %(count)s other threads recently",
                ctx.campaign_threads,
            )
            % {"count": _n(ctx.campaign_threads)}
        ),
        "campaign_posts": lambda: (
            ngettext(
                "The same text was posted %(count)s time recently",
                "The same text was posted %(count)s times recently",
                ctx.campaign_posts,
            )
            % {"count": _n(ctx.campaign_posts)}
        ),
        "campaign_spam": lambda: (
            ngettext(
                "Near-copy of %(count)s recent comment judged spam",
                "Near-copy of %(count)s recent comments judged spam",
                ctx.campaign_spam,
            )
            % {"count": _n(ctx.campaign_spam)}
        ),
    }
    make = messages.get(name)
    return make() if make else None


def _strs(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _count_msg(source: str, label: str, counts: tuple[int, int] | None) -> str:
    spam, ham = counts or (0, 0)
    sources = {
        "e-mail address": gettext("this e-mail address"),
        "IP address": gettext("this IP address"),
        "network": gettext("this network"),
        "website": gettext("this website"),
        "name": gettext("this author name"),
    }
    if label == "spam":
        return ngettext(
            "Moderators marked %(count)s earlier comment from %(source)s as spam",
            "Moderators marked %(count)s earlier comments from %(source)s as spam",
            spam,
        ) % {"count": _n(spam), "source": sources[source]}
    return ngettext(
        "Moderators approved %(count)s earlier comment from %(source)s",
        "Moderators approved %(count)s earlier comments from %(source)s",
        ham,
    ) % {"count": _n(ham), "source": sources[source]}


def explain(
    vec: Vector, weight: Callable[[np.ndarray], np.ndarray], ctx: Context, spam: bool
) -> list[str]:
    """The few strongest signals pushing the way the verdict went, strongest first.
    weight(indices) gives the combined (base + site) weights at those indices."""
    contrib = weight(vec.idx) * vec.val
    found: list[tuple[float, str]] = []  # contribution, signal ("" for the text)
    text_total = float(contrib[vec.text].sum())
    if text_total:
        found.append((text_total, ""))
    names = list(vec.meta)
    where = np.searchsorted(vec.idx, [META_INDEX[n] for n in names])  # vec.idx is sorted
    for name, k in zip(names, where.tolist(), strict=True):
        if k < len(vec.idx) and vec.idx[k] == META_INDEX[name]:
            found.append((float(contrib[k]), name))
    sign = 1 if spam else -1

    def message(name: str, contribution: float) -> str | None:
        if not name:
            return _text_reason(vec, weight, contribution > 0)
        return _meta_text(name, vec, ctx)

    chosen = sorted(((c * sign, n) for c, n in found if c * sign >= MIN_CONTRIBUTION), reverse=True)
    reasons = [m for c, n in chosen if (m := message(n, c * sign))][:MAX_REASONS]
    # Room left: name strong signals that pointed the other way, so a moderator sees them too.
    against = sorted(((-c * sign, n) for c, n in found if -c * sign >= AGAINST), reverse=True)
    for c, name in against:
        text = message(name, -c * sign)
        if text and len(reasons) < MAX_REASONS:
            reasons.append(gettext("Outweighed: %(reason)s") % {"reason": text})
    return reasons


def _text_reason(vec: Vector, weight: Callable[[np.ndarray], np.ndarray], spammy: bool) -> str:
    pairs = [(i, w) for i, w in vec.words.items() if len(w) > 1]
    values = weight(np.array([i for i, _ in pairs], dtype=np.int64)) if pairs else np.zeros(0)
    scored = sorted(zip(values.tolist(), [w for _, w in pairs], strict=True), reverse=spammy)
    top = [w for s, w in scored[:3] if (s > 0) == spammy]
    if spammy:
        if top:
            return gettext("Its wording is typical of spam (%(words)s)") % {"words": _words(top)}
        return gettext("Its wording is typical of spam")
    if top:
        return gettext("Its wording is typical of real comments (%(words)s)") % {
            "words": _words(top)
        }
    return gettext("Its wording is typical of real comments")
