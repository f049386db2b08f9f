"""The rules of the discussion.

Who may post, which rule holds or rejects a comment, and the one place where a
comment's status changes (`change_status`), which also writes the audit trail.
Views and admin actions call these functions; they hold no rules of their own.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from briefing.accounts.models import User
from briefing.models import Article
from briefing.text import skeleton

from .models import (
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


_WORD = re.compile(r"[^\W_]+")


def listed_words(text: str) -> list[tuple[str, str]]:
    """The (word, action) pairs of the word lists that `text` contains.

    Words match whole, ignoring case and look-alike letters; letters spaced
    apart ("i d i o t", "i.d.i.o.t") are read as the word they spell.
    """
    lists = Word.lists()
    if not lists:
        return []
    tokens = _WORD.findall(skeleton(text))
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
            return Decision(Status.PENDING, Rule.PREMODERATED_READER, sanction.reason)
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
        if decision.status != Status.PUBLISHED:
            _audit(comment, "", rule=decision.rule, reason=decision.reason)
    return comment


def edit_comment(comment: Comment, body: str) -> Comment:
    """The author's edit: the old text is kept, the new one meets every rule."""
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
        CommentRevision.objects.create(
            comment=comment,
            body=comment.body,
            written_at=comment.edited_at or comment.created_at,
        )
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
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
        if decision.status != comment.status and not held_for_reports:
            change_status(
                comment, decision.status, rule=decision.rule, reason=decision.reason
            )
    return comment


def delete_comment(comment: Comment) -> None:
    """The author withdraws their comment; a placeholder keeps its place."""
    change_status(
        comment, Status.DELETED, actor=comment.author, reason="Deleted by its author"
    )


def change_status(
    comment: Comment,
    to_status: str,
    *,
    actor: User | None = None,
    rule: str = "",
    reason: str = "",
) -> None:
    """Move `comment` to `to_status` and record who or what did it, and why."""
    from_status = comment.status
    comment.status = to_status
    comment.rule = rule
    comment.moderation_reason = reason
    comment.save(update_fields=["status", "rule", "moderation_reason"])
    _audit(comment, from_status, actor=actor, rule=rule, reason=reason)
    security_log.info(
        "comment %s %s -> %s by %s: %s",
        comment.pk,
        from_status,
        to_status,
        actor or f"rule {rule}",
        reason,
    )


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
        reason=reason,
    )


def approve(comment: Comment, moderator: User) -> None:
    """Publish `comment`; its open reports count as reviewed."""
    with transaction.atomic():
        _close_reports(comment, moderator)
        change_status(comment, Status.PUBLISHED, actor=moderator, reason="Approved")


def reject(comment: Comment, moderator: User, reason: str) -> None:
    with transaction.atomic():
        _close_reports(comment, moderator)
        change_status(comment, Status.REJECTED, actor=moderator, reason=reason)


def dismiss_reports(comment: Comment, moderator: User) -> None:
    """The reports were unfounded: close them, and publish what they held."""
    with transaction.atomic():
        _close_reports(comment, moderator)
        if comment.status == Status.PENDING and comment.rule == Rule.REPORTS:
            change_status(
                comment, Status.PUBLISHED, actor=moderator, reason="Reports dismissed"
            )


def _close_reports(comment: Comment, moderator: User) -> None:
    Report.objects.filter(comment=comment, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now(), dismissed_by=moderator
    )
    Comment.objects.filter(pk=comment.pk).update(open_reports=0)
    comment.open_reports = 0


class AlreadyReported(Exception):
    pass


def report_comment(
    comment: Comment, reporter: User, reason: str, details: str = ""
) -> Report:
    """File a report; enough different readers' reports hold the comment."""
    moderation = ModerationSettings.current()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=reporter.pk).exists()
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
        report = Report.objects.create(
            comment=comment, reporter=reporter, reason=reason, details=details
        )
        Comment.objects.filter(pk=comment.pk).update(open_reports=F("open_reports") + 1)
        comment.refresh_from_db(fields=["open_reports"])
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
    with transaction.atomic():
        sanction = Sanction.objects.create(
            reader=reader, kind=kind, reason=reason, until=until, created_by=moderator
        )
        security_log.info(
            "sanction %s of %s by %s until %s: %s",
            kind,
            reader,
            moderator,
            until,
            reason,
        )
        if reject_comments:
            for comment in Comment.objects.filter(
                author=reader, status__in=[Status.PENDING, Status.PUBLISHED]
            ):
                change_status(
                    comment,
                    Status.REJECTED,
                    actor=moderator,
                    rule=Rule.BAN,
                    reason=f"Author banned: {reason}",
                )
    return sanction
