"""What the database knows about a comment's sources: reputation and recent near-duplicates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from broadsheet.antispam import minhash
from broadsheet.antispam.features import Context
from broadsheet.antispam.fields import get
from broadsheet.antispam.links import find_links, url_domain
from broadsheet.antispam.models import RecentText, Reputation
from broadsheet.lib.ip import keyed_hash
from broadsheet.lib.ip import truncate as network
from broadsheet.privacy.keys import ip_hash

_SIMILAR = 0.6


def keyed(kind: str, value: str) -> str:
    """The site's keyed hash, the same one the comments store, so the two can be matched."""
    return keyed_hash(value, key=settings.SECRET_KEY, purpose=kind)


@dataclass
class Sources:
    """Keyed hashes of the comment's sources, by reputation kind."""

    keys: dict[str, str] = field(default_factory=dict)  # kind → key
    link_keys: list[str] = field(default_factory=list)  # one per link (domains may repeat)
    thread: str = ""
    signature: np.ndarray | None = None


def sources(fields: Mapping[str, object]) -> Sources:
    out = Sources()
    email = get(fields, "comment_author_email").strip().lower()
    if "@" in email:
        out.keys["email"] = keyed("email", email)
    ip = get(fields, "user_ip").strip()
    if ip:
        # The comments' own IP hash, whose key rotates (privacy): an address's reputation
        # lasts one key period, as long as the comments keep the hash.
        out.keys["ip"] = ip_hash(ip)
        net = network(ip)
        if net:
            out.keys["net"] = keyed("net", net)
    domain = url_domain(get(fields, "comment_author_url"))
    if domain:
        out.keys["urldom"] = keyed("dom", domain)
    author = " ".join(get(fields, "comment_author").lower().split())[:200]
    if author:
        out.keys["author"] = keyed("author", author)
    out.link_keys = [
        keyed("dom", d) for d in find_links(get(fields, "comment_content")).domains if d
    ]
    permalink = get(fields, "permalink").strip()
    if permalink:
        out.thread = keyed("thread", permalink)[:16]
    out.signature = minhash.signature(get(fields, "comment_content"))
    return out


def lookup(site: str, src: Sources) -> Context:
    """Reputation counts and campaign figures; raw SQL because this runs on every comment and
    the ORM's query building would cost more than the rest of the verdict."""
    ctx = Context()
    wanted = sorted(set(src.keys.values()) | set(src.link_keys))
    if wanted:
        table = Reputation._meta.db_table
        marks = ", ".join(["%s"] * len(wanted))
        sql = f"SELECT kind, key, spam, ham FROM {table} WHERE site = %s AND key IN ({marks})"
        with connection.cursor() as cursor:
            cursor.execute(sql, [site, *wanted])
            counts = {(kind, key): (spam, ham) for kind, key, spam, ham in cursor.fetchall()}
        for kind, key in src.keys.items():
            if (kind, key) in counts:
                ctx.reputation[kind] = counts[(kind, key)]
        for key in src.link_keys:
            spam, ham = counts.get(("link", key), (0, 0))
            ctx.link_domains_spam += spam >= 1 and spam > 2 * ham
            ctx.link_domains_ham += ham >= 1 and ham > 2 * spam
    if src.signature is not None:
        _campaign(site, src, ctx)
    return ctx


def _campaign(site: str, src: Sources, ctx: Context) -> None:
    assert src.signature is not None
    since = timezone.now() - timedelta(hours=settings.SPAM_CAMPAIGN_HOURS)
    keys = minhash.bands(src.signature)
    any_band = " OR ".join(f"b{i} = %s" for i in range(len(keys)))
    sql = (
        f"SELECT thread, spam, signature FROM {RecentText._meta.db_table} "
        f"WHERE site = %s AND created >= %s AND ({any_band}) LIMIT 500"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [site, connection.ops.adapt_datetimefield_value(since), *keys])
        rows = cursor.fetchall()
    threads = set()
    for thread, spam, sig in rows:
        if spam is not None and not spam:
            continue  # moderators approved that copy: not a campaign
        other = np.frombuffer(bytes(sig), dtype=np.uint64)
        if minhash.similarity(src.signature, other) < _SIMILAR:
            continue
        ctx.campaign_posts += 1
        ctx.campaign_spam += bool(spam)
        if thread and thread != src.thread:
            threads.add(thread)
    ctx.campaign_threads = len(threads)
