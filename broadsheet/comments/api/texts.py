"""The API's and the widget's words, translated like the rest of the site."""

from __future__ import annotations

from django.utils.translation import gettext as _


def widget() -> dict[str, str]:
    """Every label embed.js shows; it has no words of its own."""
    return {
        "heading": _("Comments"),
        "loading": _("Loading comments…"),
        "empty": _("No comments yet."),
        "failed": _("The comments could not be loaded."),
        "more_comments": _("More comments"),
        "more_replies": _("More replies"),
        "reply": _("Reply"),
        "reply_to": _("Reply to %(name)s"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "delete_confirm": _("Delete this comment?"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "edited": _("(edited)"),
        "pending": _("Your comment is awaiting moderation."),
        "posted": _("Your comment was posted."),
        "deleted": _("Your comment was deleted."),
        "saved": _("Your changes were saved."),
        "comment": _("Comment"),
        "name": _("Name"),
        "email": _("E-mail"),
        "email_help": _("Optional. Never shown. Lets us tell you about replies if you ask."),
        "website": _("Website"),
        "trap": _("Leave this field empty"),
        "submit": _("Post comment"),
        "sending": _("Sending…"),
        "closed": _("Comments are closed on this page."),
        "markdown": _("You can use Markdown: *emphasis*, **strong**, [links](https://…)."),
    }
