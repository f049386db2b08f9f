"""Retention: a rejected comment's text is erased after
BRIEFING_REJECTED_RETENTION_DAYS (`manage.py erase_expired_rejections`); the
moderation record stays."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments import moderation
from comments.models import Comment, CommentRevision, ModerationEvent, Status

pytestmark = pytest.mark.django_db


def erase_expired() -> str:
    output = StringIO()
    call_command("erase_expired_rejections", stdout=output)
    return output.getvalue().strip()


def rejected_days_ago(comment: Comment, days: int) -> None:
    """Move the clock: the rejection happened `days` ago."""
    ModerationEvent.objects.filter(comment=comment).update(
        created_at=timezone.now() - timedelta(days=days)
    )


@pytest.fixture
def rejected(article, reader, moderator, make_comment, no_new_reader_premoderation):
    comment = make_comment(article, reader, "First rude words.")
    moderation.edit_comment(comment, "Second rude words.")
    moderation.reject(comment, moderator, "Abuse")
    return comment


def test_retention_erases_the_text_of_an_old_rejection(rejected, caplog):
    rejected_days_ago(rejected, 366)

    output = erase_expired()

    assert output == "Text of 1 rejected comment erased."
    rejected.refresh_from_db()
    assert rejected.body == ""
    assert not CommentRevision.objects.filter(comment=rejected).exists()
    assert rejected.status == Status.REJECTED
    assert rejected.moderation_reason == "Abuse"
    assert list(
        ModerationEvent.objects.filter(
            comment=rejected, to_status=Status.REJECTED
        ).values_list("actor__username", "reason")
    ) == [("moderator", "Abuse")]
    assert any("(retention)" in record.getMessage() for record in caplog.records)


def test_retention_keeps_a_recent_rejection(rejected):
    rejected_days_ago(rejected, 364)

    assert erase_expired() == "Text of 0 rejected comments erased."
    rejected.refresh_from_db()
    assert rejected.body == "Second rude words."


def test_retention_follows_its_setting(settings, rejected):
    settings.BRIEFING_REJECTED_RETENTION_DAYS = 30
    rejected_days_ago(rejected, 31)

    erase_expired()

    rejected.refresh_from_db()
    assert rejected.body == ""


def test_retention_keeps_published_comments_however_old(article, reader, make_comment):
    old = make_comment(
        article,
        reader,
        "An old published comment.",
        created_at=timezone.now() - timedelta(days=800),
    )

    erase_expired()

    old.refresh_from_db()
    assert old.body == "An old published comment."


def test_retention_counts_from_the_latest_rejection(rejected, moderator):
    rejected_days_ago(rejected, 400)
    moderation.approve(rejected, moderator)
    moderation.reject(rejected, moderator, "Abuse, again")

    erase_expired()

    rejected.refresh_from_db()
    assert rejected.body == "Second rude words."


def test_retention_run_twice_erases_once(rejected):
    rejected_days_ago(rejected, 366)
    erase_expired()

    assert erase_expired() == "Text of 0 rejected comments erased."


def test_retention_shows_the_rejected_comment_to_its_author_without_text(
    client, reader, rejected, article
):
    rejected_days_ago(rejected, 366)
    erase_expired()
    client.force_login(reader)

    page = client.get(article.get_absolute_url())

    assert "rude words" not in page.content.decode()
    assert "Your comment was rejected: Abuse." in page.content.decode()
