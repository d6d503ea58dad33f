"""The Akismet comment-check fields the engine reads, plus the extra keys of our own form."""

from __future__ import annotations

from collections.abc import Mapping

from broadsheet.antispam.normalize import to_text

# Seconds between rendering our comment form and its submission (set by the comments app).
FORM_SECONDS = "broadsheet_form_seconds"

# Akismet's documented test values (spec §5.3).
TEST_SPAM_AUTHORS = frozenset({"akismet-guaranteed-spam", "viagra-test-123"})
TEST_SPAM_EMAIL = "akismet-guaranteed-spam@example.com"

# Longest field value looked at; a 1 MB comment is judged on its first 64 KB.
MAX_FIELD = 65536


def get(fields: Mapping[str, object], name: str) -> str:
    """A field as str, never raising: missing, None, bytes and odd types all become text."""
    try:
        value = fields.get(name)
    except Exception:
        return ""
    return to_text(value)[:MAX_FIELD]


def truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def is_test(fields: Mapping[str, object]) -> bool:
    return truthy(get(fields, "is_test"))


def is_admin(fields: Mapping[str, object]) -> bool:
    roles = {r.strip().lower() for r in get(fields, "user_role").split(",")}
    return "administrator" in roles


def is_guaranteed_spam(fields: Mapping[str, object]) -> bool:
    author = get(fields, "comment_author").strip().lower()
    email = get(fields, "comment_author_email").strip().lower()
    return author in TEST_SPAM_AUTHORS or email == TEST_SPAM_EMAIL
