"""What the discussion tells its readers, through `notifications.notify`.

Each text is written in its recipient's language (the one remembered on their
account), as the mail that follows is. Moderation calls these at the moment a comment becomes visible or is
decided on, inside the transaction that decides: nothing is said about a
comment still waiting, and nothing twice about the same publication.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from notifications.delivery import notify
from notifications.models import Kind

from .models import AppealState, Comment, Ignore, sentence


def never_published(comment: Comment) -> bool:
    """Whether `comment` is about to be shown for the first time: a comment
    takes its number when it is first published, and keeps it."""
    return comment.number is None


def _tell(recipient, kind, comment: Comment, *, actor, text: str) -> None:
    """Notify `recipient` of what happened to `comment`, linking to it."""
    notify(
        recipient,
        kind,
        actor=actor,
        text=text,
        url=comment.get_absolute_url(),
        title=comment.article.title,
        excerpt=comment.body,
    )


def first_published(comment: Comment, *, moderator=None) -> None:
    """`comment` is visible for the first time: tell the author of the
    comment it answers and, when a moderator let it through, its own author."""
    if moderator is not None:
        with translation.override(comment.author.mail_language):
            text = _("Your comment was approved and is now published")
        _tell(comment.author, Kind.APPROVED, comment, actor=moderator, text=text)
    if comment.reply_to_id is not None and not Ignore.objects.ignores(
        comment.reply_to.author, comment.author
    ):
        author = comment.author
        with translation.override(comment.reply_to.author.mail_language):
            text = _("%(reader)s replied to your comment") % {"reader": author.label}
        _tell(comment.reply_to.author, Kind.REPLY, comment, actor=author, text=text)


def rejected(comment: Comment, *, moderator, reason: str) -> None:
    """A moderator rejected `comment`: its author learns why."""
    with translation.override(comment.author.mail_language):
        if reason:
            text = _("Your comment was rejected: %(reason)s") % {"reason": reason}
        else:
            text = _("Your comment was rejected")
    _tell(comment.author, Kind.REJECTED, comment, actor=moderator, text=text)


def featured(comment: Comment, *, moderator) -> None:
    """A moderator featured `comment` above its discussion: its author hears."""
    with translation.override(comment.author.mail_language):
        text = _("A moderator featured your comment")
    _tell(comment.author, Kind.FEATURED, comment, actor=moderator, text=text)


def reports_upheld(comment: Comment, reporters, *, moderator) -> None:
    """A comment `reporters` reported was removed: each of them hears."""
    for reporter in reporters:
        with translation.override(reporter.mail_language):
            text = _("A comment you reported was removed by a moderator")
        notify(
            reporter,
            Kind.REPORT_OUTCOME,
            actor=moderator,
            text=text,
            url=comment.article.get_absolute_url(),
            title=comment.article.title,
            excerpt="",
        )


def appeal_decided(comment: Comment, *, moderator, appeal) -> None:
    """A moderator decided the author's appeal on `comment`: they hear how
    and why."""
    with translation.override(comment.author.mail_language):
        if appeal.state == AppealState.REVERSED:
            text = _(
                "Your appeal was accepted: your comment is published again. %(reason)s"
            )
        else:
            text = _(
                "Your appeal was turned down: your comment stays rejected. %(reason)s"
            )
        text = (text % {"reason": sentence(appeal.decision_reason)}).strip()
    _tell(comment.author, Kind.APPEAL_DECIDED, comment, actor=moderator, text=text)
