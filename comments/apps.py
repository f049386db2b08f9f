from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    """The discussion under articles and its moderation."""

    name = "comments"
    verbose_name = _("Discussion and moderation")

    def ready(self):
        from . import signals  # noqa: F401
