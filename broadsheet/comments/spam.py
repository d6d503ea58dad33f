"""How comments meet the spam engine: checking a submission, and teaching it from moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from broadsheet.antispam.engine import Verdict
    from broadsheet.comments.models import Comment
    from broadsheet.comments.pipeline import Submission

# The site's own comment form learns on its own layer, apart from the API's keys.
LOCAL_SITE = "local"


def submission_fields(sub: Submission) -> dict[str, Any]:
    """A submission in Akismet's comment-check names, which the engine takes."""
    fields: dict[str, Any] = {
        "comment_content": sub.content,
        "comment_author": sub.author_name,
        "comment_author_email": sub.author_email,
        "comment_author_url": sub.author_url,
        "comment_type": "reply" if sub.parent else "comment",
        "user_ip": sub.ip,
        "user_agent": sub.user_agent,
        "referrer": sub.referrer,
        "permalink": sub.permalink,
        "blog_lang": sub.language,
    }
    if sub.editing is not None:
        fields["recheck_reason"] = "edit"
    if sub.form_issued_at is not None:
        fields["broadsheet_form_seconds"] = f"{(sub.now - sub.form_issued_at).total_seconds():.1f}"
    if sub.is_staff:
        fields["user_role"] = "administrator"
    return fields


def comment_fields(comment: Comment) -> dict[str, Any]:
    """A stored comment in the engine's names. Only the network is kept, never the address."""
    return {
        "comment_content": comment.content,
        "comment_author": comment.author_name,
        "comment_author_email": comment.author_email,
        "comment_author_url": comment.author_url,
        "comment_type": "reply" if comment.parent_id else "comment",
        "user_ip": comment.ip_network.split("/")[0],
        "permalink": comment.thread.permalink(),
    }


def check(sub: Submission) -> Verdict:
    """The verdict; the caller stores it with remember() in the transaction that stores the
    comment."""
    from broadsheet.antispam import engine  # loads the model on first use, not at start-up

    return engine.check(submission_fields(sub), site=LOCAL_SITE, remember=False)


def remember(verdict: Verdict | None) -> None:
    """Keep a checked text's signature (for spotting campaigns); None when none was checked."""
    from broadsheet.antispam import engine

    if verdict is not None:
        engine.remember_text(verdict)


def learn(comment: Comment, *, is_spam: bool) -> None:
    from broadsheet.antispam import engine

    if is_spam:
        engine.submit_spam(comment_fields(comment), site=LOCAL_SITE)
    else:
        engine.submit_ham(comment_fields(comment), site=LOCAL_SITE)
