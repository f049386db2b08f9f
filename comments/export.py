"""The discussion's part of a reader's data export: what they wrote, reported,
appealed, and the sanctions they were given, as they may know them.

Nothing about other readers beyond a public username: a reply names the
reader it answered only when that comment is published, a report names the
comment, not its author, and a sanction or an appeal's decision never names the moderator.
"""

from django.db.models import Prefetch

from briefing.accounts.models import User

from .models import (
    Appeal,
    Comment,
    CommentRevision,
    Ignore,
    Report,
    Respect,
    Sanction,
    Status,
)


def personal_data(reader: User) -> dict[str, list[dict]]:
    return {
        "comments": _comments(reader),
        "reports": _reports(reader),
        "respects": _respects(reader),
        "ignored_readers": list(
            Ignore.objects.filter(ignorer=reader)
            .order_by("created_at")
            .values_list("ignored__username", flat=True)
        ),
        "sanctions": _sanctions(reader),
        "appeals": _appeals(reader),
    }


def _comments(reader: User) -> list[dict]:
    comments = (
        Comment.objects.filter(author=reader)
        .select_related("article", "reply_to__author")
        .prefetch_related(
            Prefetch(
                "revisions", queryset=CommentRevision.objects.order_by("written_at")
            )
        )
        .order_by("created_at", "id")
    )
    return [
        {
            "id": comment.pk,
            "article": comment.article.title,
            "article_url": comment.article.get_absolute_url(),
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
            "status": comment.status,
            "moderation_reason": comment.moderation_reason,
            "standard_reason": comment.get_removal_reason_display(),
            "text": comment.body,
            "earlier_versions": [
                {"text": revision.body, "written_at": revision.written_at}
                for revision in comment.revisions.all()
            ],
            "in_reply_to": _answered(comment.reply_to, reader),
        }
        for comment in comments
    ]


def _answered(answered: Comment | None, reader: User) -> dict | None:
    if answered is None:
        return None
    public = answered.status == Status.PUBLISHED or answered.author_id == reader.pk
    return {
        "comment": answered.pk,
        "author": answered.author.username if public else None,
    }


def _reports(reader: User) -> list[dict]:
    return [
        {
            "comment": report.comment_id,
            "reason": report.reason,
            "details": report.details,
            "created_at": report.created_at,
            "reviewed_at": report.dismissed_at,
        }
        for report in Report.objects.filter(reporter=reader).order_by("created_at")
    ]


def _respects(reader: User) -> list[dict]:
    return [
        {"comment": comment_id, "created_at": created_at}
        for comment_id, created_at in Respect.objects.filter(reader=reader)
        .order_by("created_at")
        .values_list("comment_id", "created_at")
    ]


def _sanctions(reader: User) -> list[dict]:
    return [
        {
            "kind": sanction.kind,
            "reason": sanction.reason,
            "created_at": sanction.created_at,
            "until": sanction.until,
            "lifted_at": sanction.lifted_at,
        }
        for sanction in Sanction.objects.filter(reader=reader).order_by("created_at")
    ]


def _appeals(reader: User) -> list[dict]:
    return [
        {
            "comment": appeal.comment_id,
            "text": appeal.text,
            "created_at": appeal.created_at,
            "state": appeal.state,
            "decided_at": appeal.decided_at,
            "decision_reason": appeal.decision_reason,
        }
        for appeal in Appeal.objects.by_author(reader).order_by("created_at", "id")
    ]
