from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingConfig(AppConfig):
    """The project package doubles as the articles app."""

    name = "briefing"
    verbose_name = _("Articles")
