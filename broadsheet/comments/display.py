"""Reading a thread for the page: a page of top-level comments, each with its replies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest

from broadsheet.comments.models import Comment, Thread
from broadsheet.lib.pagination import page_or_404


@dataclass
class Node:
    comment: Comment
    children: list[Node] = field(default_factory=list)
    hidden_replies: int = 0  # replies in this branch beyond those shown (top level only)


def visible(own: Iterable[int]) -> Q:
    """Approved comments, and this reader's own comments still awaiting moderation."""
    mine = Q(pk__in=list(own), status__in=[Comment.Status.PENDING, Comment.Status.SPAM])
    return Q(status=Comment.Status.APPROVED) | mine


def thread_page(request: HttpRequest, thread: Thread, own: set[int]) -> tuple[Page, list[Node]]:
    roots = Comment.objects.filter(visible(own), thread=thread, depth=0).order_by(
        "created_at", "id"
    )
    page = page_or_404(request, roots, settings.COMMENTS_PER_PAGE)
    nodes = {comment.pk: Node(comment) for comment in page}
    if nodes:
        attach_replies(nodes, own)
    return page, list(nodes.values())


def branch(root: Comment, own: set[int]) -> Node:
    """One top-level comment with every reply, for "more replies"."""
    node = Node(root)
    replies = Comment.objects.filter(visible(own), root=root, depth__gt=0).order_by("created_at")
    _build({root.pk: node}, replies)
    return node


def attach_replies(nodes: dict[int, Node], own: set[int]) -> None:
    limit = settings.COMMENTS_REPLIES_SHOWN
    replies = (
        Comment.objects.filter(visible(own), root__in=list(nodes), depth__gt=0)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("root"), order_by=[F("created_at"), F("id")])
        )
        .filter(rank__lte=limit)
        .order_by("created_at", "id")
    )
    _build(nodes, replies)
    full = [pk for pk, node in nodes.items() if _count(node) - 1 >= limit]
    if full:
        totals = (
            Comment.objects.filter(visible(own), root__in=full, depth__gt=0)
            .values("root")
            .annotate(n=Count("id"))
        )
        for row in totals:
            nodes[row["root"]].hidden_replies = row["n"] - limit


def _build(roots: dict[int, Node], replies: Iterable[Comment]) -> None:
    by_id = dict(roots)
    for reply in replies:
        node = Node(reply)
        by_id[reply.pk] = node
        # A reply whose parent is not visible (held, or trashed) hangs from its branch's root.
        parent = by_id.get(reply.parent_id or 0) or by_id.get(reply.root_id or 0)
        if parent is not None:
            parent.children.append(node)


def _count(node: Node) -> int:
    return 1 + sum(_count(child) for child in node.children)


def comments_in(nodes: list[Node]) -> list[Comment]:
    return [comment for node in nodes for comment in (node.comment, *comments_in(node.children))]
