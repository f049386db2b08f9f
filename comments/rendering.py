"""How a comment's plain-text body becomes HTML: escaped, nothing trusted."""

import functools

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
