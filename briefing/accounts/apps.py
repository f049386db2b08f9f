from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Readers' accounts: the user model, profiles, and the site's rules and
    limits on django-allauth's sign-up, sign-in and two-factor pages."""

    name = "briefing.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import security_log
        from .middleware import note_session_activity_at_sign_in

        security_log.connect()
        user_logged_in.connect(note_session_activity_at_sign_in)
