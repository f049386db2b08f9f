"""Deleting an account: asked with the password, a grace to change one's mind,
then the erasure (`manage.py erase_accounts`), which leaves the discussion's
numbering and the moderators' trail whole but nothing of the reader."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from briefing.accounts.models import User
from comments import moderation
from comments.models import (
    Comment,
    CommentRevision,
    ModerationEvent,
    Report,
    Rule,
    Sanction,
    Status,
)

from .conftest import PASSWORD
from .environments import make_manage

pytestmark = pytest.mark.django_db

SECURITY = "briefing.security"
ERASED_PLACEHOLDER = "This comment was removed with its author's account."


def security_events(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == SECURITY]


def ask_deletion(client, password=PASSWORD):
    return client.post("/accounts/delete/", {"password": password})


def client_for(reader) -> Client:
    client = Client()
    client.force_login(reader)
    return client


def grace_over(reader) -> None:
    """Move the clock: the deletion was asked a day and an hour ago."""
    User.objects.filter(pk=reader.pk).update(
        deletion_requested_at=timezone.now() - timedelta(hours=25)
    )


def erase_due() -> None:
    call_command("erase_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_delete_page_asks_for_the_password(signed_in):
    response = signed_in.get("/accounts/delete/")

    assertContains(response, 'type="password"')
    assertContains(response, "24 hours")


def test_delete_page_needs_a_signed_in_reader(client):
    response = client.get("/accounts/delete/")

    assertRedirects(response, "/accounts/login/?next=/accounts/delete/")


def test_delete_with_a_wrong_password_changes_nothing(signed_in, reader):
    response = ask_deletion(signed_in, "not my password")

    assertContains(response, "That is not your password", status_code=200)
    reader.refresh_from_db()
    assert reader.deletion_requested_at is None
    assert signed_in.session.get(SESSION_KEY) == str(reader.pk)


def test_delete_signs_out_with_the_date_of_the_erasure(signed_in, reader, caplog):
    response = signed_in.post("/accounts/delete/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert SESSION_KEY not in signed_in.session
    reader.refresh_from_db()
    assert reader.deletion_pending
    due = timezone.localtime(reader.erasure_due_at)
    assertContains(response, f"will be erased on {due:%d %B %Y at %H:%M}")
    assert any(
        "account deletion asked by 'Paul3390'" in e for e in security_events(caplog)
    )


def test_delete_signs_out_the_readers_other_sessions(signed_in, reader):
    laptop = Client()
    laptop.force_login(reader)
    UserSession.objects.create(
        user=reader, session_key=laptop.session.session_key, ip="192.0.2.1"
    )

    ask_deletion(signed_in)

    response = laptop.get("/accounts/settings/")
    assertRedirects(response, "/accounts/login/?next=/accounts/settings/")
    assert not UserSession.objects.filter(user=reader).exists()


def test_deletion_pending_stops_posting_at_once(
    client, reader, article, no_new_reader_premoderation
):
    client.force_login(reader)
    User.objects.filter(pk=reader.pk).update(deletion_requested_at=timezone.now())

    response = client.post(
        f"/articles/{article.slug}/comments/", {"body": "Still here."}
    )

    assertContains(response, "Your account is being deleted", status_code=403)
    assert not Comment.objects.exists()


def test_deletion_pending_shows_no_comment_form(client, reader, article):
    client.force_login(reader)
    User.objects.filter(pk=reader.pk).update(deletion_requested_at=timezone.now())

    response = client.get(article.get_absolute_url())

    assertContains(response, "Your account is being deleted")
    assertNotContains(response, 'id="comment-form"')


def test_deletion_pending_refuses_an_edit(client, reader, article, make_comment):
    comment = make_comment(article, reader, "First words.")
    client.force_login(reader)
    User.objects.filter(pk=reader.pk).update(deletion_requested_at=timezone.now())

    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "New words."})

    assertContains(response, "Your account is being deleted", status_code=403)
    comment.refresh_from_db()
    assert comment.body == "First words."


def test_signing_in_during_the_grace_offers_to_cancel(
    csrf_client, form_token, reader, caplog
):
    User.objects.filter(pk=reader.pk).update(deletion_requested_at=timezone.now())
    page = csrf_client.get("/accounts/login/")

    csrf_client.post(
        "/accounts/login/",
        {
            "login": "Paul3390",
            "username": "Paul3390",
            "password": PASSWORD,
            "csrfmiddlewaretoken": form_token(page),
        },
    )
    front = csrf_client.get("/")
    assertContains(front, "Cancel the deletion")
    response = csrf_client.post(
        "/accounts/delete/cancel/", {"csrfmiddlewaretoken": form_token(front)}
    )

    assertRedirects(response, "/accounts/settings/")
    reader.refresh_from_db()
    assert reader.deletion_requested_at is None
    assertNotContains(csrf_client.get("/"), "Cancel the deletion")
    assert any("deletion cancelled by 'Paul3390'" in e for e in security_events(caplog))


def test_cancelling_restores_everything(
    settings, client, reader, article, make_comment, no_new_reader_premoderation
):
    settings.BRIEFING_DELETION_GRACE_HOURS = 0
    make_comment(article, reader, "My words stay.")
    ask_deletion(client_for(reader))
    reader.refresh_from_db()
    client.force_login(reader)

    client.post("/accounts/delete/cancel/")
    erase_due()

    reader.refresh_from_db()
    assert reader.is_active
    assert reader.username == "Paul3390"
    assertContains(client.get(article.get_absolute_url()), "My words stay.")
    response = client.post(f"/articles/{article.slug}/comments/", {"body": "Back."})
    assert response.status_code == 302


def test_cancel_needs_a_post(signed_in):
    response = signed_in.get("/accounts/delete/cancel/")

    assert response.status_code == 405


def test_erasure_waits_for_the_grace(reader):
    ask_deletion(client_for(reader))

    erase_due()

    reader.refresh_from_db()
    assert reader.username == "Paul3390"
    assert reader.erased_at is None


def test_erasure_with_no_grace_runs_at_the_next_job(settings, reader):
    settings.BRIEFING_DELETION_GRACE_HOURS = 0
    ask_deletion(client_for(reader))

    erase_due()

    reader.refresh_from_db()
    assert reader.erased_at is not None


def test_erasure_removes_what_identifies_the_reader(reader, caplog):
    assert EmailAddress.objects.filter(user=reader).exists()
    Authenticator.objects.create(user=reader, type=Authenticator.Type.TOTP, data={})
    ask_deletion(client_for(reader))
    grace_over(reader)

    erase_due()

    reader.refresh_from_db()
    assert reader.username.startswith("erased-")
    assert reader.display_name == reader.email == ""
    assert not reader.has_usable_password()
    assert not reader.is_active
    assert not EmailAddress.objects.filter(user=reader).exists()
    assert not Authenticator.objects.filter(user=reader).exists()
    assert f"account of reader {reader.pk} erased" in security_events(caplog)


def test_erased_reader_cannot_sign_in(client, reader):
    ask_deletion(client_for(reader))
    grace_over(reader)
    erase_due()

    client.post(
        "/accounts/login/",
        {"login": "Paul3390", "username": "Paul3390", "password": PASSWORD},
    )

    assert SESSION_KEY not in client.session


def test_erased_readers_profile_is_gone(client, reader):
    assert client.get("/users/Paul3390/").status_code == 200
    ask_deletion(client_for(reader))
    grace_over(reader)

    erase_due()

    assert client.get("/users/Paul3390/").status_code == 404
    reader.refresh_from_db()
    assert client.get(f"/users/{reader.username}/").status_code == 404


def test_erased_readers_username_can_be_taken_again(client, reader):
    ask_deletion(client_for(reader))
    grace_over(reader)
    erase_due()

    response = client.post(
        "/accounts/signup/",
        {
            "username": "Paul3390",
            "display_name": "Another Paul",
            "email": "another.paul@example.com",
            "password1": "a quiet meadow under snow",
            "password2": "a quiet meadow under snow",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(username="Paul3390").display_name == "Another Paul"


def test_erased_comments_become_placeholders_keeping_their_numbers(
    client, reader, other_reader, article, make_comment
):
    make_comment(article, other_reader, "The first word.")
    erased = make_comment(article, reader, "My secret opinion.")
    reply = make_comment(article, other_reader, "I answer Paul.", reply_to=erased)
    ask_deletion(client_for(reader))
    grace_over(reader)

    erase_due()

    page = client.get(article.get_absolute_url())
    assertNotContains(page, "My secret opinion.")
    assertNotContains(page, "Paul3390")
    assertContains(
        page,
        '<p class="comment__head"><span class="comment__number">2.</span> '
        f'<span class="comment__placeholder">{escape(ERASED_PLACEHOLDER)}</span></p>',
        html=True,
    )
    assertContains(page, f'id="comment-{erased.pk}"')
    assertContains(page, '<span class="comment__number">3.</span>')
    assertContains(page, "I answer Paul.")
    assertContains(page, "a deleted comment")
    reply.refresh_from_db()
    assert reply.reply_to_id == erased.pk


def test_erasure_empties_every_comment_and_its_earlier_versions(
    reader, article, make_comment, no_new_reader_premoderation
):
    edited = make_comment(article, reader, "First words.")
    moderation.edit_comment(edited, "Second words.")
    pending = make_comment(article, reader, "Waiting.", status=Status.PENDING)
    withdrawn = make_comment(article, reader, "Taken back.")
    moderation.delete_comment(withdrawn)
    ask_deletion(client_for(reader))
    grace_over(reader)

    erase_due()

    assert set(
        Comment.objects.filter(author=reader).values_list("body", flat=True)
    ) == {""}
    assert not CommentRevision.objects.exists()
    edited.refresh_from_db()
    assert (edited.status, edited.rule) == (Status.DELETED, Rule.ACCOUNT_ERASED)
    # Nobody saw the pending one: it leaves no placeholder, as if withdrawn.
    assert not Comment.objects.visible().filter(pk=pending.pk).exists()
    withdrawn.refresh_from_db()
    assert withdrawn.rule == ""


def test_erasure_keeps_the_moderation_trail_without_the_text(
    client, reader, moderator, article, make_comment
):
    rejected = make_comment(article, reader, "Something rude.")
    moderation.reject(rejected, moderator, "Abuse")
    ask_deletion(client_for(reader))
    grace_over(reader)

    erase_due()

    trail = list(
        ModerationEvent.objects.filter(comment=rejected).values_list(
            "actor__username", "from_status", "to_status", "reason", "rule"
        )
    )
    assert trail == [
        ("moderator", Status.PUBLISHED, Status.REJECTED, "Abuse", ""),
        (
            None,
            Status.REJECTED,
            Status.DELETED,
            "Removed with its author's account",
            Rule.ACCOUNT_ERASED,
        ),
    ]
    rejected.refresh_from_db()
    assert rejected.body == ""


def test_erasure_keeps_reports_and_sanctions_without_the_readers_words(
    reader, other_reader, moderator, article, make_comment
):
    reported = make_comment(article, other_reader, "A claim.")
    moderation.report_comment(reported, reader, Report.Reason.OTHER, "My own words.")
    moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.PREMODERATION, reason="Spam links"
    )
    ask_deletion(client_for(reader))
    grace_over(reader)

    erase_due()

    report = Report.objects.get(reporter=reader)
    assert (report.reason, report.details) == (Report.Reason.OTHER, "")
    sanction = Sanction.objects.get(reader=reader)
    assert (sanction.reason, sanction.created_by) == ("Spam links", moderator)


def test_erasure_twice_erases_once(reader, caplog):
    ask_deletion(client_for(reader))
    grace_over(reader)
    erase_due()
    reader.refresh_from_db()
    erased_name = reader.username

    erase_due()

    reader.refresh_from_db()
    assert reader.username == erased_name
    assert security_events(caplog).count(f"account of reader {reader.pk} erased") == 1


def test_erasure_skips_a_cancelled_deletion(reader):
    ask_deletion(client_for(reader))
    grace_over(reader)
    reader.refresh_from_db()
    client_for(reader).post("/accounts/delete/cancel/")

    erase_due()

    reader.refresh_from_db()
    assert reader.username == "Paul3390"
    assert reader.is_active


SET_UP_DELETION = """
from datetime import timedelta
from django.utils import timezone
from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment
desk = User.objects.create_user(username="desk", password="x", is_staff=True)
article = Article.objects.create(
    slug="a", title="A", lead="A", body="A", author=desk,
    published_at=timezone.now() - timedelta(hours=1),
)
leaving = User.objects.create_user(username="Paul3390", password="x")
for n in range(200):
    Comment.objects.create(article=article, author=leaving, body=f"Words {n}.")
User.objects.filter(pk=leaving.pk).update(deletion_requested_at=timezone.now())
"""
COUNT_ERASURES = """
from comments.models import ModerationEvent
from briefing.accounts.models import User
print(
    ModerationEvent.objects.filter(rule="account_erased").count(),
    User.objects.filter(username="Paul3390").count(),
)
"""


def test_erasure_jobs_running_at_once_erase_once(tmp_path):
    """Four workers of the job at the same moment, on the deployed SQLite
    setup (a file, WAL, IMMEDIATE transactions): one erasure, one trail."""
    manage = make_manage(tmp_path / "db.sqlite3")
    manage.environment["BRIEFING_DELETION_GRACE_HOURS"] = "0"
    assert manage("migrate", "--noinput").returncode == 0
    assert manage("shell", "--no-imports", "-c", SET_UP_DELETION).returncode == 0

    jobs = [manage.start("erase_accounts") for _ in range(4)]
    outputs = sorted(job.communicate(timeout=120)[0].strip() for job in jobs)

    assert outputs == ["0 accounts erased."] * 3 + ["1 account erased."]
    assert manage("shell", "--no-imports", "-c", COUNT_ERASURES).stdout.split() == [
        "200",
        "0",
    ]
