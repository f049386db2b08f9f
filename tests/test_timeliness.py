"""Timeliness: what waits and how promptly moderators decide, on the admin's
front page, in the "awaiting moderation" message and at /metrics."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments import moderation
from comments.models import Status
from tests.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(moderator, article, reader, make_comment):
    """Two comments a moderator decided after 10 and 30 minutes of waiting."""
    now = timezone.now()
    waited = make_comment(
        article,
        reader,
        "Waited ten.",
        Status.PENDING,
        created_at=now - timedelta(minutes=10),
    )
    moderation.approve(waited, moderator)
    waited = make_comment(
        article,
        reader,
        "Waited thirty.",
        Status.PENDING,
        created_at=now - timedelta(minutes=30),
    )
    moderation.reject(waited, moderator, "", "spam")


@pytest.fixture
def queue(article, make_reader, make_comment, other_reader):
    """Two pending comments, the older waiting 3 hours; one reported."""
    now = timezone.now()
    make_comment(
        article,
        other_reader,
        "Old.",
        Status.PENDING,
        created_at=now - timedelta(hours=3),
    )
    make_comment(article, other_reader, "New.", Status.PENDING)
    reported = make_comment(article, other_reader, "Reported.")
    moderation.report_comment(reported, make_reader("reporter", "R"), "spam")


def test_admin_front_page_shows_the_queue_and_its_timeliness(
    moderator_client, queue, decided
):
    page = moderator_client.get("/admin/")

    assertContains(page, 'id="queue-state"')
    assertContains(page, 'class="queue-state__pending">2<')
    assertContains(page, 'class="queue-state__reported">1<')
    assertContains(page, "waiting 3\xa0hours")
    assertContains(page, "about 20 minutes (2 decisions)")
    # Django's own front page is still there below.
    assertContains(page, 'id="content-main"')


def test_admin_front_page_without_decisions_says_so(moderator_client):
    page = moderator_client.get("/admin/")

    assertContains(page, 'class="queue-state__pending">0<')
    assertContains(page, "no decisions")


def test_editor_front_page_shows_no_queue(editor, queue):
    client = Client()
    client.force_login(editor)

    page = client.get("/admin/")

    assert page.status_code == 200
    assertNotContains(page, 'id="queue-state"')


def test_author_of_a_waiting_comment_is_told_the_usual_wait(
    decided, make_reader, article, told
):
    newcomer = Client()
    newcomer.force_login(make_reader("newcomer", "New"))

    response = post(newcomer, article, "My first comment.")

    assert any(
        "awaiting moderation" in text
        and "usually decide within about 20 minutes" in text
        for text in told(response)
    )


def test_author_told_no_wait_when_nothing_was_decided(make_reader, article, told):
    newcomer = Client()
    newcomer.force_login(make_reader("newcomer", "New"))

    response = post(newcomer, article, "My first comment.")

    [text] = told(response)
    assert "awaiting moderation" in text
    assert "usually" not in text


def test_metrics_exports_the_queue_for_an_allowed_address(client, queue, decided):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert "briefing_queue_pending 2.0" in text
    oldest = next(
        line
        for line in text.splitlines()
        if line.startswith("briefing_queue_oldest_pending_seconds ")
    )
    assert 3 * 3600 <= float(oldest.split()[1]) < 3 * 3600 + 60
    assert "# TYPE briefing_decision_seconds histogram" in text
    assert 'briefing_decision_seconds_bucket{le="900.0"} 1.0' in text
    assert 'briefing_decision_seconds_bucket{le="1800.0"} 1.0' in text
    assert 'briefing_decision_seconds_bucket{le="3600.0"} 2.0' in text
    assert "briefing_decision_seconds_count 2.0" in text


def test_metrics_refuses_other_addresses(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.5")

    assert response.status_code == 403


def test_metrics_believes_forwarded_for_only_from_a_trusted_proxy(client, settings):
    settings.BRIEFING_METRICS_ALLOWED = ["10.0.0.0/8"]
    settings.BRIEFING_TRUSTED_PROXIES = ["127.0.0.1"]

    through_proxy = client.get(
        "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3"
    )
    forged = client.get(
        "/metrics", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="10.1.2.3"
    )
    proxy_itself = client.get(
        "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )

    assert [
        through_proxy.status_code,
        forged.status_code,
        proxy_itself.status_code,
    ] == [
        200,
        403,
        403,
    ]
