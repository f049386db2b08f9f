from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Readers' accounts: the user model, profiles, and the site's rules and
    limits on django-allauth's sign-up, sign-in and two-factor pages."""

    name = "briefing.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import security_log

        security_log.connect()
