"""Reporting a comment: others' published comments, once per reader, with a reason."""

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments.models import Report, Sanction, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(article, other_reader, make_comment):
    return make_comment(article, other_reader, "Buy cheap watches.")


def report(client, comment, reason="spam", details=""):
    return client.post(
        f"/comments/{comment.pk}/report/", {"reason": reason, "details": details}
    )


@pytest.mark.parametrize("reason", ["spam", "abuse", "off_topic", "other"])
def test_reader_reports_a_comment_with_a_reason(
    csrf_client, form_token, reader, theirs, reason
):
    csrf_client.force_login(reader)
    page = csrf_client.get(f"/comments/{theirs.pk}/report/")

    response = csrf_client.post(
        f"/comments/{theirs.pk}/report/",
        {
            "reason": reason,
            "details": "Third time today.",
            "csrfmiddlewaretoken": form_token(page),
        },
    )

    assertContains(page, "Buy cheap watches.")
    assertContains(page, f'value="{reason}"')
    assertRedirects(
        response,
        f"/articles/oil-and-gas/#comment-{theirs.pk}",
        fetch_redirect_response=False,
    )
    filed = Report.objects.get()
    assert (filed.comment, filed.reporter, filed.reason, filed.details) == (
        theirs,
        reader,
        reason,
        "Third time today.",
    )
    landing = csrf_client.get(response["Location"])
    assertContains(landing, "The moderators will look at this comment.")


def test_the_report_form_offers_only_the_real_reasons_none_chosen(signed_in, theirs):
    page = signed_in.get(f"/comments/{theirs.pk}/report/")

    choices = re.findall(
        r'<input type="radio" name="reason" value="([^"]*)"', page.text
    )
    assert choices == ["spam", "abuse", "off_topic", "other"]
    assertNotContains(page, "checked")
    assertNotContains(page, "---")


def test_details_are_optional(signed_in, theirs):
    response = report(signed_in, theirs, "abuse")

    assert response.status_code == 302
    assert Report.objects.get().details == ""


@pytest.mark.parametrize("reason", ["", "rude", "SPAM", "spam' OR 1=1"])
def test_a_report_needs_one_of_the_reasons(signed_in, theirs, reason):
    response = report(signed_in, theirs, reason, "Kept details.")

    assert response.status_code == 200
    assert response.context["form"].has_error("reason")
    assertContains(response, "Kept details.")
    assert not Report.objects.exists()


def test_over_long_details_are_a_form_error(signed_in, theirs):
    response = report(signed_in, theirs, "other", "x" * 1001)

    assert response.context["form"].has_error("details")
    assert not Report.objects.exists()


def test_a_reader_reports_a_comment_once(signed_in, theirs):
    report(signed_in, theirs, "spam")

    again = report(signed_in, theirs, "abuse")

    assert again.status_code == 302
    landing = signed_in.get(again["Location"])
    assertContains(landing, "You have already reported this comment.")
    assert Report.objects.count() == 1
    theirs.refresh_from_db()
    assert theirs.open_reports == 1


def test_reports_from_different_readers_all_count(client, reader, make_reader, theirs):
    for who in (reader, make_reader("third", "Third")):
        client.force_login(who)
        report(client, theirs)

    theirs.refresh_from_db()
    assert theirs.open_reports == 2


def test_reporting_ones_own_comment_is_refused(
    signed_in, reader, article, make_comment
):
    mine = make_comment(article, reader, "My own words.")

    page = signed_in.get(f"/comments/{mine.pk}/report/")
    response = report(signed_in, mine)

    assertContains(page, "You can&#x27;t report your own comment.", status_code=403)
    assert response.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.DELETED])
def test_a_comment_others_cannot_see_cannot_be_reported(
    signed_in, article, other_reader, make_comment, status
):
    hidden = make_comment(article, other_reader, "Hidden.", status=status)

    response = report(signed_in, hidden)

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_reporting_asks_anonymous_visitors_to_sign_in(client, theirs):
    response = report(client, theirs)

    assert response["Location"].startswith("/accounts/login/")
    assert not Report.objects.exists()


def test_reporting_without_csrf_token_is_refused(csrf_client, reader, theirs):
    csrf_client.force_login(reader)

    response = report(csrf_client, theirs)

    assert response.status_code == 403
    assert not Report.objects.exists()


def test_a_banned_reader_cannot_report(signed_in, reader, moderator, theirs):
    Sanction.objects.create(
        reader=reader, kind=Sanction.Kind.BAN, reason="Insults", created_by=moderator
    )

    response = report(signed_in, theirs)

    assertContains(response, "You are banned", status_code=403)
    assert not Report.objects.exists()


def test_enough_reports_hold_the_comment_for_review(
    client, make_reader, theirs, article
):
    for number in range(3):
        client.force_login(make_reader(f"reporter{number}", f"Reporter {number}"))
        report(client, theirs)

    theirs.refresh_from_db()
    assert theirs.status == Status.PENDING
    client.logout()
    page = client.get(article.get_absolute_url())
    assert "Buy cheap watches." not in page.content.decode()


def test_the_report_link_shows_on_others_comments_only(
    signed_in, reader, article, theirs, make_comment
):
    mine = make_comment(article, reader, "Mine.")

    page = signed_in.get(article.get_absolute_url())

    assertContains(page, f"/comments/{theirs.pk}/report/")
    assert f"/comments/{mine.pk}/report/" not in page.content.decode()
