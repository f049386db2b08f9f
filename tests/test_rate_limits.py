"""Per-reader posting and reporting limits, end to end through the views."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from comments.models import Comment, ModerationSettings, Report
from tests.environments import apply_settings

from .conftest import post

pytestmark = pytest.mark.django_db

PROXY = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}


def post_comment(client, article, body):
    return post(client, article, body, **PROXY)


def report(client, comment, details="Advertising."):
    return client.post(
        f"/comments/{comment.pk}/report/",
        {"reason": "spam", "details": details},
        **PROXY,
    )


@pytest.fixture
def limits(no_new_reader_premoderation):
    return ModerationSettings.current()


def test_posting_over_the_limit_answers_429_keeps_the_text_stores_nothing(
    signed_in, article, limits, caplog
):
    for number in range(limits.posting_limit):
        assert post_comment(signed_in, article, f"Comment {number}").status_code == 302

    with caplog.at_level("WARNING", logger="briefing.security"):
        response = post_comment(signed_in, article, "One & <b>too</b> many")

    assert response.status_code == 429
    assert response["Retry-After"] == str(limits.posting_window_seconds)
    assertContains(response, "One &amp; &lt;b&gt;too&lt;/b&gt; many", status_code=429)
    assertContains(response, "Please wait", status_code=429)
    assert Comment.objects.count() == limits.posting_limit
    assert not Comment.objects.filter(body__contains="too").exists()
    assert [
        record.getMessage()
        for record in caplog.records
        if "(429)" in record.getMessage()
    ]


def test_posting_limit_is_per_reader_not_per_address(
    signed_in, other_reader, article, limits
):
    for number in range(limits.posting_limit):
        post_comment(signed_in, article, f"Comment {number}")
    neighbour = Client()
    neighbour.force_login(other_reader)

    response = post_comment(neighbour, article, "Same proxy, another reader.")

    assert response.status_code == 302


def test_reporting_over_the_limit_answers_429_and_stores_nothing(
    signed_in, other_reader, article, make_comment, limits
):
    comments = [
        make_comment(article, other_reader, f"Spam {number}")
        for number in range(limits.reporting_limit + 1)
    ]
    for comment in comments[:-1]:
        assert report(signed_in, comment).status_code == 302

    response = report(signed_in, comments[-1], details="Still <advertising>.")

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assertContains(response, "reports an hour", status_code=429)
    assertContains(response, "Still &lt;advertising&gt;.", status_code=429)
    assert Report.objects.count() == limits.reporting_limit
    assert not Report.objects.filter(comment=comments[-1]).exists()


def test_rate_limits_off_in_the_environment_lifts_both_limits(
    settings, monkeypatch, signed_in, other_reader, article, make_comment, limits
):
    apply_settings(settings, monkeypatch, {"BRIEFING_RATE_LIMITS": "off"})
    comments = [
        make_comment(article, other_reader, f"Spam {number}")
        for number in range(limits.reporting_limit + 1)
    ]

    posted = [
        post_comment(signed_in, article, f"Comment {number}").status_code
        for number in range(limits.posting_limit + 3)
    ]
    reported = [report(signed_in, comment).status_code for comment in comments]

    assert settings.BRIEFING_RATE_LIMITS is False
    assert set(posted) == {302}
    assert set(reported) == {302}
    assert Report.objects.count() == limits.reporting_limit + 1
