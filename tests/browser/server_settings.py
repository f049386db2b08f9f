"""Settings of the gunicorn that the browser tests drive: Briefing's own, with
the collected static files in the test's temporary folder (STATIC_ROOT is not
an operator's knob, so it is not read from the environment)."""

import os
from pathlib import Path

from briefing.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BRIEFING_TEST_STATIC_ROOT"])
# The demo's lead image, drawn by load_demo, beside the static files.
MEDIA_ROOT = STATIC_ROOT.parent / "media"

# Like the rest of the suite (tests/conftest.py): a password hash costs
# milliseconds, not the better part of a second on a busy 2-core machine.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
