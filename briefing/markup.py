"""The light markup of article bodies, rendered without trusting any HTML.

    A paragraph, with a [link](https://example.com).

    > A quotation, over one
    > or more lines.
    — its attribution

Everything is escaped first; only the markup above produces elements, and a
link only ever points at http(s).
"""

import re

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s()<>\"]+)\)")
_ATTRIBUTION = re.compile(r"^\s*(?:\u2014|\u2013|-{1,2})\s*")


def _inline(text: str) -> SafeString:
    """Escape `text`, then turn [text](url) into links."""
    escaped = escape(text)
    return mark_safe(
        _LINK.sub(lambda match: f'<a href="{match[2]}">{match[1]}</a>', escaped)
    )


def _block(block: str) -> SafeString:
    lines = block.splitlines()
    quoted = [line for line in lines if line.startswith(">")]
    if not quoted:
        return format_html("<p>{}</p>", _inline(" ".join(lines)))
    quote = " ".join(line[1:].strip() for line in quoted)
    rest = " ".join(line for line in lines if not line.startswith(">")).strip()
    if not rest:
        return format_html("<blockquote><p>{}</p></blockquote>", _inline(quote))
    return format_html(
        "<figure><blockquote><p>{}</p></blockquote>"
        "<figcaption>— {}</figcaption></figure>",
        _inline(quote),
        _inline(_ATTRIBUTION.sub("", rest)),
    )


def render_body(text: str) -> SafeString:
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r", ""))]
    return format_html_join("\n", "{}", ((_block(b),) for b in blocks if b))
