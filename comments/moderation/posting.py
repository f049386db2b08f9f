"""Posting and editing a comment: the reader's standing read in one locked
statement, the rules applied, the comment stored once."""

from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from uuid import UUID

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from briefing import shared_pages
from briefing.accounts.models import User
from briefing.models import Article
from briefing.prepared import Parameter, PreparedQuery

from .. import notifying, removals, surge
from ..models import (
    Comment,
    CommentRevision,
    ModerationSettings,
    Rule,
    Sanction,
    Status,
    text_fingerprint,
)
from .rules import (
    REJECTION_RATE_WINDOW,
    REPEAT_WINDOW,
    AlreadyPosted,
    PostingRefused,
    closed_reason,
    evaluate,
    leaving_reason,
    security_log,
)
from .status import (
    _audit,
    _give_number,
    _lock,
    change_status,
)


def _count(queryset, among=None) -> Coalesce:
    """A scalar subquery counting `queryset`'s rows (those matching `among`,
    a Q, if given: read through `queryset`'s index), per outer reader."""
    counted = (
        queryset.order_by()
        .values("author")
        .annotate(total=Count("pk", filter=among))
        .values("total")
    )
    return Coalesce(Subquery(counted), 0)


@dataclass(frozen=True)
class Standing:
    approved_comments: int
    recent_comments: int
    # The reader's comments written within REJECTION_RATE_WINDOW that were
    # published or rejected, and of those the rejected.
    recently_decided: int
    recently_rejected: int
    # Other readers who posted the same text within REPEAT_WINDOW.
    other_readers_same_text: int
    existing_comment_id: int | None
    # The reader's comment with the same text within REPEAT_WINDOW, if any.
    repeat_id: int | None
    repeat_article_id: int | None
    # Whether the reader has an active sanction: most have none, and knowing
    # it here spares every post a query for sanctions.
    sanctioned: bool
    # When the reader last posted under the article (slow mode's interval).
    last_here: datetime | None


def _build_standing() -> QuerySet:
    """The statement `_standing` runs, its values as `Parameter`s."""
    comment = Comment._meta.get_field
    reader = Parameter("reader", User._meta.pk)
    own = Comment.objects.filter(author=OuterRef("pk"))
    decided = own.filter(
        created_at__gte=Parameter("decided_since", comment("created_at")),
        status__in=[Status.PUBLISHED, Status.REJECTED],
    )
    fingerprint = Parameter("fingerprint", comment("fingerprint"))
    repeat_since = Parameter("repeat_since", comment("created_at"))
    # Read through the index (fingerprint, created_at): the few comments
    # with this text in the window, never the table.
    same_text_elsewhere = (
        Comment.objects.filter(fingerprint=fingerprint, created_at__gte=repeat_since)
        .exclude(fingerprint="")
        .exclude(author=OuterRef("pk"))
        .exclude(status=Status.DELETED)
        .order_by()
        .values("fingerprint")
        .annotate(readers=Count("author", distinct=True))
        .values("readers")
    )
    repeats = (
        own.filter(fingerprint=fingerprint, created_at__gte=repeat_since)
        .exclude(status=Status.DELETED)
        .exclude(fingerprint="")
        .order_by("created_at")
    )
    return (
        User.objects.select_for_update(no_key=True)
        .filter(pk=reader)
        .annotate(
            approved_comments=_count(own.filter(status=Status.PUBLISHED)),
            recent_comments=_count(
                own.filter(created_at__gte=Parameter("since", comment("created_at")))
            ),
            recently_decided=_count(decided),
            recently_rejected=_count(decided, Q(status=Status.REJECTED)),
            other_readers_same_text=Coalesce(Subquery(same_text_elsewhere), 0),
            # A post without a key is always new: NULL equals nothing
            # (filter(key=None) would match the reader's keyless comments).
            existing_comment_id=Subquery(
                own.filter(
                    idempotency_key=Parameter("key", comment("idempotency_key"))
                ).values("pk")[:1]
            ),
            sanctioned=Exists(
                Sanction.objects.active(
                    now=Parameter("now", Sanction._meta.get_field("until"))
                ).filter(reader=OuterRef("pk"))
            ),
            repeat_id=Subquery(repeats.values("pk")[:1]),
            repeat_article_id=Subquery(repeats.values("article_id")[:1]),
            last_here=Subquery(
                own.filter(article_id=Parameter("article", comment("article")))
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
        )
        .values(*(field.name for field in fields(Standing)))
    )


# Built and compiled once per worker: the ORM's work on this statement cost
# some 4 ms a post, spent on SQLite while every other post waited for the
# write lock.
_STANDING = PreparedQuery(_build_standing)


def _standing(
    reader: User,
    moderation: ModerationSettings,
    idempotency_key: UUID | None,
    fingerprint: str,
    article_id: int,
) -> Standing:
    """Count what the rules need in one statement, holding the reader's row.

    The row lock (PostgreSQL; SQLite's IMMEDIATE transactions already run one
    writer at a time) serialises one reader's posts, so the rate limit and the
    idempotency key hold across workers and instances. FOR NO KEY UPDATE:
    another reader's reply, committing a notification to this reader while
    it holds the discussion's numbering lock, checks its foreign key with
    FOR KEY SHARE on this row; FOR UPDATE would block that and deadlock.
    """
    now = timezone.now()
    (row,) = _STANDING.rows(
        reader=reader.pk,
        now=now,
        since=now - timedelta(seconds=moderation.posting_window_seconds),
        decided_since=now - REJECTION_RATE_WINDOW,
        repeat_since=now - REPEAT_WINDOW,
        fingerprint=fingerprint,
        key=idempotency_key,
        article=article_id,
    )
    return Standing(**row)


def _blocking(sanctions: list[Sanction]) -> Sanction | None:
    """Of sanctions in force, the one that forbids posting longest, if any
    (a ban without end before a suspension)."""
    never = datetime.max.replace(tzinfo=UTC)
    return max(
        (sanction for sanction in sanctions if sanction.blocks_posting),
        key=lambda sanction: sanction.until or never,
        default=None,
    )


def posting_sanction(reader: User) -> Sanction | None:
    """The sanction in force that forbids `reader` to post, if any."""
    return _blocking(list(Sanction.objects.filter(reader=reader).active()))


def _posting_sanctions(reader: User) -> list[Sanction]:
    """The reader's sanctions in force; raise if one forbids posting."""
    sanctions = list(Sanction.objects.filter(reader=reader).active())
    blocking = _blocking(sanctions)
    if blocking is not None:
        raise PostingRefused(blocking.explanation())
    return sanctions


def post_comment(
    *,
    author: User,
    article: Article,
    body: str,
    reply_to: Comment | None = None,
    idempotency_key: UUID | None = None,
) -> Comment:
    """Post a comment through every rule; a retried post returns the first one.

    The same text again from the same reader within REPEAT_WINDOW stores
    nothing: under the same article it is the first post sent again
    (`AlreadyPosted`), elsewhere a repeat the reader is told of.
    """
    moderation = ModerationSettings.current()
    closed = leaving_reason(author) or closed_reason(article, moderation)
    if closed:
        raise PostingRefused(closed)
    fingerprint = text_fingerprint(body)
    with transaction.atomic():
        standing = _standing(
            author, moderation, idempotency_key, fingerprint, article.pk
        )
        if standing.existing_comment_id is not None:
            return Comment.objects.get(pk=standing.existing_comment_id)
        sanctions = _posting_sanctions(author) if standing.sanctioned else []
        if standing.repeat_id is not None:
            if standing.repeat_article_id == article.pk:
                raise AlreadyPosted(Comment.objects.get(pk=standing.repeat_id))
            raise PostingRefused(
                _(
                    "You posted this same text a few minutes ago under another "
                    "article. Please write something new for this one."
                ),
                status=409,
            )
        if (
            django_settings.BRIEFING_RATE_LIMITS
            and standing.recent_comments >= moderation.posting_limit
        ):
            raise PostingRefused(
                _(
                    "You can post %(limit)d comments every %(seconds)d seconds. "
                    "Please wait a moment; your text is kept below."
                )
                % {
                    "limit": moderation.posting_limit,
                    "seconds": moderation.posting_window_seconds,
                },
                status=429,
                retry_after=moderation.posting_window_seconds,
            )
        slow_mode = article.slow_mode_until is not None
        if slow_mode and standing.last_here is not None:
            _refuse_in_slow_mode(article, moderation, standing.last_here)
        decision = evaluate(
            body,
            article,
            moderation,
            approved_comments=standing.approved_comments,
            sanctions=sanctions,
            other_readers_same_text=standing.other_readers_same_text,
            recently_decided=standing.recently_decided,
            recently_rejected=standing.recently_rejected,
            slow_mode=slow_mode,
        )
        comment = Comment(
            article=article,
            author=author,
            reply_to=reply_to,
            body=body,
            status=decision.status,
            rule=decision.rule,
            moderation_reason=decision.reason,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )
        if decision.status == Status.PUBLISHED:
            _give_number(comment)
        comment.save(force_insert=True)
        shared_pages.changed(article.pk)
        if decision.status == Status.REJECTED:
            removals.changed(article.pk)
        if decision.status != Status.PUBLISHED:
            # A comment born held or rejected has a first line in its trail.
            _audit(comment, "", rule=decision.rule, reason=decision.reason)
        if decision.rule == Rule.CAMPAIGN:
            _hold_campaign(comment)
        surge.brake(article, moderation)
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


def _refuse_in_slow_mode(
    article: Article, moderation: ModerationSettings, last_here: datetime
) -> None:
    """In slow mode a reader posts under the article once per interval."""
    interval = timedelta(seconds=moderation.slow_mode_interval_seconds)
    wait = last_here + interval - timezone.now()
    if wait > timedelta(0):
        until = timezone.localtime(article.slow_mode_until)
        raise PostingRefused(
            _(
                "This discussion is in slow mode until %(until)s: one comment "
                "per reader every %(interval)s. Please wait a moment; your text "
                "is kept below."
            )
            % {"until": f"{until:%H:%M}", "interval": surge.interval_words(moderation)},
            status=429,
            retry_after=max(int(wait.total_seconds()), 1),
        )


def _hold_campaign(comment: Comment) -> None:
    """Hold, beside `comment`, what the campaign already published: the same
    text from other readers within REPEAT_WINDOW."""
    published = Comment.objects.filter(
        fingerprint=comment.fingerprint,
        created_at__gte=comment.created_at - REPEAT_WINDOW,
        status=Status.PUBLISHED,
    ).exclude(author=comment.author_id)
    for earlier in published.select_for_update():
        change_status(
            earlier,
            Status.PENDING,
            rule=Rule.CAMPAIGN,
            reason=comment.moderation_reason,
        )


def edit_comment(comment: Comment, body: str) -> Comment:
    """The author's edit: the old text is kept, the new one meets every rule.

    An edit cannot launder a comment: the new text is judged as a new
    comment would be, so a published comment edited into abuse is rejected
    or held, and the moderator sees the earlier versions.
    """
    leaving = leaving_reason(comment.author)
    if leaving:
        raise PostingRefused(leaving)
    if not comment.is_editable:
        raise PostingRefused(
            _(
                "Comments can be edited for 15 minutes after posting; this one "
                "no longer can."
            )
        )
    if body == comment.body:
        return comment
    moderation = ModerationSettings.current()
    with transaction.atomic():
        standing = _standing(
            comment.author,
            moderation,
            None,
            text_fingerprint(body),
            comment.article_id,
        )
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
        comment.fingerprint = text_fingerprint(body)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "fingerprint", "edited_at"])
        shared_pages.changed(comment.article_id)
        decision = evaluate(
            body,
            comment.article,
            moderation,
            approved_comments=standing.approved_comments,
            sanctions=sanctions,
            other_readers_same_text=standing.other_readers_same_text,
            recently_decided=standing.recently_decided,
            recently_rejected=standing.recently_rejected,
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
