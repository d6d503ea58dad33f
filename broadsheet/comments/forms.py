from __future__ import annotations

from datetime import UTC, datetime

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_SALT = "broadsheet.comments.form"


def issue_token() -> str:
    """A signed note of when the form was shown: posts too fast or too late are refused."""
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
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    # People never see this field; bots that fill every field give themselves away.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class EditForm(forms.Form):
    content = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 6}), strip=True
    )
