from allauth.account.forms import LoginForm, SignupForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms
from django.utils.translation import gettext_lazy as _

from . import throttle
from .antiautomation import SignUpTrap
from .models import BIDI_CONTROLS, User


def clean_display_name(value: str) -> str:
    if BIDI_CONTROLS.search(value):
        raise forms.ValidationError(
            _("A display name can't contain invisible text-direction characters."),
            code="invalid",
        )
    return value


class SignUpForm(SignUpTrap, SignupForm):
    """allauth's sign-up, with the display name and the trap field."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
        help_text=_("Shown beside your username, e.g. “Paul”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["username", "display_name", "email"])
        self.fields["email"].label = _("Email address")
        self.fields["password2"].label = _("Password confirmation")
        for name in ("username", "display_name", "email", "password1", "password2"):
            # Labels and help texts say what to type; placeholders only
            # repeat them, and vanish as soon as one types.
            self.fields[name].widget.attrs.pop("placeholder", None)

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])


class SignInForm(LoginForm):
    """allauth's sign-in (field `login`: a username or an e-mail address).

    A form that posts `username`, as Django's own sign-in form named it,
    works too: scripts written against the old form keep signing in.
    """

    def __init__(self, *args, **kwargs):
        data = kwargs.get("data")
        if data is not None and "login" not in data and "username" in data:
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or e-mail address")
        self.fields["login"].widget.attrs.update(
            autocomplete="username", autofocus=True
        )
        # The page links to the password reset already.
        self.fields["password"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class ThrottledCode:
    """Form mixin for allauth's two-factor code forms: each code counted by
    the site's throttle before it is checked (allauth's own limit counts in
    the cache, and is off)."""

    def clean_code(self):
        refusal = throttle.two_factor_refusal(context.request, self.user)
        if refusal is not None:
            raise forms.ValidationError(refusal.message, code="throttled")
        code = super().clean_code()
        throttle.two_factor_succeeded(self.user)
        return code


class TwoFactorForm(ThrottledCode, AuthenticateForm):
    """The code asked for at sign-in."""


class TwoFactorReauthenticateForm(ThrottledCode, ReauthenticateForm):
    """The code asked for again before a sensitive change."""


class AccountForm(forms.ModelForm):
    """The reader's own display name; nothing else is reachable (the e-mail
    address changes at /accounts/email/, where it is verified again)."""

    class Meta:
        model = User
        fields = ["display_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])


class DeleteAccountForm(forms.Form):
    """The reader confirms with their password that the account is theirs to
    delete (a session left open on a shared computer is not enough)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That is not your password. Your account was not changed."),
                code="password_incorrect",
            )
        return password
