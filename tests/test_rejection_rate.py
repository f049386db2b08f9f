"""Rejection rate: a reader with at least 5 decided comments in 7 days, 30%
or more of them rejected, is premoderated until that falls."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from comments.models import Comment, Rule, Status
from tests.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(reader, article, make_comment, no_new_reader_premoderation):
    """Give the reader `published` and `rejected` comments `days` ago."""

    def make(published: int, rejected: int, days: int = 1):
        written = timezone.now() - timedelta(days=days)
        for n in range(published):
            make_comment(article, reader, f"Fine {n}.", created_at=written)
        for n in range(rejected):
            make_comment(
                article, reader, f"Rude {n}.", Status.REJECTED, created_at=written
            )

    return make


def test_often_rejected_reader_is_premoderated(signed_in, article, history):
    history(published=3, rejected=2)

    post(signed_in, article, "A new thought.")

    comment = Comment.objects.get(body="A new thought.")
    assert (comment.status, comment.rule) == (Status.PENDING, Rule.REJECTION_RATE)
    assert comment.moderation_reason.startswith("2 of the reader's 5 decided")
    assertContains(
        signed_in.get(article.get_absolute_url()),
        "Your comment is awaiting moderation.",
    )


def test_reader_below_the_rate_posts_at_once(signed_in, article, history):
    history(published=4, rejected=1)

    post(signed_in, article, "A new thought.")

    assert Comment.objects.get(body="A new thought.").status == Status.PUBLISHED


def test_few_decided_comments_do_not_premoderate(signed_in, article, history):
    history(published=2, rejected=2)

    post(signed_in, article, "A new thought.")

    assert Comment.objects.get(body="A new thought.").status == Status.PUBLISHED


def test_rejections_older_than_seven_days_do_not_count(signed_in, article, history):
    history(published=0, rejected=5, days=8)
    history(published=5, rejected=1)

    post(signed_in, article, "A new thought.")

    assert Comment.objects.get(body="A new thought.").status == Status.PUBLISHED


def test_rejection_rate_shown_in_the_readers_history_in_the_queue(
    moderator_client, reader, article, history, make_comment
):
    history(published=3, rejected=2)
    make_comment(article, reader, "Waiting.", Status.PENDING)

    queue = moderator_client.get("/admin/comments/comment/")

    assertContains(queue, "premoderated: 2 of 5 decided in 7 days rejected")
