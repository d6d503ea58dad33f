from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from broadsheet.privacy.models import PrivacyRequest


class RequestForm(forms.Form):
    """A reader's export or erasure request; confirmed through a link sent to the address."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The one you gave with your comments. We send the confirmation link there."),
    )
    kind = forms.ChoiceField(
        label=_("What should we do?"),
        choices=PrivacyRequest.Kind.choices,
        widget=forms.RadioSelect,
        initial=PrivacyRequest.Kind.EXPORT,
    )
    replace_content = forms.BooleanField(
        label=_("On erasure, also replace my comments' text with “[deleted]”"),
        help_text=_("Otherwise the text stays, under the name “Anonymous”."),
        required=False,
    )


class StaffRequestForm(forms.Form):
    """Staff run an export or erasure for an address at once (no confirmation link)."""

    email = forms.EmailField(label=_("E-mail address"))
    kind = forms.ChoiceField(label=_("Action"), choices=PrivacyRequest.Kind.choices)
    replace_content = forms.BooleanField(
        label=_("On erasure, replace comment texts with “[deleted]”"), required=False
    )
