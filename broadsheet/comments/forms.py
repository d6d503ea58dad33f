from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_SALT = "broadsheet.comments.form"


def issue_token() -> str:
    """A signed note of when the form was shown: posts too fast or too late are refused.

    The article page is the same for everyone, so it carries none: comments.js asks for one
    when the reader starts on the form, and a form shown again after a refusal gets a new one.
    """
    return signing.dumps({"at": timezone.now().timestamp()}, salt=TOKEN_SALT)


def token_time(token: str) -> datetime | None:
    try:
        issued = signing.loads(token, salt=TOKEN_SALT)
        return datetime.fromtimestamp(float(issued["at"]), tz=UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None


class CommentForm(forms.Form):
    content = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 6}), strip=True
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Optional. Never shown. Lets us tell you about replies if you ask."),
    )
    url = forms.URLField(label=_("Website"), required=False, max_length=300, assume_scheme="https")
    remember = forms.BooleanField(
        label=_("Save my name, e-mail and website in this browser for the next time I comment."),
        required=False,
    )
    notify = forms.BooleanField(
        label=_("E-mail me replies to my comment (we send a link to confirm first)."),
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    # People never see this field; bots that fill every field give themselves away.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("notify") and not data.get("email"):
            self.add_error("email", _("Give your e-mail address to be told about replies."))
        return data


def renew_token(form: CommentForm) -> None:
    """Shown again after a refusal, with the reader's text: a form time that can no longer
    pass (expired, or not ours) is replaced so the text can be sent again. A good one is
    kept, so that a quick correction is not "too quick"; none (no script) stays none."""
    token = form.data.get("token", "")
    issued = token_time(token)
    if not token or (
        issued is not None
        and (timezone.now() - issued).total_seconds() < settings.COMMENTS_MAX_FORM_AGE
    ):
        return
    data = dict(form.data.items())  # one value per field: the comment form has no lists
    data["token"] = issue_token()
    form.data = data


class EditForm(forms.Form):
    content = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 6}), strip=True
    )
