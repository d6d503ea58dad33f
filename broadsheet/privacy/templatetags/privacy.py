from __future__ import annotations

from typing import Any

from django import template

from broadsheet.privacy import notice

register = template.Library()


@register.inclusion_tag("privacy/_notice.html")
def comment_privacy_notice() -> dict[str, Any]:
    """The paragraph under every comment form.

    ``{% load privacy %}{% comment_privacy_notice %}``
    """
    return notice.comment_notice()
