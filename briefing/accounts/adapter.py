"""How allauth meets the site's own rules for readers' accounts."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .addresses import client_address
from .models import User, username_validator

USERNAME_TAKEN = _(
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
        # The reader's e-mails are in the language they signed up in, until
        # they choose another with the switch.
        if translation.get_language() in dict(settings.LANGUAGES):
            user.language = translation.get_language()
        return super().save_user(request, user, form, commit=commit)

    def format_email_subject(self, subject):
        return _("Briefing: %(subject)s") % {"subject": subject}

    def send_mail(self, template_prefix, email, context):
        """allauth's mails (verification, password reset) in the language
        of the reader they are for; to an unknown address, the page's."""
        user = context.get("user")
        language = getattr(user, "language", "") or translation.get_language()
        with translation.override(language):
            return super().send_mail(template_prefix, email, context)
