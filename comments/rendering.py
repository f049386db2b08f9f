"""How a comment's plain-text body becomes HTML: escaped, nothing trusted."""

import functools
from datetime import datetime, tzinfo

from django.utils import dateformat, timezone, translation
from django.utils.formats import get_format
from django.utils.html import Urlizer
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

from briefing.accounts.models import BIDI_CONTROLS


class ReaderLinks(Urlizer):
    """Django's urlize, with the rel a link written by a reader must carry."""

    url_template = '<a href="{href}" rel="nofollow ugc noopener">{url}</a>'


_urlize = ReaderLinks()


# A discussion page shows the same bodies to reader after reader, and urlize
# is its costliest step (docs/benchmarks.md has the figures). The
# result depends on the body alone, so a memo cannot go stale; 1,024 bodies
# of at most 5,000 characters keep it to a few MB per worker.
@functools.lru_cache(maxsize=1024)
def format_body(body: str) -> SafeString:
    """Escape the body, link web addresses and keep line breaks."""
    linked = _urlize(body, trim_url_limit=60, autoescape=True)
    return mark_safe(normalize_newlines(linked).replace("\n", "<br>"))


def shown_time(moment: datetime) -> tuple[str, str]:
    """`moment` as a comment's <time> shows it, in the reader's time zone:
    the date filter's "Y-m-d\\TH:i:sO" for `datetime`, and the language's
    DATETIME_FORMAT ("11 February 2024 15:30", "11 февраля 2024 15:30")."""
    return _shown_time(
        moment, timezone.get_current_timezone(), translation.get_language()
    )


# The second costliest step of a comment after urlize, and the same
# comments are shown again and again; a pure function of its arguments.
@functools.lru_cache(maxsize=4096)
def _shown_time(moment: datetime, zone: tzinfo, language: str) -> tuple[str, str]:
    local = timezone.localtime(moment, zone)
    return (
        f"{local:%Y-%m-%dT%H:%M:%S%z}",
        dateformat.format(local, get_format("DATETIME_FORMAT")),
    )


def count_links(body: str) -> int:
    """The links `format_body` makes, so the links rule sees what readers see."""
    return format_body(body).count('rel="nofollow ugc noopener"')


def bidi_isolated(name: str) -> str:
    """A name as text that cannot turn around what is shown after it.

    A name holding text-direction controls is put between FIRST STRONG
    ISOLATE and POP DIRECTIONAL ISOLATE, which end whatever it opened; other
    names are left exactly as they are.
    """
    if BIDI_CONTROLS.search(name):
        return f"\u2068{name}\u2069"
    return name
