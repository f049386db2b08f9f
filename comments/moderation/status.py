"""The one place a comment's status changes (`change_status`), which also
writes the audit trail, and the moderators' decisions made through it:
approve, reject, feature, and the author's delete."""

from django.db import connection, transaction
from django.utils import timezone

from briefing import shared_pages
from briefing.accounts.models import User
from briefing.models import Article

from .. import notifying, removals, retention, timeliness
from ..models import (
    FEATURED_LIMIT,
    Comment,
    ModerationEvent,
    ModerationSettings,
    RemovalReason,
    Report,
    Rule,
    Status,
)
from .rules import (
    REASON_MAX_LENGTH,
    security_log,
)

# Rows per statement when a ban rejects a reader's whole history.
BATCH_SIZE = 500


def delete_comment(comment: Comment) -> None:
    """The author withdraws their comment; a placeholder keeps its place."""
    with transaction.atomic():
        _lock(comment)
        change_status(
            comment,
            Status.DELETED,
            actor=comment.author,
            reason="Deleted by its author",
        )


def _give_number(comment: Comment) -> None:
    """Give a comment published for the first time the next number of its
    discussion. Numbers follow the order of publication and never change."""
    if comment.number is not None:
        return
    # The article's row serialises the numbering of its discussion; SQLite's
    # IMMEDIATE transactions already run one writer at a time.
    if connection.features.has_select_for_update:
        articles = Article.objects.select_for_update().filter(pk=comment.article_id)
        list(articles.values("pk"))
    comment.number = Comment.objects.next_number(comment.article_id)


def change_status(
    comment: Comment,
    to_status: str,
    *,
    actor: User | None = None,
    rule: str = "",
    reason: str = "",
    removal_reason: str = "",
) -> None:
    """Move `comment` to `to_status` and record who or what did it, and why.

    A comment published for the first time takes the next number of its
    discussion; a rejected one may carry the standard `removal_reason`
    (`RemovalReason`) its placeholder names.

    The one place a comment's status changes (`change_status_of_all` is its
    form for many comments at once). The same status may be "changed" to
    record a new reason, such as a held comment edited into another rule.
    """
    from_status = comment.status
    with transaction.atomic():
        if to_status == Status.PUBLISHED:
            _give_number(comment)
        if to_status != Status.REJECTED:
            removal_reason = ""
        comment.status = to_status
        comment.rule = rule
        comment.moderation_reason = reason[:REASON_MAX_LENGTH]
        comment.removal_reason = removal_reason
        comment.save(
            update_fields=[
                "status",
                "rule",
                "moderation_reason",
                "removal_reason",
                "number",
            ]
        )
        shared_pages.changed(comment.article_id)
        if Status.REJECTED in (from_status, to_status):
            removals.changed(comment.article_id)
        _audit(comment, from_status, actor=actor, rule=rule, reason=reason)
    security_log.info(
        "comment %s %s -> %s by %s: %s",
        comment.pk,
        from_status,
        to_status,
        actor or f"rule {rule}",
        reason,
    )


def change_status_of_all(
    comments, to_status: str, *, actor: User | None, rule: str = "", reason: str = ""
) -> int:
    """`change_status` for a reader's whole history at once (a ban, an erased
    account), with one audit row per comment and the comments' open reports
    closed. `actor` is None when no person decided (a rule, the erasure)."""
    reason = reason[:REASON_MAX_LENGTH]
    with transaction.atomic():
        changing = list(
            comments.select_for_update()
            .exclude(status=to_status)
            .values_list("pk", "status", "article_id")
        )
        now = timezone.now()
        for start in range(0, len(changing), BATCH_SIZE):
            batch = changing[start : start + BATCH_SIZE]
            ids = [pk for pk, _, _ in batch]
            Comment.objects.filter(pk__in=ids).update(
                status=to_status, rule=rule, moderation_reason=reason, open_reports=0
            )
            Report.objects.filter(comment__in=ids, dismissed_at__isnull=True).update(
                dismissed_at=now, dismissed_by=actor
            )
            ModerationEvent.objects.bulk_create(
                ModerationEvent(
                    comment_id=pk,
                    actor=actor,
                    rule=rule,
                    from_status=from_status,
                    to_status=to_status,
                    reason=reason,
                    created_at=now,
                )
                for pk, from_status, _ in batch
            )
        for article_id in {article_id for _, _, article_id in changing}:
            shared_pages.changed(article_id)
        for article_id in {
            article_id
            for _, from_status, article_id in changing
            if Status.REJECTED in (from_status, to_status)
        }:
            removals.changed(article_id)
        if changing and to_status == Status.REJECTED:
            retention.expire_rejections_later()
    if changing:
        security_log.info(
            "%s comments -> %s by %s: %s",
            len(changing),
            to_status,
            actor or f"rule {rule}",
            reason,
        )
    return len(changing)


def _audit(
    comment: Comment,
    from_status: str,
    *,
    actor: User | None = None,
    rule: str = "",
    reason: str = "",
) -> None:
    ModerationEvent.objects.create(
        comment=comment,
        actor=actor,
        rule=rule,
        from_status=from_status,
        to_status=comment.status,
        reason=reason[:REASON_MAX_LENGTH],
    )
    if comment.status == Status.PENDING and from_status != Status.PENDING:
        timeliness.watch_wait()
    if comment.status == Status.REJECTED:
        retention.expire_rejections_later()


def _lock(comment: Comment) -> None:
    """Hold `comment`'s row for this transaction and refresh what the rules
    read, so two moderators (or a moderator and the author) act in turn."""
    fields = (
        "status",
        "rule",
        "moderation_reason",
        "open_reports",
        "body",
        "number",
        "featured_at",
    )
    fresh = Comment.objects.select_for_update().only(*fields).get(pk=comment.pk)
    for field in fields:
        setattr(comment, field, getattr(fresh, field))


def approve(comment: Comment, moderator: User) -> bool:
    """Publish `comment`; its open reports count as reviewed.

    Returns False when there was nothing to approve: a comment its author
    deleted stays deleted, and a published one without reports stays as is.
    """
    with transaction.atomic():
        _lock(comment)
        if comment.status == Status.DELETED or (
            comment.status == Status.PUBLISHED and not comment.open_reports
        ):
            return False
        _close_reports(comment, moderator)
        first_publication = notifying.never_published(comment)
        change_status(comment, Status.PUBLISHED, actor=moderator, reason="Approved")
        # Notifications: only a comment shown for the first time is news.
        if first_publication:
            notifying.first_published(comment, moderator=moderator)
        _release_graduates(comment.author)
    return True


class FeaturedLimitReached(Exception):
    """The article already shows FEATURED_LIMIT featured comments."""


def feature(comment: Comment, moderator: User) -> bool:
    """Show `comment` above its article's discussion; a pending one is
    approved first, as `approve` would. At most FEATURED_LIMIT per article
    (`FeaturedLimitReached`); the trail records it.

    False when there is nothing to feature: a comment already featured, or
    one rejected or deleted.
    """
    with transaction.atomic():
        # The article's row serialises featuring under it (the limit).
        list(Article.objects.select_for_update().filter(pk=comment.article_id))
        _lock(comment)
        if comment.featured_at is not None or comment.status not in (
            Status.PENDING,
            Status.PUBLISHED,
        ):
            return False
        featured = Comment.objects.featured().filter(article_id=comment.article_id)
        if featured.count() >= FEATURED_LIMIT:
            raise FeaturedLimitReached
        if comment.status == Status.PENDING and not approve(comment, moderator):
            return False
        comment.featured_at = timezone.now()
        Comment.objects.filter(pk=comment.pk).update(featured_at=comment.featured_at)
        _audit(comment, comment.status, actor=moderator, reason="Featured")
        notifying.featured(comment, moderator=moderator)
        shared_pages.changed(comment.article_id)
    security_log.info("comment %s featured by %s", comment.pk, moderator)
    return True


def unfeature(comment: Comment, moderator: User) -> bool:
    """Take `comment` off the featured ones; False if it was not featured."""
    with transaction.atomic():
        _lock(comment)
        done = Comment.objects.filter(pk=comment.pk, featured_at__isnull=False).update(
            featured_at=None
        )
        if done:
            comment.featured_at = None
            _audit(
                comment, comment.status, actor=moderator, reason="No longer featured"
            )
            shared_pages.changed(comment.article_id)
    return bool(done)


def _release_graduates(reader: User) -> None:
    """Publish what a reader's first comments rule alone still holds, once a
    moderator has approved enough of their comments: they are no longer new."""
    moderation = ModerationSettings.current()
    approved = Comment.objects.filter(author=reader, status=Status.PUBLISHED).count()
    if approved < moderation.new_reader_premoderation:
        return
    held = Comment.objects.filter(
        author=reader, status=Status.PENDING, rule=Rule.NEW_READER
    ).order_by("created_at", "id")
    for comment in held.select_for_update(of=("self",)).select_related(
        "article", "reply_to"
    ):
        change_status(
            comment,
            Status.PUBLISHED,
            rule=Rule.NEW_READER,
            reason=f"Released: the reader has {approved} approved comments",
        )
        # Shown for the first time: the reader it answers hears of it.
        notifying.first_published(comment)


def reject(
    comment: Comment, moderator: User, reason: str, removal_reason: str = ""
) -> bool:
    """Reject `comment` for the standard `removal_reason` (none given is
    "other"); its author sees the reason's name and the note `reason`, and a
    placeholder naming it keeps its place if it had one.
    False for a deleted comment."""
    with transaction.atomic():
        _lock(comment)
        if comment.status == Status.DELETED:
            return False
        reporters = [
            report.reporter
            for report in comment.reports.filter(
                dismissed_at__isnull=True
            ).select_related("reporter")
        ]
        _close_reports(comment, moderator)
        newly_rejected = comment.status != Status.REJECTED
        change_status(
            comment,
            Status.REJECTED,
            actor=moderator,
            reason=reason,
            removal_reason=removal_reason or RemovalReason.OTHER,
        )
        # Notifications: the author learns of the decision and its reason.
        if newly_rejected:
            notifying.rejected(comment, moderator=moderator, reason=reason)
            notifying.reports_upheld(comment, reporters, moderator=moderator)
    return True


def _open_reports(comment_id: int) -> int:
    return Report.objects.filter(
        comment_id=comment_id, dismissed_at__isnull=True
    ).count()


def _close_reports(comment: Comment, moderator: User, reports=None) -> int:
    open_reports = Report.objects.filter(comment=comment, dismissed_at__isnull=True)
    if reports is not None:
        open_reports = open_reports.filter(pk__in=reports.values("pk"))
    closed = open_reports.update(dismissed_at=timezone.now(), dismissed_by=moderator)
    if closed:
        comment.open_reports = _open_reports(comment.pk)
        Comment.objects.filter(pk=comment.pk).update(open_reports=comment.open_reports)
    return closed
