from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from broadsheet.articles.models import Article
from broadsheet.articles.views import render_article
from broadsheet.comments import cookies, display
from broadsheet.comments.actions import (
    Posted,
    do_approve,
    do_edit,
    do_mark_spam,
    do_post_comment,
    do_trash,
)
from broadsheet.comments.forms import CommentForm, EditForm, issue_token, token_time
from broadsheet.comments.models import Comment, Thread
from broadsheet.comments.notifications import read_token
from broadsheet.comments.pipeline import Submission
from broadsheet.lib.ip import client_ip, keyed_hash
from broadsheet.lib.origins import is_own, sender
from broadsheet.privacy.actions import do_record_consent
from broadsheet.privacy.keys import ip_hash


def submission(request: HttpRequest, thread: Thread, content: str, **fields: Any) -> Submission:
    """What the pipeline needs to know about this request, whoever sent it."""
    ip = client_ip(request.META, settings.TRUSTED_PROXIES)
    email = fields.pop("author_email", "")
    user = request.user
    return Submission(
        thread=thread,
        content=content,
        author_email=email,
        ip=ip,
        ip_hash=ip_hash(ip),
        email_hash=keyed_hash(email, key=settings.SECRET_KEY, purpose="email") if email else "",
        user_agent=request.headers.get("User-Agent", ""),
        referrer=request.headers.get("Referer", ""),
        now=timezone.now(),
        is_staff=user.is_authenticated and user.is_staff,
        user_id=user.pk if user.is_authenticated else None,
        permalink=thread.permalink(),
        language=settings.LANGUAGE_CODE,
        **fields,
    )


def submit_edit(request: HttpRequest, comment: Comment, content: str) -> Posted:
    """An author's edit, from the page or the API, checked again as a new submission."""
    sub = submission(
        request,
        comment.thread,
        content,
        author_name=comment.author_name,
        author_email=comment.author_email,
        author_url=comment.author_url,
        parent=comment.parent,
        editing=comment,
    )
    actor = request.user if request.user.is_authenticated else None
    return do_edit(comment, sub, actor=actor)


def refused(
    request: HttpRequest, article: Article, form: CommentForm, posted: Posted
) -> HttpResponse:
    """The article again, the reader's text kept in the form, and why it was not taken."""
    form.add_error(None, posted.decision.message)
    status = 429 if posted.decision.retry_after else 400
    response = render_article(request, article, extra={"comment_form": form}, status=status)
    if posted.decision.retry_after:
        response["Retry-After"] = str(posted.decision.retry_after)
    return response


@require_GET
def form_token(request: HttpRequest) -> HttpResponse:
    """A form time for comments.js, asked for when the reader starts on the form."""
    response = JsonResponse({"token": issue_token()})
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # see post_comment
@require_POST
def post_comment(request: HttpRequest, article_id: int) -> HttpResponse:
    """A new comment from the form under the article.

    Guests post from the page everyone shares, which holds no CSRF token: their browser's
    Origin (or Referer) must be this site instead. Signed-in readers' pages are their own and
    carry the token, which is then required as everywhere else.
    """
    if request.user.is_authenticated:
        return _post_with_token(request, article_id)
    return _post(request, article_id)


def _post(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.live(), pk=article_id)
    form = CommentForm(request.POST)
    if not request.user.is_authenticated and not is_own(request, sender(request.META)):
        message = _("Comments are taken only from this site's own pages. Your text is below.")
        form.add_error(None, message)
        return render_article(request, article, extra={"comment_form": form}, status=403)
    if not form.is_valid():
        return render_article(request, article, extra={"comment_form": form}, status=400)
    data = form.cleaned_data
    thread, _created = Thread.objects.get_or_create(article=article)
    parent = None
    if data["parent"]:
        try:
            parent = thread.reply_parent(data["parent"])
        except Comment.DoesNotExist:
            form.add_error(None, _("The comment you are replying to is not there any more."))
            return render_article(request, article, extra={"comment_form": form}, status=400)

    sub = submission(
        request,
        thread,
        data["content"],
        author_name=data["name"],
        author_email=data["email"],
        author_url=data["url"],
        parent=parent,
        honeypot=data["homepage"],
        form_issued_at=token_time(data["token"]),
        form_without_script=not data["token"],
    )
    posted = do_post_comment(sub, subscribe=data["notify"])
    if posted.comment is None:
        return refused(request, article, form, posted)
    do_record_consent(data["email"], given=bool(data["remember"]))

    response = HttpResponseRedirect(f"{article.get_absolute_url()}#comment-{posted.comment.pk}")
    cookies.remember(request, response, posted.comment)
    if data["remember"]:
        cookies.save_details(response, data["name"], data["email"], data["url"])
    elif cookies.DETAILS in request.COOKIES:
        cookies.forget_details(response)
    return response


_post_with_token = csrf_protect(_post)


def _editable(request: HttpRequest, comment_id: int) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("thread__article").exclude(status=Comment.Status.TRASH),
        pk=comment_id,
    )
    if not cookies.may_edit(request, comment):
        raise Http404(_("This comment can no longer be changed."))
    return comment


@require_http_methods(["GET", "POST"])
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _editable(request, comment_id)
    form = EditForm(request.POST or None, initial={"content": comment.content})
    if request.method == "POST" and form.is_valid():
        posted = submit_edit(request, comment, form.cleaned_data["content"])
        if posted.comment is not None:
            response = HttpResponseRedirect(comment.get_absolute_url())
            cookies.remember(request, response, comment)
            return response
        form.add_error(None, posted.decision.message)
    return render(request, "comments/edit.html", {"comment": comment, "form": form})


@require_POST
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _editable(request, comment_id)
    do_trash(comment, actor=request.user if request.user.is_authenticated else None)
    return HttpResponseRedirect(f"{comment.thread.get_absolute_url()}#comments")


@require_GET
def thread_fragment(request: HttpRequest, thread_id: int) -> HttpResponse:
    """A further page of top-level comments, for the script's "more comments"."""
    thread = get_object_or_404(Thread, pk=thread_id)
    page, nodes = display.thread_page(request, thread, cookies.own_ids(request))
    editable = cookies.editable(request, display.comments_in(nodes))
    context = {"thread": thread, "page": page, "nodes": nodes, "editable": editable}
    return render(request, "comments/_page.html", context)


@require_GET
def replies_fragment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Every reply in one branch: a page of its own, or a fragment for the script."""
    root = get_object_or_404(
        Comment.objects.select_related("thread"), pk=comment_id, depth=0, status="approved"
    )
    node = display.branch(root, cookies.own_ids(request))
    editable = cookies.editable(request, display.comments_in([node]))
    context = {"thread": root.thread, "nodes": [node], "root": root, "editable": editable}
    if request.GET.get("fragment"):
        return render(request, "comments/_page.html", context)
    return render(request, "comments/branch.html", context)


@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: GET asks to confirm (mail scanners follow links), POST acts."""
    try:
        data = read_token(token)
    except signing.BadSignature:
        return render(request, "comments/moderate.html", {"invalid": True}, status=400)
    comment = get_object_or_404(Comment.objects.select_related("thread__article"), pk=data["c"])
    moderator = get_user_model().objects.filter(pk=data["m"], is_active=True).first()
    if moderator is None or not moderator.has_perm("comments.change_comment"):
        return render(request, "comments/moderate.html", {"invalid": True}, status=403)
    done = False
    if request.method == "POST":
        if data["a"] == "approve":
            do_approve(comment, moderator=moderator)
        else:
            do_mark_spam(comment, moderator=moderator)
        done = True
    context = {"comment": comment, "action": data["a"], "done": done}
    return render(request, "comments/moderate.html", context)
