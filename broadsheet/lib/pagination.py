from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _


def page_or_404(request: HttpRequest, items: QuerySet[Any] | Sequence[Any], per_page: int) -> Page:
    """The page named by ``?page=``; a page that is not a number or does not exist is a 404."""
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404(_("There is no such page.")) from None
