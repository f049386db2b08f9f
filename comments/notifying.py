"""What the discussion tells its readers, through `notifications.notify`.

Moderation calls these at the moment a comment becomes visible or is
decided on, inside the transaction that decides: nothing is said about a
comment still waiting, and nothing twice about the same publication.
"""

from notifications.delivery import notify
from notifications.models import Kind

from .models import Comment, Ignore, sentence


def never_published(comment: Comment) -> bool:
    """Whether `comment` is about to be shown for the first time: a comment
    takes its number when it is first published, and keeps it."""
    return comment.number is None


def first_published(comment: Comment, *, moderator=None) -> None:
    """`comment` is visible for the first time: tell the author of the
    comment it answers and, when a moderator let it through, its own author."""
    if moderator is not None:
        notify(
            comment.author,
            Kind.APPROVED,
            actor=moderator,
            text="Your comment was approved and is now published",
            url=comment.get_absolute_url(),
            title=comment.article.title,
            excerpt=comment.body,
        )
    if comment.reply_to_id is not None and not Ignore.objects.ignores(
        comment.reply_to.author, comment.author
    ):
        author = comment.author
        notify(
            comment.reply_to.author,
            Kind.REPLY,
            actor=author,
            text=f"{author.label} replied to your comment",
            url=comment.get_absolute_url(),
            title=comment.article.title,
            excerpt=comment.body,
        )


def rejected(comment: Comment, *, moderator, reason: str) -> None:
    """A moderator rejected `comment`: its author learns why."""
    text = "Your comment was rejected"
    notify(
        comment.author,
        Kind.REJECTED,
        actor=moderator,
        text=f"{text}: {reason}" if reason else text,
        url=comment.get_absolute_url(),
        title=comment.article.title,
        excerpt=comment.body,
    )


def featured(comment: Comment, *, moderator) -> None:
    """A moderator featured `comment` above its discussion: its author hears."""
    notify(
        comment.author,
        Kind.FEATURED,
        actor=moderator,
        text="A moderator featured your comment",
        url=comment.get_absolute_url(),
        title=comment.article.title,
        excerpt=comment.body,
    )


def reports_upheld(comment: Comment, reporters, *, moderator) -> None:
    """A comment `reporters` reported was removed: each of them hears."""
    for reporter in reporters:
        notify(
            reporter,
            Kind.REPORT_OUTCOME,
            actor=moderator,
            text="A comment you reported was removed by a moderator",
            url=comment.article.get_absolute_url(),
            title=comment.article.title,
            excerpt="",
        )


def appeal_decided(comment: Comment, *, moderator, appeal) -> None:
    """A moderator decided the author's appeal on `comment`: they hear how
    and why."""
    if appeal.state == "reversed":
        text = "Your appeal was accepted: your comment is published again"
    else:
        text = "Your appeal was turned down: your comment stays rejected"
    notify(
        comment.author,
        Kind.APPEAL_DECIDED,
        actor=moderator,
        text=f"{text}. {sentence(appeal.decision_reason)}".strip(),
        url=comment.get_absolute_url(),
        title=comment.article.title,
        excerpt=comment.body,
    )
