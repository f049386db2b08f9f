"""The surge brake: an article getting far more comments than usual in 5
minutes goes into slow mode for 30 minutes, by itself; the page says so
until when, moderators see it and can end it, and it is recorded."""

import time
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments import surge
from comments.models import (
    Comment,
    DiscussionActivity,
    ModerationSettings,
    Rule,
    SlowModePeriod,
    Status,
)
from tests.conftest import post

pytestmark = pytest.mark.django_db


def _window_now():
    """The current window, a few seconds clear of its end, so that what a
    test seeds and what it posts fall in the same window."""
    now = timezone.now()
    left = surge.window_start(now) + surge.WINDOW - now
    if left < timedelta(seconds=3):
        time.sleep(left.total_seconds() + 0.1)
    return surge.window_start(timezone.now())


def seed_window(article, comments: int) -> None:
    """As if `comments` had been posted under `article` in this window."""
    DiscussionActivity.objects.create(
        article=article, window_start=_window_now(), comments=comments
    )


@pytest.fixture
def readers(make_reader, no_new_reader_premoderation):
    def make(count: int, prefix="reader"):
        clients = []
        for n in range(count):
            client = Client()
            client.force_login(make_reader(f"{prefix}{n}", f"Reader {n}"))
            clients.append(client)
        return clients

    return make


def _post(client, article, body):
    return post(client, article, body, idempotency_key=uuid.uuid4())


def test_burst_of_posts_from_many_readers_turns_slow_mode_on(readers, article):
    burst = readers(31)
    _window_now()

    for n, client in enumerate(burst):
        _post(client, article, f"Breaking news reaction number {n}.")

    article.refresh_from_db()
    until = article.slow_mode_until
    assert until is not None
    assert timedelta(minutes=29) < until - timezone.now() <= timedelta(minutes=30)
    period = SlowModePeriod.objects.get()
    assert period.reason.startswith("31 comments in 5 minutes; usually 0")
    page = Client().get(article.get_absolute_url())
    assertContains(page, 'id="slow-mode"')
    assertContains(page, "slow mode until <time datetime=")
    assertContains(page, f">{timezone.localtime(until):%H:%M}</time>")
    assertContains(page, "one comment per reader every 2 minutes")


def test_thirty_comments_in_five_minutes_are_no_surge(readers, article):
    seed_window(article, 29)

    _post(readers(1)[0], article, "The thirtieth.")

    article.refresh_from_db()
    assert article.slow_mode_until is None
    assert not SlowModePeriod.objects.exists()


def test_busy_discussion_at_its_usual_rate_is_no_surge(readers, article):
    current = _window_now()
    DiscussionActivity.objects.bulk_create(
        DiscussionActivity(
            article=article, window_start=current - surge.WINDOW * n, comments=10
        )
        for n in range(1, int(surge.BASELINE / surge.WINDOW) + 1)
    )
    seed_window(article, 45)

    _post(readers(1)[0], article, "Number 46, a busy day as usual.")

    article.refresh_from_db()
    assert article.slow_mode_until is None


def test_surge_over_five_times_the_usual_rate_turns_slow_mode_on(readers, article):
    current = _window_now()
    DiscussionActivity.objects.bulk_create(
        DiscussionActivity(
            article=article, window_start=current - surge.WINDOW * n, comments=10
        )
        for n in range(1, int(surge.BASELINE / surge.WINDOW) + 1)
    )
    seed_window(article, 50)

    _post(readers(1)[0], article, "Number 51.")

    article.refresh_from_db()
    assert article.slow_mode_until is not None


def test_thresholds_are_moderation_settings(readers, article):
    moderation = ModerationSettings.current()
    moderation.surge_min_comments = 5
    moderation.slow_mode_minutes = 10
    moderation.save()
    seed_window(article, 5)

    _post(readers(1)[0], article, "The sixth.")

    article.refresh_from_db()
    assert (
        timedelta(minutes=9)
        < article.slow_mode_until - timezone.now()
        <= timedelta(minutes=10)
    )


@pytest.fixture
def slowed(article):
    article.comments_slow_until = timezone.now() + timedelta(minutes=20)
    article.save()
    return article


def test_slow_mode_lets_a_reader_post_once_per_two_minutes(
    signed_in, reader, slowed, make_comment
):
    make_comment(
        slowed,
        reader,
        "Approved long ago.",
        created_at=timezone.now() - timedelta(hours=1),
    )
    first = _post(signed_in, slowed, "My take.")

    second = _post(signed_in, slowed, "And another thing.")

    assert first.status_code == 302
    assert second.status_code == 429
    assert 0 < int(second["Retry-After"]) <= 120
    assertContains(second, "slow mode until", status_code=429)
    assertContains(second, "And another thing.", status_code=429)
    assert not Comment.objects.filter(body="And another thing.").exists()


def test_slow_mode_lets_a_reader_post_again_after_two_minutes(
    signed_in, reader, slowed, make_comment
):
    make_comment(
        slowed,
        reader,
        "Three minutes ago.",
        created_at=timezone.now() - timedelta(minutes=3),
    )

    response = _post(signed_in, slowed, "My next take.")

    assert response.status_code == 302
    assert Comment.objects.get(body="My next take.").status == Status.PUBLISHED


def test_slow_mode_holds_readers_without_approved_comments(
    signed_in, slowed, no_new_reader_premoderation
):
    _post(signed_in, slowed, "My very first comment.")

    comment = Comment.objects.get()
    assert (comment.status, comment.rule) == (Status.PENDING, Rule.SLOW_MODE)


def test_slow_mode_ends_by_itself(client, article, readers):
    article.comments_slow_until = timezone.now() - timedelta(seconds=1)
    article.save()

    page = client.get(article.get_absolute_url())

    assertNotContains(page, 'id="slow-mode"')


def test_moderator_sees_and_ends_slow_mode(
    moderator_client, moderator, readers, article
):
    burst = readers(31)
    _window_now()
    for n, client in enumerate(burst):
        _post(client, article, f"Reaction {n}.")
    article.refresh_from_db()
    listed = moderator_client.get("/admin/comments/articlediscussion/")
    record = moderator_client.get(
        f"/admin/comments/articlediscussion/{article.pk}/change/"
    )

    response = moderator_client.post(
        "/admin/comments/articlediscussion/",
        {"action": "end_slow_mode", "_selected_action": [article.pk], "index": 0},
    )

    assertContains(listed, f"until {timezone.localtime(article.slow_mode_until):%H:%M}")
    assertContains(record, "31 comments in 5 minutes")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.slow_mode_until is None
    period = SlowModePeriod.objects.get()
    assert period.ended_by == moderator
    assertNotContains(Client().get(article.get_absolute_url()), 'id="slow-mode"')
