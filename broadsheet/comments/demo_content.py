"""Invented reader comments for the demo: a short conversation and one held for moderation."""

from __future__ import annotations

from typing import TypedDict


class DemoComment(TypedDict):
    article: str  # the article's slug
    author: str
    text: str
    reply_to: int | None  # index of an earlier comment in this list
    approved: bool


COMMENTS: list[DemoComment] = [
    {
        "article": "tanners-footbridge-reopens-early",
        "author": "Maggie Thornbury",
        "text": "Walked across with the pushchair this morning. The new ramp at the Fennick Green "
        "end is a real improvement: no more carrying it down the steps.",
        "reply_to": None,
        "approved": True,
    },
    {
        "article": "tanners-footbridge-reopens-early",
        "author": "Dev Okafor",
        "text": "Agreed. The lighting is much better after dark too.",
        "reply_to": 0,
        "approved": True,
    },
    {
        "article": "tanners-footbridge-reopens-early",
        "author": "Harold P.",
        "text": "Does anyone know if the cycle lane on the quay side is finished yet? "
        "The article doesn't say.",
        "reply_to": None,
        "approved": True,
    },
    {
        "article": "library-extends-opening-hours",
        "author": "Jen W",
        "text": "Sunday afternoons will make such a difference for the homework club. Thank you!",
        "reply_to": None,
        "approved": False,
    },
]
