from django import forms
from django.contrib.auth.forms import BaseUserCreationForm

from briefing.text import skeleton

from .antiautomation import SignUpTrap
from .models import BIDI_CONTROLS, User


def clean_display_name(value: str) -> str:
    if BIDI_CONTROLS.search(value):
        raise forms.ValidationError(
            "A display name can't contain invisible text-direction characters.",
            code="invalid",
        )
    return value


class SignUpForm(SignUpTrap, BaseUserCreationForm):
    taken_message = (
        "A reader with that username, or one that looks the same, already exists."
    )

    class Meta:
        model = User
        fields = ["username", "display_name", "email"]
        help_texts = {"display_name": "Shown beside your username, e.g. “Paul”."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["display_name"].required = True

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        # Unique ignoring case and look-alike letters: "paul3390" or a
        # "Paul3390" spelt with Cyrillic letters would pose as him.
        if User.objects.filter(username_key=skeleton(username)).exists():
            raise forms.ValidationError(self.taken_message, code="unique")
        return username

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])


class AccountForm(forms.ModelForm):
    """The reader's own display name and e-mail; nothing else is reachable."""

    class Meta:
        model = User
        fields = ["display_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["display_name"].required = True

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])


class DeleteAccountForm(forms.Form):
    """The reader confirms with their password that the account is theirs to
    delete (a session left open on a shared computer is not enough)."""

    password = forms.CharField(
        label="Your password",
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
                "That is not your password. Your account was not changed.",
                code="password_incorrect",
            )
        return password
