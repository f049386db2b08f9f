from django.apps import AppConfig


class BriefingConfig(AppConfig):
    """The project package doubles as the articles app."""

    name = "briefing"
    verbose_name = "Articles"
