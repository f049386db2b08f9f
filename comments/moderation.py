"""The rules of the discussion.

Who may post, which rule holds or rejects a comment, and the one place where a
comment's status changes (`change_status`), which also writes the audit trail.
Views and admin actions call these functions; they hold no rules of their own.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from briefing import shared_pages
from briefing.accounts.models import User
from briefing.models import Article
from briefing.text import skeleton, without_invisible

from . import notifying, removals, surge
from .models import (
    SINGLE_WORD,
    Comment,
    CommentRevision,
    ModerationEvent,
    ModerationSettings,
    RemovalReason,
    Report,
    Rule,
    Sanction,
    Status,
    Word,
    text_fingerprint,
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


def leaving_reason(reader) -> str:
    """Why `reader` may not write now because they are deleting their
    account, or "" when they may."""
    if reader.is_authenticated and reader.deletion_pending:
        return (
            "Your account is being deleted, so you can no longer post. "
            "Cancel the deletion to join the discussion again."
        )
    return ""


# The same reader's same text within this time is a repeat, not a new comment.
REPEAT_WINDOW = timedelta(minutes=10)
# The same text from this many readers within REPEAT_WINDOW is a likely
# campaign (copied talking points, a brigade), held for a moderator.
CAMPAIGN_READERS = 3
# A reader whose recent decided (published or rejected) comments were often
# rejected waits for a moderator until the share falls.
REJECTION_RATE_WINDOW = timedelta(days=7)
REJECTION_RATE_MIN_DECIDED = 5
REJECTION_RATE_LIMIT = 0.3


def rejection_rate_holds(decided: int, rejected: int) -> bool:
    """Whether a reader with `decided` comments decided within
    REJECTION_RATE_WINDOW, `rejected` of them rejected, is premoderated."""
    return (
        decided >= REJECTION_RATE_MIN_DECIDED
        and rejected >= REJECTION_RATE_LIMIT * decided
    )


class AlreadyPosted(Exception):
    """The reader sent a text they posted under the same article moments
    ago (Back, then Post): nothing new is stored; `comment` is the first."""

    def __init__(self, comment: Comment):
        super().__init__(comment)
        self.comment = comment


def listed_words(text: str) -> list[tuple[str, str]]:
    """The (word, action) pairs of the word lists that `text` contains.

    Words match whole, ignoring case and look-alike letters; letters spaced
    apart ("i d i o t", "i.d.i.o.t") are read as the word they spell.
    """
    lists = Word.lists()
    if not lists:
        return []
    tokens = SINGLE_WORD.findall(skeleton(without_invisible(text)))
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
    other_readers_same_text: int = 0,
    recently_decided: int = 0,
    recently_rejected: int = 0,
    slow_mode: bool = False,
) -> Decision:
    """Decide where a new or edited comment goes, and which rule said so.

    `other_readers_same_text`: how many other readers posted the same text
    (`text_fingerprint`) within REPEAT_WINDOW; `recently_decided` and
    `recently_rejected`: the reader's comments published or rejected, and
    rejected, among those written within REJECTION_RATE_WINDOW; `slow_mode`:
    a surge slowed the article's discussion down (`comments.surge`).
    """
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
    if rejection_rate_holds(recently_decided, recently_rejected):
        return Decision(
            Status.PENDING,
            Rule.REJECTION_RATE,
            f"{recently_rejected} of the reader's {recently_decided} decided "
            f"comments of the last {REJECTION_RATE_WINDOW.days} days were rejected",
        )
    if other_readers_same_text + 1 >= CAMPAIGN_READERS:
        return Decision(
            Status.PENDING,
            Rule.CAMPAIGN,
            f"The same text from {other_readers_same_text + 1} readers within "
            f"{REPEAT_WINDOW.seconds // 60} minutes: a likely campaign",
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
    if slow_mode and not approved_comments:
        return Decision(
            Status.PENDING,
            Rule.SLOW_MODE,
            "The discussion is in slow mode: a reader's first comment waits "
            "for a moderator",
        )
    if approved_comments < moderation.new_reader_premoderation:
        return Decision(
            Status.PENDING,
            Rule.NEW_READER,
            f"The reader has {approved_comments} approved comments "
            f"(first {moderation.new_reader_premoderation} are premoderated)",
        )
    return Decision(Status.PUBLISHED)


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
    since = now - timedelta(seconds=moderation.posting_window_seconds)
    own = Comment.objects.filter(author=OuterRef("pk"))
    decided = own.filter(
        created_at__gte=now - REJECTION_RATE_WINDOW,
        status__in=[Status.PUBLISHED, Status.REJECTED],
    )
    # Read through the index (fingerprint, created_at): the few comments
    # with this text in the window, never the table.
    same_text_elsewhere = (
        Comment.objects.filter(
            fingerprint=fingerprint, created_at__gte=now - REPEAT_WINDOW
        )
        .exclude(fingerprint="")
        .exclude(author=OuterRef("pk"))
        .exclude(status=Status.DELETED)
        .order_by()
        .values("fingerprint")
        .annotate(readers=Count("author", distinct=True))
        .values("readers")
    )
    repeats = (
        own.filter(fingerprint=fingerprint, created_at__gte=now - REPEAT_WINDOW)
        .exclude(status=Status.DELETED)
        .exclude(fingerprint="")
        .order_by("created_at")
    )
    row = (
        User.objects.select_for_update(no_key=True)
        .filter(pk=reader.pk)
        .annotate(
            approved_comments=_count(own.filter(status=Status.PUBLISHED)),
            recent_comments=_count(own.filter(created_at__gte=since)),
            recently_decided=_count(decided),
            recently_rejected=_count(decided, Q(status=Status.REJECTED)),
            other_readers_same_text=Coalesce(Subquery(same_text_elsewhere), 0),
            # A post without a key is always new (filter(key=None) would
            # match the reader's earlier keyless comments).
            existing_comment_id=Subquery(
                own.filter(
                    idempotency_key__isnull=False, idempotency_key=idempotency_key
                ).values("pk")[:1]
            ),
            sanctioned=Exists(Sanction.objects.active().filter(reader=OuterRef("pk"))),
            repeat_id=Subquery(repeats.values("pk")[:1]),
            repeat_article_id=Subquery(repeats.values("article_id")[:1]),
            last_here=Subquery(
                own.filter(article_id=article_id)
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
        )
        .values(
            "approved_comments",
            "recent_comments",
            "recently_decided",
            "recently_rejected",
            "other_readers_same_text",
            "existing_comment_id",
            "sanctioned",
            "repeat_id",
            "repeat_article_id",
            "last_here",
        )
        .get()
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
                "You posted this same text a few minutes ago under another "
                "article. Please write something new for this one.",
                status=409,
            )
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
            f"This discussion is in slow mode until {until:%H:%M}: one comment "
            f"per reader every {surge.interval_words(moderation)}. Please wait "
            "a moment; your text is kept below.",
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
            "Comments can be edited for 15 minutes after posting; this one "
            "no longer can."
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


def _lock(comment: Comment) -> None:
    """Hold `comment`'s row for this transaction and refresh what the rules
    read, so two moderators (or a moderator and the author) act in turn."""
    fields = ("status", "rule", "moderation_reason", "open_reports", "body", "number")
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
    for comment in held.select_for_update().select_related("article", "reply_to"):
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


class NotReportable(PostingRefused):
    def __init__(self):
        super().__init__("You can't report your own comment.")


def report_comment(
    comment: Comment, reporter: User, reason: str, details: str = ""
) -> Report:
    """File a report; enough different readers' reports hold the comment.

    A reader's own comment is not theirs to report.
    """
    if not comment.is_reportable_by(reporter):
        raise NotReportable
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
        raise ValidationError(
            {"reject_comments": "Only a ban rejects the reader's comments."}
        )
    sanction = Sanction(
        reader=reader, kind=kind, reason=reason, until=until, created_by=moderator
    )
    sanction.clean()
    with transaction.atomic():
        sanction.save(force_insert=True)
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
    if not sanction.in_force:
        return False
    sanction.lifted_at = timezone.now()
    amend_sanction(sanction, moderator, ["lifted_at"])
    return True


def reject_and_ban(
    comments, moderator: User, *, reason: str, until=None, reject_all: bool = False
) -> tuple[int, int]:
    """Reject `comments` and ban their authors for `reason`, until `until`
    (None: until a moderator lifts it); `reject_all` rejects the rest of
    what they wrote too.

    An author already banned is not banned a second time, unless the ban is
    what rejects the rest of their comments. Returns how many comments were
    rejected and how many authors banned.
    """
    authors = {}
    rejected = 0
    for comment in comments:
        rejected += reject(comment, moderator, reason)
        authors[comment.author_id] = comment.author
    already_banned = set(
        Sanction.objects.active()
        .filter(reader__in=authors, kind=Sanction.Kind.BAN)
        .values_list("reader_id", flat=True)
    )
    banned = 0
    for author_id, author in authors.items():
        if author_id in already_banned and not reject_all:
            continue
        sanction_reader(
            author,
            moderator,
            kind=Sanction.Kind.BAN,
            reason=reason,
            until=until,
            reject_comments=reject_all,
        )
        banned += 1
    return rejected, banned
