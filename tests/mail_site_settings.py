"""Settings of the site the mail delivery tests run (gunicorn and its task
worker as subprocesses): the project's own, except that static files are
not collected first (the pages those tests open need only their names)."""

from briefing.settings import *  # noqa: F403
from briefing.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
