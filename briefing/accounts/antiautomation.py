"""Sign-up anti-automation: a field people never see, and a per-address limit."""

import logging

from django import forms
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import throttle
from .addresses import client_address

security_log = logging.getLogger("briefing.security")

TRAP_FIELD = "website"


class TrapInput(forms.TextInput):
    """A text box out of sight and out of the tab order, inside a `hidden`
    block (display: none, so screen readers skip it too). Scripts that fill
    in every box of a form fill it in; people leave it empty."""

    # Rendered with the form's hidden fields, never as a visible row.
    is_hidden = True

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "autocomplete": "off", "tabindex": "-1"}
        box = super().render(name, value, attrs, renderer)
        return format_html(
            '<div class="trap" hidden><label for="{}">Leave this empty</label>{}</div>',
            attrs.get("id", ""),
            box,
        )


class SignUpTrap:
    """Form mixin: a sign-up whose trap field is filled in is refused."""

    trap_message = _(
        "This form was filled in by a program, not a person, so no account was "
        "created. If you are a person, please try again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TRAP_FIELD] = forms.CharField(
            required=False, strip=False, widget=TrapInput, label=_("Leave this empty")
        )

    def clean(self):
        cleaned_data = super().clean()
        if self.cleaned_data.get(TRAP_FIELD):
            raise forms.ValidationError(self.trap_message, code="automated")
        return cleaned_data


class SignUpLimit:
    """View mixin for allauth's SignupView: at most so many accounts per
    address per hour (429 with Retry-After after that), and trapped forms
    logged as security events."""

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, "automated"):
            security_log.warning(
                "sign-up refused from %s: the trap field was filled in",
                client_address(self.request),
            )
        return super().form_invalid(form)

    def refused(self, form):
        """Count this sign-up; the 429 answer if it is one too many, else None.

        Called outside the sign-up's transaction: the attempt must be
        committed before it is counted for the limit to hold across workers.
        """
        refusal = throttle.sign_up_refusal(self.request)
        if refusal is None:
            return None
        form.add_error(None, refusal.message)
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response
