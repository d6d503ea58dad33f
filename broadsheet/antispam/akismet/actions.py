"""State changes behind the API and its keys, each in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from broadsheet.antispam import engine
from broadsheet.antispam.akismet import keys, sql, usage
from broadsheet.antispam.engine import Verdict
from broadsheet.antispam.fields import get, is_test
from broadsheet.antispam.models import ApiKey, CheckLog
from broadsheet.lib.ip import keyed_hash

# Clients don't send the check's guid back with a submit, so a submit is paired with its check
# on these (spec §5.5), within one key.
MATCH_FIELDS = ("blog", "user_ip", "comment_content", "comment_author", "comment_date_gmt")

Fields = Mapping[str, object]


def _match(fields: Fields) -> str:
    joined = "\x1f".join(get(fields, name) for name in MATCH_FIELDS)
    return keyed_hash(joined, key=settings.SECRET_KEY, purpose="akismet-match")


def _row(key: keys.Known, call: str, blog: str, fields: Fields) -> dict[str, Any]:
    """A log row's values; a test call's payload is not kept (spec §4)."""
    test = is_test(fields)
    email = get(fields, "comment_author_email")
    return {
        "created": timezone.now(),
        "key_id": key.id,
        "call": call,
        "blog": blog,
        "is_test": test,
        "match": "" if test else _match(fields),
        "email_hash": (
            keyed_hash(email, key=settings.SECRET_KEY, purpose="email")
            if email and not test
            else ""
        ),
        "fields": {} if test else dict(fields),
    }


def do_record_check(key: keys.Known, blog: str, fields: Fields, verdict: Verdict) -> str:
    """Count and log a comment-check and remember its text; returns its guid. Test calls count
    nowhere."""
    guid = uuid.uuid4().hex
    with transaction.atomic():
        engine.remember_text(verdict)
        if not is_test(fields):
            spam = int(verdict.spam)
            usage.count(key.id, blog, checks=1, spam=spam, discards=spam * int(verdict.discard))
        row = _row(key, CheckLog.Call.CHECK, blog, fields)
        sql.insert(
            CheckLog,
            row
            | {
                "guid": guid,
                "spam": verdict.spam,
                "discard": verdict.spam and verdict.discard,
                "score": verdict.score,
                "reasons": list(verdict.reasons),
                "version": verdict.version[:100],
                "original_id": None,
            },
        )
    return guid


def do_submit(key: keys.Known, blog: str, fields: Fields, *, spam: bool) -> bool:
    """A site's moderators say a comment is spam (missed) or ham (a false positive): count and
    log it, pair it with its check, and teach that key's site. False if not learnt (is_test)."""
    test = is_test(fields)
    with transaction.atomic():
        original = None if test else _original(key, fields)
        if not test:
            usage.count(key.id, blog, missed_spam=int(spam), false_positives=int(not spam))
        call = CheckLog.Call.SPAM if spam else CheckLog.Call.HAM
        CheckLog.objects.create(**_row(key, call, blog, fields), original=original)
    # Learn from the check's own fields where the submit left some out.
    learn = {**original.fields, **fields} if original else fields
    return (engine.submit_spam if spam else engine.submit_ham)(learn, key.site)


def _original(key: keys.Known, fields: Fields) -> CheckLog | None:
    checks = CheckLog.objects.filter(key_id=key.id, call=CheckLog.Call.CHECK)
    guid = get(fields, "guid").strip().lower()
    found = checks.filter(guid=guid) if guid else checks.filter(match=_match(fields))
    return found.order_by("-id").first()


def do_create_key(blogs: list[str], name: str = "") -> ApiKey:
    with transaction.atomic():
        key = ApiKey.objects.create(blogs="\n".join(blogs), name=name)
    transaction.on_commit(keys.forget)
    return key


def do_revoke_key(key: ApiKey) -> None:
    """The key stops working (with Redis at once everywhere, else within keys.CACHE_SECONDS in
    other workers); its figures stay."""
    with transaction.atomic():
        key.revoked = timezone.now()
        key.save(update_fields=["revoked"])
    transaction.on_commit(keys.forget)
