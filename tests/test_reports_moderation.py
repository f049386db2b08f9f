"""Readers' reports: one per reader, enough of them hold a comment until a
moderator reviews it, and the moderator's decision closes them."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from comments import moderation
from comments.models import Comment, ModerationSettings, Report, Rule, Status

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"


@pytest.fixture
def reporters(make_reader):
    """Signed-in browsers of four different readers."""
    clients = []
    for number in range(4):
        client = Client()
        client.force_login(make_reader(f"witness{number}", f"Witness {number}"))
        clients.append(client)
    return clients


@pytest.fixture
def comment(article, reader, make_comment):
    return make_comment(article, reader, "A heated opinion.")


def report(client, comment, reason="abuse", details=""):
    return client.post(
        f"/comments/{comment.pk}/report/", {"reason": reason, "details": details}
    )


def test_a_report_is_stored_with_its_reason_and_details(reporters, comment):
    response = report(reporters[0], comment, "spam", "Same link everywhere")

    assert response.status_code == 302
    stored = Report.objects.get()
    assert (stored.reason, stored.details, stored.dismissed_at) == (
        Report.Reason.SPAM,
        "Same link everywhere",
        None,
    )
    comment.refresh_from_db()
    assert (comment.status, comment.open_reports) == (Status.PUBLISHED, 1)


def test_below_the_threshold_a_reported_comment_stays_published_but_queued(
    reporters, comment, moderator_client
):
    report(reporters[0], comment)
    report(reporters[1], comment)

    comment.refresh_from_db()
    queue = moderator_client.get(QUEUE)
    assert comment.status == Status.PUBLISHED
    assert comment in queue.context["cl"].result_list


def test_reports_from_three_different_readers_hold_the_comment(reporters, comment):
    for client in reporters[:3]:
        report(client, comment)

    comment.refresh_from_db()
    assert (comment.status, comment.rule, comment.moderation_reason) == (
        Status.PENDING,
        Rule.REPORTS,
        "Reported by 3 readers",
    )
    event = comment.events.get()
    assert (event.actor, event.rule, event.from_status, event.to_status) == (
        None,
        Rule.REPORTS,
        Status.PUBLISHED,
        Status.PENDING,
    )


def test_one_reader_reporting_again_counts_once(reporters, comment):
    for _ in range(3):
        report(reporters[0], comment)
    report(reporters[1], comment)

    comment.refresh_from_db()
    assert Report.objects.count() == 2
    assert (comment.status, comment.open_reports) == (Status.PUBLISHED, 2)


def test_the_threshold_is_configurable(reporters, comment):
    settings = ModerationSettings.current()
    settings.report_threshold = 1
    settings.save()

    report(reporters[0], comment)

    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_a_held_comment_disappears_from_the_discussion(
    reporters, comment, article, client
):
    for reporter in reporters[:3]:
        report(reporter, comment)

    page = client.get(article.get_absolute_url())

    assert "A heated opinion." not in page.content.decode()


def test_a_reader_cannot_report_their_own_comment(signed_in, comment):
    response = report(signed_in, comment)

    assert response.status_code in (403, 404)
    assert not Report.objects.exists()


def test_a_comment_others_cannot_see_cannot_be_reported(
    reporters, article, reader, make_comment
):
    pending = make_comment(article, reader, "Held.", Status.PENDING)

    response = report(reporters[0], pending)

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_approving_a_held_comment_closes_its_reports(
    reporters, comment, moderator_client, moderator
):
    for reporter in reporters[:3]:
        report(reporter, comment)

    moderator_client.post(
        QUEUE,
        {"action": "approve_selected", "_selected_action": [comment.pk], "index": 0},
    )

    comment.refresh_from_db()
    assert (comment.status, comment.open_reports) == (Status.PUBLISHED, 0)
    assert set(Report.objects.values_list("dismissed_by", flat=True)) == {moderator.pk}
    assert comment not in moderator_client.get(QUEUE).context["cl"].result_list


def test_after_review_new_reports_count_from_zero(reporters, comment, moderator):
    for reporter in reporters[:3]:
        report(reporter, comment)
    moderation.approve(comment, moderator)

    report(reporters[3], comment)

    comment.refresh_from_db()
    assert (comment.status, comment.open_reports) == (Status.PUBLISHED, 1)


def test_rejecting_a_reported_comment_closes_its_reports(
    reporters, comment, moderator_client
):
    report(reporters[0], comment)

    moderator_client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [comment.pk],
            "apply": "1",
            "reason": "Insulting",
        },
    )

    comment.refresh_from_db()
    assert (comment.status, comment.open_reports) == (Status.REJECTED, 0)
    assert not Report.objects.filter(dismissed_at=None).exists()


def test_moderators_see_counts_and_reasons(reporters, comment, moderator_client):
    report(reporters[0], comment, "spam", "Link farm")
    report(reporters[1], comment, "spam")
    report(reporters[2], comment, "off_topic", "Not about oil")

    queue = moderator_client.get(QUEUE)
    page = moderator_client.get(f"{QUEUE}{comment.pk}/change/")
    reports = moderator_client.get("/admin/comments/report/", {"state": "open"})

    assertContains(queue, "<strong>3</strong> off topic (1), spam (2)")
    assertContains(page, "Link farm")
    assertContains(page, "Not about oil")
    assertContains(page, "witness2")
    assertContains(reports, "Link farm")
    assert len(reports.context["cl"].result_list) == 3


def test_dismissed_reports_leave_the_open_list(reporters, comment, moderator_client):
    report(reporters[0], comment)
    moderator_client.post(
        QUEUE, {"action": "dismiss", "_selected_action": [comment.pk], "index": 0}
    )

    open_reports = moderator_client.get("/admin/comments/report/", {"state": "open"})
    closed = moderator_client.get("/admin/comments/report/", {"state": "closed"})

    assert len(open_reports.context["cl"].result_list) == 0
    assertContains(closed, "closed")
    assertContains(closed, "by moderator")
    assert Comment.objects.get(pk=comment.pk).status == Status.PUBLISHED
