from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Readers' accounts: the user model, sign-up, profiles, sign-in throttling."""

    name = "briefing.accounts"
    label = "accounts"
    verbose_name = "Accounts"
