"""The staff roles a site has, as Django groups with the permissions each role needs."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
MODERATORS = "Moderators"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.add_section",
        "articles.change_section",
        "articles.view_section",
    ],
    MODERATORS: [
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
        "comments.view_thread",
        "comments.change_thread",
        "antispam.view_apiday",  # the spam dashboard
        "antispam.view_checklog",
    ],
}


def ensure_roles() -> dict[str, Group]:
    """Create the groups, or bring their permissions back to what the code says."""
    groups = {}
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in (perm.split(".") for perm in codenames)
        ]
        group.permissions.set(permissions)
        groups[name] = group
    return groups
