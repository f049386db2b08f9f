"""A list of comments as HTML, rendered by Jinja2.

A page of 50 comments is the article page's largest part, and Django's
template engine spent most of the page's time on it: about 20 lookups and
tags a comment, each resolved at render time. Django's Jinja2 backend
compiles the same loop to Python and renders it about seven times faster
(docs/benchmarks.md). Only this loop is Jinja2; the page around it, forms
included, stays in Django's templates.

Jinja2 templates are not read by `makemessages`, so the list's words are
translated here, once a list, and passed in.
"""

from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from markupsafe import Markup

from .models import AppealState


def appeal_link_text(state: str) -> str:
    """The words of the link from a rejected comment to its appeal, after
    the appeal's `state` ("" when its author has not appealed)."""
    if state == AppealState.OPEN:
        return _("Your appeal is waiting for a moderator")
    if state == AppealState.UPHELD:
        return _("Your appeal was turned down")
    if state == AppealState.REVERSED:
        return _("Your appeal was accepted")
    return _("Appeal this decision")


def _words() -> dict:
    """The list's words in the active language. Those holding markup are
    Markup, so that `%` escapes what is put into them."""
    return {
        "folded": _("Folded: a comment by a reader you ignore"),
        "online": _("Online"),
        "offline": _("Offline"),
        "edited": _("(edited)"),
        "new": pgettext("comment", "New"),
        "pending": _("Your comment is awaiting moderation."),
        "rejected": Markup(
            _(
                "Your comment was rejected: %(reasons)s See the "
                '<a href="%(guidelines_url)s">community guidelines</a>.'
            )
        ),
        "in_reply_to": Markup(_('In reply to <a href="%(url)s">%(name)s</a>')),
        "in_reply_to_hidden": _("In reply to a comment that is no longer shown"),
        "respect": pgettext("noun", "Respect"),
        "reply": pgettext("verb", "Reply"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "report": pgettext("verb", "Report"),
    }


def render_comment_items(
    comments, *, request, reply_query: str | None = None
) -> SafeString:
    """Each of `comments` (ShownComment) as an <li>. `reply_query` is what a
    Reply link adds before `reply_to=` (None: no Reply links, as where the
    reader may not post)."""
    user = request.user
    signed_in = user.is_authenticated
    html = render_to_string(
        "comments/comment_items.html",
        {
            "comments": comments,
            "words": _words(),
            "reader_pk": user.pk if signed_in else None,
            "reply_query": reply_query,
            "guidelines_url": reverse("briefing:guidelines"),
            # Worked out once for the list's Respect forms. Given `request`,
            # the backend would pass a lazy one that masks the token anew
            # at each of them.
            "csrf_input": csrf_input(request) if signed_in else "",
        },
        using="jinja2",
    )
    # Jinja2 escaped every value it was given; what it returns is HTML.
    return mark_safe(html)
