"""Comments typed by a reader whose session had ended, kept for them.

Signed out elsewhere (another tab, "sign out everywhere", an expired
session), the reader's post arrives anonymous. Its text goes into the new,
anonymous session before they are sent to sign in; Django's login() keeps an
anonymous session's data (it only cycles the key), so once signed in the
article's form offers the text again. Server-side, so no script is needed.
"""

from .forms import CommentForm
from .models import BODY_MAX_LENGTH

SESSION_KEY = "comment_drafts"


def keep(request, article, data) -> None:
    """Keep the posted text and the comment it answered, one per article."""
    drafts = request.session.get(SESSION_KEY, {})
    drafts[str(article.pk)] = {
        # Room for the line breaks a browser sends as two characters; a
        # hostile post is not kept whole.
        "body": data.get("body", "")[: 2 * BODY_MAX_LENGTH],
        "reply_to": data.get("reply_to", "")[:20],
    }
    request.session[SESSION_KEY] = drafts


def restored_form(request, article) -> CommentForm | None:
    """The form holding the reader's kept text for `article`, once; None when
    there is none or the reader is not signed in yet."""
    if not request.user.is_authenticated:
        return None
    drafts = request.session.get(SESSION_KEY)
    if not drafts or str(article.pk) not in drafts:
        return None
    draft = drafts.pop(str(article.pk))
    request.session[SESSION_KEY] = drafts
    return CommentForm(article=article, initial=draft)
