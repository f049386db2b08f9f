"""A reader's data export (`/accounts/export/`): everything about them, nothing
about anyone else beyond a public username, a few times a day."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from briefing.accounts.models import DataExport
from comments import moderation
from comments.models import Report, Sanction, Status

pytestmark = pytest.mark.django_db


def export(client) -> dict:
    response = client.get("/accounts/export/")
    assert response.status_code == 200
    return json.loads(response.content)


def test_export_is_a_json_attachment(signed_in):
    response = signed_in.get("/accounts/export/")

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-cache" in response["Cache-Control"]


def test_export_needs_a_signed_in_reader(client):
    response = client.get("/accounts/export/")

    assertRedirects(response, "/accounts/login/?next=/accounts/export/")


def test_export_holds_the_account(signed_in, reader):
    account = export(signed_in)["account"]

    assert account["username"] == "Paul3390"
    assert account["display_name"] == "Paul"
    assert account["email"] == "Paul3390@example.com"
    assert account["email_addresses"] == [
        {"email": "paul3390@example.com", "verified": True, "primary": True}
    ]
    assert account["date_joined"].startswith(str(reader.date_joined.year))


def test_export_holds_every_comment_in_every_state_with_its_text(
    signed_in, reader, moderator, article, make_comment, no_new_reader_premoderation
):
    published = make_comment(article, reader, "First words.")
    moderation.edit_comment(published, "Second words.")
    rejected = make_comment(article, reader, "Something rude.")
    moderation.reject(rejected, moderator, "Abuse")
    make_comment(article, reader, "Waiting.", status=Status.PENDING)
    withdrawn = make_comment(article, reader, "Taken back.")
    moderation.delete_comment(withdrawn)

    comments = export(signed_in)["comments"]

    assert [(c["text"], c["status"]) for c in comments] == [
        ("Second words.", "published"),
        ("Something rude.", "rejected"),
        ("Waiting.", "pending"),
        ("Taken back.", "deleted"),
    ]
    assert comments[0]["earlier_versions"][0]["text"] == "First words."
    assert comments[1]["moderation_reason"] == "Abuse"
    assert comments[1]["standard_reason"] == "other"
    assert comments[0]["article_url"] == article.get_absolute_url()


def test_export_holds_reports_and_sanctions_without_the_moderator(
    signed_in, reader, other_reader, moderator, article, make_comment
):
    reported = make_comment(article, other_reader, "A claim.")
    moderation.report_comment(reported, reader, Report.Reason.SPAM, "Selling pills.")
    moderation.sanction_reader(
        reader,
        moderator,
        kind=Sanction.Kind.SUSPENSION,
        reason="Flooding",
        until=timezone.now() + timedelta(days=1),
    )

    data = export(signed_in)

    assert data["reports"][0]["comment"] == reported.pk
    assert data["reports"][0]["reason"] == "spam"
    assert data["reports"][0]["details"] == "Selling pills."
    assert data["sanctions"][0]["kind"] == "suspension"
    assert data["sanctions"][0]["reason"] == "Flooding"
    assert "moderator" not in json.dumps(data)


def test_export_holds_nothing_of_other_readers_but_public_usernames(
    signed_in, reader, other_reader, article, make_comment
):
    answered = make_comment(article, other_reader, "Alexey's secret-free point.")
    hidden = make_comment(article, other_reader, "Alexey's held text.")
    hidden.status = Status.PENDING
    hidden.save()
    make_comment(article, reader, "I reply.", reply_to=answered)
    make_comment(article, reader, "I reply to a held one.", reply_to=hidden)

    response = signed_in.get("/accounts/export/")

    data = json.loads(response.content)
    assert data["comments"][0]["in_reply_to"] == {
        "comment": answered.pk,
        "author": "Fizik13",
    }
    assert data["comments"][1]["in_reply_to"] == {"comment": hidden.pk, "author": None}
    text = response.content.decode()
    for private in ("Alexey", "Fizik13@example.com", "held text", "point."):
        assert private not in text
    assert text.count("Fizik13") == 1


def test_export_is_limited_to_a_few_a_day(signed_in, reader, caplog):
    for _ in range(3):
        export(signed_in)

    response = signed_in.get("/accounts/export/")

    assertContains(response, "try again later", status_code=429)
    assert 86000 < int(response["Retry-After"]) <= 86400
    assert DataExport.objects.filter(reader=reader).count() == 3
    exports = [
        r for r in caplog.records if "data export by 'Paul3390'" in r.getMessage()
    ]
    assert len(exports) == 3


def test_export_limit_frees_a_day_after_the_oldest(signed_in, reader):
    for _ in range(3):
        export(signed_in)
    oldest = DataExport.objects.filter(reader=reader).order_by("created_at").first()
    oldest.created_at = timezone.now() - timedelta(days=1, minutes=1)
    oldest.save()

    response = signed_in.get("/accounts/export/")

    assert response.status_code == 200


def test_account_settings_link_to_export_and_delete(signed_in):
    response = signed_in.get("/accounts/settings/")

    assertContains(response, 'href="/accounts/export/"')
    assertContains(response, 'href="/accounts/delete/"')
