"""What readers do with one another's comments besides answering them:
respect a comment, ignore a reader.

Views call these functions; like `comments.moderation`, they hold the rules.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from briefing import shared_pages
from briefing.accounts.models import User

from .models import Comment, Ignore, Respect
from .moderation import PostingRefused, posting_sanction

# Respects a reader may give in RESPECT_WINDOW: enough for any reader, too
# few for a script to flood the shared pages with new versions.
RESPECT_LIMIT = 60
RESPECT_WINDOW = timedelta(hours=1)


class NotRespectable(PostingRefused):
    def __init__(self):
        super().__init__(_("You can't respect your own comment."))


def toggle_respect(comment: Comment, reader: User, wanted: bool | None = None) -> bool:
    """Give `reader`'s Respect to `comment` (`wanted` True), take it back
    (False), or, `wanted` None, do whichever it is not.

    Returns whether the reader now respects it; `comment.respect_count` is
    the count after the change. The page's form says which it wants, so a
    form sent twice (a double click, or nginx resending a POST to another
    instance when the first one stopped, docs/deploy.md) gives or takes
    back once rather than undoing itself. The unique constraint keeps one
    Respect per reader, and the counter moves by an F() update in the same
    transaction, so readers respecting at once never lose a count.
    """
    if comment.author_id == reader.pk:
        raise NotRespectable
    with transaction.atomic():
        # The reader's row serialises their respects (the toggle, the limit).
        list(User.objects.select_for_update().filter(pk=reader.pk).values("pk"))
        # A banned or suspended reader may read, not act on the discussion.
        if (sanction := posting_sanction(reader)) is not None:
            raise PostingRefused(sanction.explanation())
        given = Respect.objects.filter(comment=comment, reader=reader)
        already = given.exists()
        if wanted is None:
            wanted = not already
        step = 0
        if not wanted and already:
            given.delete()
            step = -1
        elif wanted and not already:
            if settings.BRIEFING_RATE_LIMITS:
                recent = Respect.objects.filter(
                    reader=reader, created_at__gte=timezone.now() - RESPECT_WINDOW
                ).count()
                if recent >= RESPECT_LIMIT:
                    raise PostingRefused(
                        _(
                            "You can respect %(limit)d comments an hour. "
                            "Please try again later."
                        )
                        % {"limit": RESPECT_LIMIT},
                        status=429,
                        retry_after=int(RESPECT_WINDOW.total_seconds()),
                    )
            Respect.objects.create(comment=comment, reader=reader)
            step = 1
        if step:
            Comment.objects.filter(pk=comment.pk).update(
                respect_count=F("respect_count") + step
            )
            shared_pages.changed(comment.article_id)
        comment.respect_count = (
            Comment.objects.filter(pk=comment.pk)
            .values_list("respect_count", flat=True)
            .get()
        )
    return wanted


def withdraw_respects(reader: User) -> None:
    """Take back every Respect `reader` gave (their account is erased),
    keeping each comment's count true."""
    with transaction.atomic():
        respected = Comment.objects.filter(respects__reader=reader)
        articles = set(respected.values_list("article_id", flat=True))
        respected.update(respect_count=F("respect_count") - 1)
        Respect.objects.filter(reader=reader).delete()
        for article_id in articles:
            shared_pages.changed(article_id)


class NotIgnorable(PostingRefused):
    def __init__(self, message: str):
        super().__init__(message)


def toggle_ignore(reader: User, other: User, wanted: bool | None = None) -> bool:
    """`reader` ignores `other` (`wanted` True), stops ignoring them (False),
    or, `wanted` None, does whichever they do not; returns whether they now
    ignore them. The buttons say which they want, so a form sent twice
    does not undo itself (as Respect). Moderators and editors cannot be
    ignored: readers must see what the newsroom says in the discussion."""
    if other.pk == reader.pk:
        raise NotIgnorable("You can't ignore yourself.")
    if other.is_staff:
        raise NotIgnorable("You can't ignore the site's staff.")
    with transaction.atomic():
        ignores = Ignore.objects.filter(ignorer=reader, ignored=other)
        if wanted is None:
            wanted = not ignores.exists()
        if wanted:
            Ignore.objects.get_or_create(ignorer=reader, ignored=other)
        else:
            ignores.delete()
    return wanted
