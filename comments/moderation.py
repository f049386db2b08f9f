"""The rules of the discussion.

Who may post, which rule holds or rejects a comment, and the one place where a
comment's status changes (`change_status`), which also writes the audit trail.
Views and admin actions call these functions; they hold no rules of their own.
"""

import logging
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from briefing import versions
from briefing.accounts.models import User
from briefing.models import Article
from briefing.text import skeleton

from . import notifying
from .models import (
    SINGLE_WORD,
    Comment,
    CommentRevision,
    ModerationEvent,
    ModerationSettings,
    Report,
    Rule,
    Sanction,
    Status,
    Word,
)
from .rendering import count_links

security_log = logging.getLogger("briefing.security")

REASON_MAX_LENGTH = Comment._meta.get_field("moderation_reason").max_length
# Rows per statement when a ban rejects a reader's whole history.
BATCH_SIZE = 500


class PostingRefused(Exception):
    """The reader may not do this now; `message` tells them why."""

    def __init__(self, message: str, *, status: int = 403, retry_after: int = 0):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Decision:
    status: str
    rule: str = ""
    reason: str = ""


def closed_reason(article: Article, moderation: ModerationSettings) -> str:
    """Why nobody can post under `article` now, or "" when they can."""
    if moderation.comments_paused:
        return "Commenting is paused across the site for now."
    if not article.comments_open:
        return "Comments on this article are closed."
    closes = article.comments_close_time(moderation.auto_close_days)
    if closes is not None and timezone.now() >= closes:
        return (
            f"Comments on this article closed on {timezone.localtime(closes):%d %B %Y}."
        )
    return ""


def _visible(text: str) -> str:
    """`text` without invisible format characters (zero-width space, soft
    hyphen, joiners), which would otherwise split a word unseen."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def listed_words(text: str) -> list[tuple[str, str]]:
    """The (word, action) pairs of the word lists that `text` contains.

    Words match whole, ignoring case and look-alike letters; letters spaced
    apart ("i d i o t", "i.d.i.o.t") are read as the word they spell.
    """
    lists = Word.lists()
    if not lists:
        return []
    tokens = SINGLE_WORD.findall(skeleton(_visible(text)))
    candidates = set(tokens)
    longest = max(map(len, lists))
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        for start in range(len(run)):
            for end in range(start + 2, min(len(run), start + longest) + 1):
                candidates.add("".join(run[start:end]))
        run = []
    return sorted(lists[candidate] for candidate in candidates & lists.keys())


def evaluate(
    body: str,
    article: Article,
    moderation: ModerationSettings,
    *,
    approved_comments: int,
    sanctions: list[Sanction],
) -> Decision:
    """Decide where a new or edited comment goes, and which rule said so."""
    words = listed_words(body)
    banned = [word for word, action in words if action == Word.Action.BANNED]
    if banned:
        return Decision(
            Status.REJECTED, Rule.BANNED_WORD, f"Banned word: {', '.join(banned)}"
        )
    for sanction in sanctions:
        if sanction.kind == Sanction.Kind.PREMODERATION:
            return Decision(
                Status.PENDING, Rule.PREMODERATED_READER, sanction.explanation()
            )
    suspect = [word for word, action in words if action == Word.Action.SUSPECT]
    if suspect:
        return Decision(
            Status.PENDING, Rule.SUSPECT_WORD, f"Suspect word: {', '.join(suspect)}"
        )
    links = count_links(body)
    if links > moderation.max_links:
        return Decision(
            Status.PENDING,
            Rule.LINKS,
            f"{links} links (more than {moderation.max_links})",
        )
    if article.premoderated:
        return Decision(
            Status.PENDING, Rule.ARTICLE_PREMODERATION, "The article is premoderated"
        )
    if approved_comments < moderation.new_reader_premoderation:
        return Decision(
            Status.PENDING,
            Rule.NEW_READER,
            f"The reader has {approved_comments} approved comments "
            f"(first {moderation.new_reader_premoderation} are premoderated)",
        )
    return Decision(Status.PUBLISHED)


def _count(queryset) -> Coalesce:
    """A scalar subquery counting `queryset`'s rows, per outer reader."""
    counted = (
        queryset.order_by().values("author").annotate(total=Count("pk")).values("total")
    )
    return Coalesce(Subquery(counted), 0)


@dataclass(frozen=True)
class Standing:
    approved_comments: int
    recent_comments: int
    existing_comment_id: int | None
    # Whether the reader has an active sanction: most have none, and knowing
    # it here spares every post a query for sanctions (issue 7's budget).
    sanctioned: bool


def _standing(
    reader: User, moderation: ModerationSettings, idempotency_key: UUID | None
) -> Standing:
    """Count what the rules need in one statement, holding the reader's row.

    The row lock (PostgreSQL; SQLite's IMMEDIATE transactions already run one
    writer at a time) serialises one reader's posts, so the rate limit and the
    idempotency key hold across workers and instances.
    """
    since = timezone.now() - timedelta(seconds=moderation.posting_window_seconds)
    own = Comment.objects.filter(author=OuterRef("pk"))
    row = (
        User.objects.select_for_update()
        .filter(pk=reader.pk)
        .annotate(
            approved_comments=_count(own.filter(status=Status.PUBLISHED)),
            recent_comments=_count(own.filter(created_at__gte=since)),
            # A post without a key is always new (filter(key=None) would
            # match the reader's earlier keyless comments).
            existing_comment_id=Subquery(
                own.filter(
                    idempotency_key__isnull=False, idempotency_key=idempotency_key
                ).values("pk")[:1]
            ),
            sanctioned=Exists(Sanction.objects.active().filter(reader=OuterRef("pk"))),
        )
        .values(
            "approved_comments", "recent_comments", "existing_comment_id", "sanctioned"
        )
        .get()
    )
    return Standing(**row)


def _posting_sanctions(reader: User) -> list[Sanction]:
    """The reader's active sanctions; raise if one forbids posting."""
    sanctions = list(Sanction.objects.filter(reader=reader).active())
    for sanction in sanctions:
        if sanction.blocks_posting:
            raise PostingRefused(sanction.explanation())
    return sanctions


def post_comment(
    *,
    author: User,
    article: Article,
    body: str,
    reply_to: Comment | None = None,
    idempotency_key: UUID | None = None,
) -> Comment:
    """Post a comment through every rule; a retried post returns the first one."""
    moderation = ModerationSettings.current()
    closed = closed_reason(article, moderation)
    if closed:
        raise PostingRefused(closed)
    with transaction.atomic():
        standing = _standing(author, moderation, idempotency_key)
        if standing.existing_comment_id is not None:
            return Comment.objects.get(pk=standing.existing_comment_id)
        sanctions = _posting_sanctions(author) if standing.sanctioned else []
        if (
            django_settings.BRIEFING_RATE_LIMITS
            and standing.recent_comments >= moderation.posting_limit
        ):
            raise PostingRefused(
                f"You can post {moderation.posting_limit} comments every "
                f"{moderation.posting_window_seconds} seconds. Please wait a "
                "moment; your text is kept below.",
                status=429,
                retry_after=moderation.posting_window_seconds,
            )
        decision = evaluate(
            body,
            article,
            moderation,
            approved_comments=standing.approved_comments,
            sanctions=sanctions,
        )
        comment = Comment.objects.create(
            article=article,
            author=author,
            reply_to=reply_to,
            body=body,
            status=decision.status,
            rule=decision.rule,
            moderation_reason=decision.reason,
            idempotency_key=idempotency_key,
        )
        versions.changed(article.pk)
        if decision.status != Status.PUBLISHED:
            # A comment born held or rejected has a first line in its trail.
            _audit(comment, "", rule=decision.rule, reason=decision.reason)
        # Notifications: a reply published at once is news for the comment it answers.
        if decision.status == Status.PUBLISHED:
            notifying.first_published(comment)
        if decision.status == Status.REJECTED:
            security_log.info(
                "comment %s by %s rejected on posting by rule %s: %s",
                comment.pk,
                author,
                decision.rule,
                decision.reason,
            )
    return comment


def edit_comment(comment: Comment, body: str) -> Comment:
    """The author's edit: the old text is kept, the new one meets every rule.

    An edit cannot launder a comment: the new text is judged as a new
    comment would be, so a published comment edited into abuse is rejected
    or held, and the moderator sees the earlier versions.
    """
    if not comment.is_editable:
        raise PostingRefused(
            "Comments can be edited for 15 minutes after posting; this one "
            "no longer can."
        )
    if body == comment.body:
        return comment
    moderation = ModerationSettings.current()
    with transaction.atomic():
        standing = _standing(comment.author, moderation, None)
        sanctions = _posting_sanctions(comment.author) if standing.sanctioned else []
        _lock(comment)
        if not comment.is_editable:
            raise PostingRefused("This comment can no longer be edited.")
        CommentRevision.objects.create(
            comment=comment,
            body=comment.body,
            written_at=comment.edited_at or comment.created_at,
        )
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        versions.changed(comment.article_id)
        decision = evaluate(
            body,
            comment.article,
            moderation,
            approved_comments=standing.approved_comments,
            sanctions=sanctions,
        )
        held_for_reports = (
            comment.status == Status.PENDING and comment.rule == Rule.REPORTS
        )
        changed = decision.status != comment.status or (
            decision.status != Status.PUBLISHED and decision.rule != comment.rule
        )
        if changed and not held_for_reports:
            change_status(
                comment,
                decision.status,
                actor=None,
                rule=decision.rule,
                reason=f"Edited: {decision.reason}" if decision.reason else "Edited",
            )
    return comment


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


def change_status(
    comment: Comment,
    to_status: str,
    *,
    actor: User | None = None,
    rule: str = "",
    reason: str = "",
) -> None:
    """Move `comment` to `to_status` and record who or what did it, and why.

    The one place a comment's status changes (`change_status_of_all` is its
    form for many comments at once). The same status may be "changed" to
    record a new reason, such as a held comment edited into another rule.
    """
    from_status = comment.status
    with transaction.atomic():
        comment.status = to_status
        comment.rule = rule
        comment.moderation_reason = reason[:REASON_MAX_LENGTH]
        comment.save(update_fields=["status", "rule", "moderation_reason"])
        versions.changed(comment.article_id)
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
    comments, to_status: str, *, actor: User, rule: str = "", reason: str = ""
) -> int:
    """`change_status` for a reader's whole history at once (a ban), with one
    audit row per comment and the comments' open reports closed."""
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
            versions.changed(article_id)
    if changing:
        security_log.info(
            "%s comments -> %s by %s: %s", len(changing), to_status, actor, reason
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


def _lock(comment: Comment) -> None:
    """Hold `comment`'s row for this transaction and refresh what the rules
    read, so two moderators (or a moderator and the author) act in turn."""
    fresh = (
        Comment.objects.select_for_update()
        .only("status", "rule", "moderation_reason", "open_reports", "body")
        .get(pk=comment.pk)
    )
    for field in ("status", "rule", "moderation_reason", "open_reports", "body"):
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
    return True


def reject(comment: Comment, moderator: User, reason: str) -> bool:
    """Reject `comment`; its author sees `reason`. False for a deleted one."""
    with transaction.atomic():
        _lock(comment)
        if comment.status == Status.DELETED:
            return False
        _close_reports(comment, moderator)
        newly_rejected = comment.status != Status.REJECTED
        change_status(comment, Status.REJECTED, actor=moderator, reason=reason)
        # Notifications: the author learns of the decision and its reason.
        if newly_rejected:
            notifying.rejected(comment, moderator=moderator, reason=reason)
    return True


def dismiss_reports(comment: Comment, moderator: User, reports=None) -> int:
    """The reports were unfounded: close them (all open ones, or those of
    `reports`), and publish what they held once none is left open.

    Returns how many reports were closed.
    """
    with transaction.atomic():
        _lock(comment)
        closed = _close_reports(comment, moderator, reports)
        if (
            comment.status == Status.PENDING
            and comment.rule == Rule.REPORTS
            and not comment.open_reports
        ):
            change_status(
                comment, Status.PUBLISHED, actor=moderator, reason="Reports dismissed"
            )
    if closed:
        security_log.info(
            "%s reports on comment %s dismissed by %s", closed, comment.pk, moderator
        )
    return closed


def delete_reports(reports, moderator: User) -> int:
    """Remove reports outright (the admin's delete), keeping each comment's
    count of open reports true."""
    with transaction.atomic():
        comment_ids = set(reports.values_list("comment_id", flat=True))
        deleted, _ = reports.delete()
        for comment_id in comment_ids:
            Comment.objects.filter(pk=comment_id).update(
                open_reports=_open_reports(comment_id)
            )
    security_log.info("%s reports deleted by %s", deleted, moderator)
    return deleted


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


class AlreadyReported(Exception):
    pass


def report_comment(
    comment: Comment, reporter: User, reason: str, details: str = ""
) -> Report:
    """File a report; enough different readers' reports hold the comment."""
    moderation = ModerationSettings.current()
    with transaction.atomic():
        # The reporter's row serialises their reports (rate limit), the
        # comment's row the count that crosses the threshold.
        list(User.objects.select_for_update().filter(pk=reporter.pk).values("pk"))
        # A banned or suspended reader may read, not act on the discussion:
        # reports would hold others' comments for them.
        _posting_sanctions(reporter)
        if Report.objects.filter(comment=comment, reporter=reporter).exists():
            raise AlreadyReported
        if django_settings.BRIEFING_RATE_LIMITS:
            recent = Report.objects.filter(
                reporter=reporter, created_at__gte=timezone.now() - timedelta(hours=1)
            ).count()
            if recent >= moderation.reporting_limit:
                raise PostingRefused(
                    f"You can file {moderation.reporting_limit} reports an hour. "
                    "Please try again later.",
                    status=429,
                    retry_after=3600,
                )
        _lock(comment)
        report = Report.objects.create(
            comment=comment, reporter=reporter, reason=reason, details=details
        )
        comment.open_reports += 1
        Comment.objects.filter(pk=comment.pk).update(open_reports=comment.open_reports)
        if (
            comment.status == Status.PUBLISHED
            and comment.open_reports >= moderation.report_threshold
        ):
            change_status(
                comment,
                Status.PENDING,
                rule=Rule.REPORTS,
                reason=f"Reported by {comment.open_reports} readers",
            )
    return report


def sanction_reader(
    reader: User,
    moderator: User,
    *,
    kind: str,
    reason: str,
    until=None,
    reject_comments: bool = False,
) -> Sanction:
    """Record a sanction; a ban may also reject everything the reader wrote."""
    if reject_comments and kind != Sanction.Kind.BAN:
        raise ValueError("Only a ban rejects the reader's comments.")
    if kind == Sanction.Kind.SUSPENSION and until is None:
        raise ValueError("A suspension needs an end.")
    with transaction.atomic():
        sanction = Sanction.objects.create(
            reader=reader, kind=kind, reason=reason, until=until, created_by=moderator
        )
        security_log.info(
            "sanction %s of %s by %s until %s: %s",
            kind,
            reader,
            moderator,
            until or "lifted",
            reason,
        )
        if reject_comments:
            change_status_of_all(
                Comment.objects.filter(
                    author=reader, status__in=[Status.PENDING, Status.PUBLISHED]
                ),
                Status.REJECTED,
                actor=moderator,
                rule=Rule.BAN,
                reason=f"Author banned: {reason}",
            )
    return sanction


def amend_sanction(sanction: Sanction, moderator: User, changed: list[str]) -> None:
    """Save a moderator's change to a sanction (its end, reason, or lifting)."""
    sanction.save()
    security_log.info(
        "sanction %s %s of %s changed by %s (%s): until %s, lifted %s",
        sanction.pk,
        sanction.kind,
        sanction.reader,
        moderator,
        ", ".join(changed) or "nothing",
        sanction.until,
        sanction.lifted_at,
    )


def lift_sanction(sanction: Sanction, moderator: User) -> bool:
    """End a sanction now. False when it had already ended."""
    if sanction.lifted_at is not None or (
        sanction.until is not None and sanction.until <= timezone.now()
    ):
        return False
    sanction.lifted_at = timezone.now()
    amend_sanction(sanction, moderator, ["lifted_at"])
    return True
