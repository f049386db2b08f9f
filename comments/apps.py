from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """The discussion under articles and its moderation."""

    name = "comments"
    verbose_name = "Discussion and moderation"

    def ready(self):
        from . import signals  # noqa: F401
