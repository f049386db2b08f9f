from django import forms
from django.contrib.auth.forms import BaseUserCreationForm

from briefing.text import skeleton

from .models import User


class SignUpForm(BaseUserCreationForm):
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
        if User.objects.filter(username_key=skeleton(username)).exists():
            raise forms.ValidationError(
                "A reader with that username, or one that looks the same, "
                "already exists.",
                code="unique",
            )
        return username


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["display_name"].required = True
