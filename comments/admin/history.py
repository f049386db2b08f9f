"""What the queue shows beside each comment: its author's history,
sanctions, how many readers ignore them and the moderators' notes on them,
and the reasons of its open reports, for a whole page at once."""

from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from ..models import Comment, Ignore, ModeratorNote, Report, Sanction, Status
from ..moderation import REJECTION_RATE_WINDOW, rejection_rate_holds


def attach_context(comments: list[Comment]) -> None:
    """Give each comment its author's history, sanctions, ignorers and notes
    and its open reports' reasons, in five queries for the whole page."""
    if not comments:
        return
    authors = {comment.author_id for comment in comments}
    history: dict[int, Counter] = defaultdict(Counter)
    # Written within the rejection rate's window, in the same statement.
    recent_history: dict[int, Counter] = defaultdict(Counter)
    since = timezone.now() - REJECTION_RATE_WINDOW
    counted = (
        Comment.objects.filter(author_id__in=authors)
        .order_by()
        .values_list("author_id", "status")
        .annotate(
            total=Count("pk"), recent=Count("pk", filter=Q(created_at__gte=since))
        )
    )
    for author_id, status, total, recent in counted:
        history[author_id][status] = total
        recent_history[author_id][status] = recent
    sanctions = defaultdict(list)
    for sanction in Sanction.objects.active().filter(reader_id__in=authors):
        sanctions[sanction.reader_id].append(sanction)
    ignorers = dict(
        Ignore.objects.filter(ignored_id__in=authors)
        .order_by()
        .values_list("ignored_id")
        .annotate(total=Count("pk"))
        .values_list("ignored_id", "total")
    )
    notes = defaultdict(list)
    for note in ModeratorNote.objects.filter(reader_id__in=authors).select_related(
        "author"
    ):
        notes[note.reader_id].append(note)
    reasons: dict[int, Counter] = defaultdict(Counter)
    reported = [comment.pk for comment in comments if comment.open_reports]
    if reported:
        counted = (
            Report.objects.filter(comment_id__in=reported, dismissed_at__isnull=True)
            .order_by()
            .values_list("comment_id", "reason")
            .annotate(total=Count("pk"))
        )
        for comment_id, reason, total in counted:
            reasons[comment_id][reason] = total
    for comment in comments:
        comment.author_history = history[comment.author_id]
        comment.author_recent_history = recent_history[comment.author_id]
        comment.author_sanctions = sanctions[comment.author_id]
        comment.author_ignored_by = ignorers.get(comment.author_id, 0)
        comment.author_notes = notes[comment.author_id]
        comment.report_reasons = reasons[comment.pk]


# How many of the author's comments are in each state: "%(count)d" and the
# state, which Russian words by the count (1 опубликован, 5 опубликовано).
HISTORY_LABELS = [
    (
        Status.PUBLISHED,
        lambda n: npgettext(
            "comments", "%(count)d published", "%(count)d published", n
        ),
    ),
    (
        Status.PENDING,
        lambda n: npgettext("comments", "%(count)d pending", "%(count)d pending", n),
    ),
    (
        Status.REJECTED,
        lambda n: npgettext("comments", "%(count)d rejected", "%(count)d rejected", n),
    ),
    (
        Status.DELETED,
        lambda n: npgettext("comments", "%(count)d deleted", "%(count)d deleted", n),
    ),
]


def describe_history(comment: Comment):
    """The author's comments counted by status ("12 published, 3 rejected")
    and their sanctions in force."""
    if not hasattr(comment, "author_history"):
        attach_context([comment])
    history = comment.author_history
    counts = ", ".join(
        words(history[status]) % {"count": history[status]}
        for status, words in HISTORY_LABELS
        if history[status]
    )
    recent = comment.author_recent_history
    rejected = recent[Status.REJECTED]
    decided = recent[Status.PUBLISHED] + rejected
    rate = ""
    if rejection_rate_holds(decided, rejected):
        rate = _(
            "premoderated: %(rejected)d of %(decided)d decided in %(days)d days "
            "rejected"
        ) % {
            "rejected": rejected,
            "decided": decided,
            "days": REJECTION_RATE_WINDOW.days,
        }
    ignored_by = comment.author_ignored_by
    return format_html(
        "{}{}{}{}",
        counts or _("no comments"),
        format_html(
            '<br><span class="ignored-by">{}</span>',
            ngettext(
                "ignored by %(count)d reader",
                "ignored by %(count)d readers",
                ignored_by,
            )
            % {"count": ignored_by},
        )
        if ignored_by
        else "",
        format_html('<br><strong class="rejection-rate">{}</strong>', rate)
        if rate
        else "",
        format_html_join(
            "",
            '<br><strong class="sanction">{}</strong>',
            ((sanction.summary(),) for sanction in comment.author_sanctions),
        ),
    )


def describe_reports(comment: Comment):
    """How many reports are open on the comment, and for which reasons."""
    if not comment.open_reports:
        return "—"
    if not hasattr(comment, "report_reasons"):
        attach_context([comment])
    labels = dict(Report.Reason.choices)
    return format_html(
        "<strong>{}</strong> {}",
        comment.open_reports,
        ", ".join(
            f"{labels.get(reason, reason)} ({total})"
            for reason, total in sorted(comment.report_reasons.items())
        ),
    )


def describe_notes(comment: Comment, *, limit: int = 3):
    """The moderators' latest notes on the comment's author, newest first,
    each with who wrote it and when; how many older ones there are."""
    if not hasattr(comment, "author_notes"):
        attach_context([comment])
    notes = comment.author_notes
    if not notes:
        return ""
    older = len(notes) - limit
    return format_html(
        '<ul class="moderator-notes">{}</ul>{}',
        format_html_join(
            "",
            '<li>{} <span class="note-by">({}, {})</span></li>',
            (
                (
                    note.text,
                    note.author.label if note.author else _("a former moderator"),
                    date_format(timezone.localtime(note.created_at)),
                )
                for note in notes[:limit]
            ),
        ),
        format_html(
            '<p class="moderator-notes-older"><a href="{}?{}">{}</a></p>',
            reverse("admin:comments_moderatornote_changelist"),
            urlencode({"q": comment.author.username}),
            ngettext("and %(count)d older note", "and %(count)d older notes", older)
            % {"count": older},
        )
        if older > 0
        else "",
    )
