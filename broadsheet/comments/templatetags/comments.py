from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from broadsheet.articles.models import Article
from broadsheet.comments import cookies, display
from broadsheet.comments.forms import CommentForm, renew_token
from broadsheet.comments.models import Comment, Thread

register = template.Library()

# Long enough to spare the rendering on busy pages; the key changes whenever the thread does.
THREAD_CACHE_SECONDS = 600


def _thread(article: Article) -> Thread | None:
    try:
        return article.comment_thread  # type: ignore[no-any-return]
    except Thread.DoesNotExist:
        return None


def render_thread(
    request: Any, article: Article, thread: Thread | None, own: set[int]
) -> SafeString:
    page, nodes = display.thread_page(request, thread, own) if thread else (None, [])
    context = {
        "article": article,
        "thread": thread,
        "page": page,
        "nodes": nodes,
        "editable": cookies.editable(request, display.comments_in(nodes)),
    }
    return SafeString(render_to_string("comments/thread.html", context, request=request))


@register.simple_tag(takes_context=True)
def comment_thread(context: template.Context, article: Article) -> SafeString:
    """The thread under an article. Readers with nothing of their own in it (almost all of
    them) share one cached rendering per thread version, page and language."""
    request = context["request"]
    thread = _thread(article)
    own = cookies.own_ids(request)
    if thread is None or own or request.user.is_authenticated:
        return render_thread(request, article, thread, own)
    key = ":".join(
        [
            "comments",
            "thread",
            str(thread.pk),
            str(thread.version),
            request.GET.get("page", "1"),
            get_language(),
        ]
    )
    html: SafeString | None = cache.get(key)
    if html is None:
        html = render_thread(request, article, thread, own)
        cache.set(key, html, THREAD_CACHE_SECONDS)
    return html


@register.inclusion_tag("comments/form.html", takes_context=True)
def comment_form(context: template.Context, article: Article) -> dict[str, Any]:
    """The form, the same for every reader without their own cookies: no CSRF token and no
    form time (comments.js fetches that). Signed-in readers get the CSRF token; a reader who
    asked to be remembered gets their details; a refused form comes back with a new time."""
    request = context["request"]
    form = context.get("comment_form")
    reply_to = None
    if form is not None:
        renew_token(form)
    else:
        initial: dict[str, Any] = cookies.saved_details(request)
        initial["remember"] = bool(initial.get("name"))
        reply_id = request.GET.get("replyto", "")
        if reply_id.isdigit():
            reply_to = Comment.objects.filter(
                pk=reply_id, thread__article=article, status=Comment.Status.APPROVED
            ).first()
            initial["parent"] = reply_to.pk if reply_to else None
        form = CommentForm(initial=initial)
    thread = _thread(article)
    return {
        "request": request,
        "article": article,
        "form": form,
        "reply_to": reply_to,
        "closed": thread is not None and thread.is_closed,
    }


@register.filter
def can_reply(comment: Comment) -> bool:
    return (
        comment.status == Comment.Status.APPROVED
        and comment.depth + 1 < settings.COMMENTS_MAX_DEPTH
    )
