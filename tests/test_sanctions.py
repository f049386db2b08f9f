"""Sanctions on a reader: recorded by a moderator in the admin, explained to
the reader when they try to post."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments import moderation
from comments.models import Comment, Rule, Sanction, Status

from .conftest import post

pytestmark = pytest.mark.django_db

ADD = "/admin/comments/sanction/add/"


def until_fields(moment) -> dict[str, str]:
    """The admin's date and time fields for `moment`, in the site's zone."""
    local = timezone.localtime(moment)
    return {"until_0": f"{local:%Y-%m-%d}", "until_1": f"{local:%H:%M}"}


def test_moderator_bans_a_reader_by_username(moderator_client, moderator, reader):
    response = moderator_client.post(
        ADD, {"reader": "PAUL3390", "kind": "ban", "reason": "Repeated insults"}
    )

    assert response.status_code == 302
    ban = Sanction.objects.get()
    assert (ban.reader, ban.kind, ban.reason, ban.created_by, ban.until) == (
        reader,
        Sanction.Kind.BAN,
        "Repeated insults",
        moderator,
        None,
    )
    assert ban.created_at <= timezone.now()


def test_a_banned_reader_is_told_why_and_keeps_the_text(
    moderator, signed_in, reader, article, no_new_reader_premoderation
):
    moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.BAN, reason="Repeated insults"
    )

    response = post(signed_in, article, "Am I still here?")

    assertContains(
        response,
        "You are banned from commenting. Reason: Repeated insults",
        status_code=403,
    )
    assertContains(response, "Am I still here?", status_code=403)
    assert not Comment.objects.exists()


def test_a_banned_reader_is_told_on_the_article_before_writing(
    signed_in, reader, moderator, article
):
    moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.BAN, reason="Repeated insults"
    )

    page = signed_in.get(article.get_absolute_url())

    assertContains(page, "You are banned from commenting. Reason: Repeated insults.")
    assertNotContains(page, 'name="body"')
    assertNotContains(page, "Join the discussion")


def test_a_suspended_reader_is_told_until_when_and_gets_no_form(
    signed_in, reader, moderator, article
):
    until = timezone.now() + timedelta(days=3)
    moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.SUSPENSION, reason="Spam", until=until
    )

    page = signed_in.get(article.get_absolute_url())

    local = timezone.localtime(until)
    assertContains(page, f"suspended until {local:%d %B %Y %H:%M}. Reason: Spam.")
    assertNotContains(page, 'name="body"')


def test_an_always_premoderated_reader_still_gets_the_form(
    signed_in, reader, moderator, article
):
    moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.PREMODERATION, reason="Tone"
    )

    assertContains(signed_in.get(article.get_absolute_url()), 'name="body"')


def test_a_lifted_ban_gives_the_form_back(signed_in, reader, moderator, article):
    ban = moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.BAN, reason="Heat of the moment"
    )

    moderation.lift_sanction(ban, moderator)

    assertContains(signed_in.get(article.get_absolute_url()), 'name="body"')


def test_a_ban_can_reject_everything_the_reader_wrote(
    moderator_client, moderator, reader, other_reader, article, make_comment
):
    published = make_comment(article, reader, "Old.")
    pending = make_comment(article, reader, "Waiting.", Status.PENDING)
    deleted = make_comment(article, reader, "Gone.", Status.DELETED)
    bystander = make_comment(article, other_reader, "Unrelated.")

    moderator_client.post(
        ADD,
        {
            "reader": "Paul3390",
            "kind": "ban",
            "reason": "Spam network",
            "reject_comments": "on",
        },
    )

    for comment, status in [
        (published, Status.REJECTED),
        (pending, Status.REJECTED),
        (deleted, Status.DELETED),
        (bystander, Status.PUBLISHED),
    ]:
        comment.refresh_from_db()
        assert comment.status == status
    event = published.events.get()
    assert (event.actor, event.rule, event.from_status, event.reason) == (
        moderator,
        Rule.BAN,
        Status.PUBLISHED,
        "Author banned: Spam network",
    )
    assert pending.events.get().from_status == Status.PENDING


def test_a_ban_until_a_date_ends_by_itself(
    moderator, signed_in, reader, article, no_new_reader_premoderation
):
    ban = moderation.sanction_reader(
        reader,
        moderator,
        kind=Sanction.Kind.BAN,
        reason="Cooling off",
        until=timezone.now() + timedelta(days=1),
    )

    refused = post(signed_in, article, "Now?")
    Sanction.objects.filter(pk=ban.pk).update(
        until=timezone.now() - timedelta(seconds=1)
    )
    allowed = post(signed_in, article, "And now?")

    assertContains(
        refused,
        f"You are banned from commenting until "
        f"{timezone.localtime(ban.until):%d %B %Y %H:%M}. Reason: Cooling off",
        status_code=403,
    )
    assert allowed.status_code == 302


def test_a_suspension_needs_an_end_in_the_future(moderator_client, reader):
    without = moderator_client.post(
        ADD, {"reader": "Paul3390", "kind": "suspension", "reason": "Flooding"}
    )
    past = moderator_client.post(
        ADD,
        {
            "reader": "Paul3390",
            "kind": "suspension",
            "reason": "Flooding",
            "until_0": "2001-01-01",
            "until_1": "10:00",
        },
    )

    assertContains(without, "A suspension needs an end.")
    assertContains(past, "The end of a suspension must be in the future.")
    assert not Sanction.objects.exists()


def test_a_suspended_reader_is_told_until_when(
    moderator_client, signed_in, reader, article, no_new_reader_premoderation
):
    until = timezone.localtime() + timedelta(days=3)

    moderator_client.post(
        ADD,
        {
            "reader": "Paul3390",
            "kind": "suspension",
            "reason": "Flooding",
            **until_fields(until),
        },
    )
    response = post(signed_in, article, "Let me in.")

    assertContains(
        response,
        f"Your commenting is suspended until {until:%d %B %Y %H:%M}. Reason: Flooding",
        status_code=403,
    )
    assertContains(response, "Let me in.", status_code=403)


def test_only_a_ban_rejects_the_readers_comments(moderator_client, reader):
    response = moderator_client.post(
        ADD,
        {
            "reader": "Paul3390",
            "kind": "premoderation",
            "reason": "Borderline",
            "reject_comments": "on",
        },
    )

    assertContains(response, "Only a ban rejects the reader")
    assert not Sanction.objects.exists()


def test_an_always_premoderated_reader_posts_into_the_queue_and_is_told_why(
    moderator, signed_in, reader, article, no_new_reader_premoderation
):
    moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.PREMODERATION, reason="Borderline tone"
    )

    response = post(signed_in, article, "Hello again.")

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.rule) == (Status.PENDING, Rule.PREMODERATED_READER)
    reason = "Your comments wait for a moderator's approval. Reason: Borderline tone."
    assert comment.moderation_reason == reason
    assert comment.events.get().rule == Rule.PREMODERATED_READER
    assertContains(signed_in.get(response["Location"]), "Borderline tone")


def test_a_banned_reader_cannot_edit_their_comment_either(
    moderator, signed_in, reader, article, make_comment
):
    comment = make_comment(article, reader, "Before the ban.")
    moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.BAN, reason="Abuse"
    )

    response = signed_in.post(f"/comments/{comment.pk}/edit/", {"body": "After it."})

    assertContains(response, "You are banned from commenting", status_code=403)
    comment.refresh_from_db()
    assert comment.body == "Before the ban."


def test_unknown_reader_is_a_form_error(moderator_client):
    response = moderator_client.post(
        ADD, {"reader": "nobody", "kind": "ban", "reason": "x"}
    )

    assertContains(response, "No reader has that username.")


def test_sanction_link_from_a_comment_names_the_reader(moderator_client, reader):
    response = moderator_client.get(ADD, {"reader": reader.pk})
    nonsense = moderator_client.get(ADD, {"reader": "1 OR 1=1"})

    assertContains(response, 'value="Paul3390"')
    assert nonsense.status_code == 200


def test_moderator_lifts_a_sanction_and_the_reader_posts_again(
    moderator_client,
    moderator,
    signed_in,
    reader,
    article,
    no_new_reader_premoderation,
    caplog,
):
    ban = moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.BAN, reason="x"
    )

    with caplog.at_level(logging.INFO, logger="briefing.security"):
        moderator_client.post(
            "/admin/comments/sanction/",
            {"action": "lift_selected", "_selected_action": [ban.pk], "index": 0},
        )
    response = post(signed_in, article, "Thank you.")

    ban.refresh_from_db()
    assert ban.lifted_at is not None
    assert response.status_code == 302
    assert any(
        "changed by moderator (lifted_at)" in record.getMessage()
        for record in caplog.records
    )


def test_lifting_says_how_many_sanctions_it_ended(
    moderator_client, moderator, reader, other_reader, told
):
    ban = moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.BAN, reason="x"
    )
    lifted = moderation.sanction_reader(
        other_reader, moderator, kind=Sanction.Kind.BAN, reason="y"
    )
    moderation.lift_sanction(lifted, moderator)

    response = moderator_client.post(
        "/admin/comments/sanction/",
        {
            "action": "lift_selected",
            "_selected_action": [ban.pk, lifted.pk],
            "index": 0,
        },
    )

    assert told(response) == ["1 sanction lifted."]


def test_sanctions_stay_on_record(moderator_client, admin_client, moderator, reader):
    ban = moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.BAN, reason="x"
    )

    response = admin_client.post(
        f"/admin/comments/sanction/{ban.pk}/delete/", {"post": "yes"}
    )
    listing = moderator_client.get("/admin/comments/sanction/", {"active": "yes"})

    assert response.status_code == 403
    assert Sanction.objects.filter(pk=ban.pk).exists()
    assertContains(listing, "Paul3390")
    assertContains(listing, "in force")


def test_sanction_change_page_changes_only_the_terms(
    moderator_client, moderator, reader, other_reader
):
    ban = moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.BAN, reason="x"
    )

    moderator_client.post(
        f"/admin/comments/sanction/{ban.pk}/change/",
        {
            "reader": other_reader.pk,
            "kind": "premoderation",
            "reason": "Clarified",
            "until": "",
        },
    )

    ban.refresh_from_db()
    assert (ban.reader, ban.kind, ban.reason) == (
        reader,
        Sanction.Kind.BAN,
        "Clarified",
    )


def test_sanction_history_shows_in_the_queue(
    moderator_client, moderator, reader, article, make_comment
):
    make_comment(article, reader, status=Status.PENDING)
    moderation.sanction_reader(
        reader,
        moderator,
        kind=Sanction.Kind.SUSPENSION,
        reason="x",
        until=timezone.now() + timedelta(days=2),
    )
    ended = moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.BAN, reason="y"
    )
    moderation.lift_sanction(ended, moderator)

    response = moderator_client.get("/admin/comments/comment/")

    assertContains(response, "suspended until")
    assertNotContains(response, ">banned<")
