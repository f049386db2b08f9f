"""How allauth meets the site's own rules for readers' accounts."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from .addresses import client_address
from .models import User, username_validator

USERNAME_TAKEN = (
    "A reader with that username, or one that looks the same, already exists."
)


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        """The site's username rule (any alphabet, unique ignoring case and
        look-alike letters), in place of allauth's case-folding lookup."""
        username = username.strip()
        username_validator(username)
        if not shallow and User.objects.looking_like(username).exists():
            raise ValidationError(USERNAME_TAKEN, code="unique")
        return username

    def get_client_ip(self, request) -> str:
        """The site's one notion of the client's address (the sessions list
        shows it): X-Forwarded-For believed only from trusted proxies."""
        return client_address(request)

    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data["display_name"]
        return super().save_user(request, user, form, commit=commit)
