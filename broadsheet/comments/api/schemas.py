"""What the API reads and writes, as the OpenAPI schema publishes it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from ninja import Field, Path, Schema
from pydantic import field_validator


class Error(Schema):
    code: str = Field(description="Stable, for programs: e.g. not_found, refused, rate_limited.")
    message: str = Field(description="For people, in the site's language.")


# The largest id a database column holds: a bigger one is simply not found.
CommentId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def answers(*statuses: int) -> dict[int, Any]:
    """The error answers an operation documents. 414 comes from the web server in front
    (gunicorn refuses request lines over 4094 bytes before Django sees them), so it has no
    JSON body; every other error does."""
    return {status: None if status == 414 else Error for status in statuses}


class CommentOut(Schema):
    id: int
    parent: int | None = Field(description="The comment this one answers; null at the top.")
    depth: int
    author: str
    website: str = Field(description='The author\'s http(s) address, or "".')
    html: str = Field(description="The comment, rendered from Markdown and sanitised.")
    created: datetime
    edited: datetime | None
    pending: bool = Field(description="Your own comment, still awaiting moderation.")
    editable: bool = Field(description="Yours, and still inside the edit window.")
    source: str | None = Field(description="Your text as written (Markdown), when editable.")
    replies: list[CommentOut] = Field(description="The first replies, nested.")
    more_replies: int = Field(description="Replies in this branch not included here.")
    replies_cursor: str | None = Field(
        description="Pass to /comments/{id}/replies for the rest of this branch."
    )


class ThreadOut(Schema):
    uri: str
    title: str
    closed: bool
    count: int = Field(description="Approved comments in the whole thread.")
    comments: list[CommentOut] = Field(description="A page of top-level comments.")
    next: str | None = Field(description="Cursor for the next page of top-level comments.")


class RepliesOut(Schema):
    comments: list[CommentOut] = Field(
        description="Replies in order; each goes under its parent, or under the branch's top "
        "comment when its parent is not shown."
    )
    next: str | None


class FormOut(Schema):
    token: str = Field(description="Send back with a new comment; valid from min_seconds on.")
    min_seconds: int
    min_length: int
    max_length: int
    max_depth: int
    edit_window: int = Field(description="Seconds in which a guest may edit or delete.")
    language: str
    notice_html: str = Field(description="The privacy notice to show beside the form.")
    texts: dict[str, str] = Field(description="The widget's labels, translated.")


class CountOut(Schema):
    uri: str
    count: int
    label: str = Field(description='e.g. "3 comments", translated.')


class CountsOut(Schema):
    counts: list[CountOut]


def _email(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("not an e-mail address") from None
    return value


def _website(value: str) -> str:
    value = value.strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError:
            raise ValueError("not an http(s) address") from None
    return value


class NewComment(Schema):
    uri: str = Field(max_length=1000, description="The page's full address.")
    title: str = Field("", max_length=300, description="The page's title, kept on the first post.")
    parent: int | None = Field(
        None, ge=1, le=2**63 - 1, description="The id of the comment this answers."
    )
    content: str = Field(max_length=100_000, description="Markdown.")
    name: str = Field(min_length=1, max_length=100)
    email: str = Field(
        "",
        max_length=254,
        description="Optional; never shown.",
        json_schema_extra={"format": "email"},
    )
    website: str = Field("", max_length=300, pattern=r"^(https?://\S+)?$")
    token: str = Field(max_length=500, description="From GET /form.")
    homepage: str = Field("", max_length=500, description="Leave empty: a trap for robots.")
    notify: bool = Field(False, description="E-mail the author about replies (needs email).")

    @field_validator("email")
    @classmethod
    def check_email(cls, value: str) -> str:
        return _email(value)

    @field_validator("website")
    @classmethod
    def check_website(cls, value: str) -> str:
        return _website(value)

    @field_validator("name")
    @classmethod
    def check_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a name is required")
        return value


class EditIn(Schema):
    content: str = Field(max_length=100_000)


class PostedOut(Schema):
    comment: CommentOut
    message: str = Field(description="What happened, for the author.")
    key: str = Field(
        description="Proves authorship: send it as X-Broadsheet-Key to see your pending "
        "comments and to edit or delete them within the window."
    )


class ModeratedOut(Schema):
    """A comment as moderators see it."""

    id: int
    uri: str
    status: Literal["pending", "approved", "spam", "trash"]
    author: str
    email: str
    website: str
    html: str
    created: datetime
    reasons: list[str]
    spam_score: float | None


class QueueOut(Schema):
    comments: list[ModeratedOut]
    next: str | None
