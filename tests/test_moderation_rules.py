"""The rules on new and edited comments, each leaving its reason and its trail.

Readers post through the public URLs; what the rules decided is read back
from the stored comment and its audit trail.
"""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from comments import moderation
from comments.models import (
    Comment,
    CommentRevision,
    ModerationEvent,
    ModerationSettings,
    Rule,
    Status,
    Word,
)

from .conftest import post

pytestmark = pytest.mark.django_db


def configure(**values) -> ModerationSettings:
    settings = ModerationSettings.current()
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


@pytest.fixture
def word_lists(db):
    Word.objects.create(word="idiot", action=Word.Action.BANNED)
    Word.objects.create(word="дурак", action=Word.Action.BANNED)
    Word.objects.create(word="ass", action=Word.Action.BANNED)
    Word.objects.create(word="scam", action=Word.Action.SUSPECT)


def only_comment() -> Comment:
    return Comment.objects.get()


def assert_held_by(comment: Comment, status: str, rule: str, reason: str) -> None:
    """The comment, and the first line of its trail, name the rule and why."""
    assert (comment.status, comment.rule, comment.moderation_reason) == (
        status,
        rule,
        reason,
    )
    event = comment.events.get()
    assert (event.actor, event.rule, event.from_status, event.to_status) == (
        None,
        rule,
        "",
        status,
    )
    assert event.reason == reason


# Premoderation.


def test_premoderated_article_holds_every_comment(
    signed_in, make_article, no_new_reader_premoderation
):
    article = make_article(premoderated=True)

    response = post(signed_in, article, "Hello.")

    assert response.status_code == 302
    assert_held_by(
        only_comment(),
        Status.PENDING,
        Rule.ARTICLE_PREMODERATION,
        "The article is premoderated",
    )


def test_a_readers_first_comment_waits_for_approval(signed_in, article):
    post(signed_in, article, "My first words here.")

    assert_held_by(
        only_comment(),
        Status.PENDING,
        Rule.NEW_READER,
        "The reader has 0 approved comments (first 1 are premoderated)",
    )


def test_after_approval_the_reader_publishes_directly(
    signed_in, article, reader, moderator, make_comment
):
    first = make_comment(article, reader, "First.", Status.PENDING)
    moderation.approve(first, moderator)

    post(signed_in, article, "Second.")

    assert Comment.objects.get(body="Second.").status == Status.PUBLISHED


def test_approving_a_readers_first_comment_releases_the_others_held_for_it(
    client, signed_in, article, reader, moderator
):
    post(signed_in, article, "First.")
    post(signed_in, article, "Second, written while waiting.")
    first, second = Comment.objects.order_by("pk")

    moderation.approve(first, moderator)

    second.refresh_from_db()
    assert (second.status, second.number) == (Status.PUBLISHED, 2)
    release = second.events.latest("created_at")
    assert (release.actor, release.rule) == (None, Rule.NEW_READER)
    assert release.reason == "Released: the reader has 1 approved comments"
    assertContains(client.get(article.get_absolute_url()), "Second, written while")


def test_graduating_releases_only_what_the_first_comments_rule_holds(
    signed_in, article, reader, moderator, make_comment
):
    first = make_comment(article, reader, "First.", Status.PENDING)
    suspect = make_comment(
        article, reader, "Held for a word.", Status.PENDING, rule=Rule.SUSPECT_WORD
    )

    moderation.approve(first, moderator)

    suspect.refresh_from_db()
    assert (suspect.status, suspect.rule) == (Status.PENDING, Rule.SUSPECT_WORD)


def test_the_number_of_premoderated_first_comments_is_configurable(
    signed_in, article, reader, moderator, make_comment
):
    configure(new_reader_premoderation=2)
    moderation.approve(make_comment(article, reader, "One.", Status.PENDING), moderator)

    post(signed_in, article, "Two.")

    assert Comment.objects.get(body="Two.").rule == Rule.NEW_READER


# Word lists.


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("You IDIOT!", "idiot"),
        ("you іdiot", "idiot"),  # Cyrillic "і" standing in for Latin
        ("What an і d і о t.", "idiot"),  # spaced, and Cyrillic
        ("i.d.i.o.t", "idiot"),
        ("i-d-i-o-t, yes", "idiot"),
        ("id\u200biot", "idiot"),  # a zero-width space inside
        ("ＩＤＩＯＴ", "idiot"),  # fullwidth letters
        ("Ты дурак.", "дурак"),
        ("Ты дурaк.", "дурак"),  # Latin "a" standing in for Cyrillic
        ("ДУPAK", "дурак"),  # Latin capitals that look Cyrillic
        ("д у р а к", "дурак"),
    ],
)
def test_banned_word_rejects_whatever_its_disguise(
    signed_in, article, word_lists, no_new_reader_premoderation, body, word
):
    response = post(signed_in, article, body)

    assert response.status_code == 302
    assert_held_by(
        only_comment(), Status.REJECTED, Rule.BANNED_WORD, f"Banned word: {word}"
    )


@pytest.mark.parametrize(
    "body",
    [
        "An idiotic plan.",  # longer word
        "Our class passed.",  # "ass" inside words
        "Assess the mass.",
        "a s severe as ever",  # single letters that spell no listed word
    ],
)
def test_listed_words_match_only_whole_words(
    signed_in, article, word_lists, no_new_reader_premoderation, body
):
    post(signed_in, article, body)

    comment = only_comment()
    assert (comment.status, comment.rule) == (Status.PUBLISHED, "")
    assert not comment.events.exists()


def test_suspect_word_holds_and_names_the_word(
    signed_in, article, word_lists, no_new_reader_premoderation
):
    post(signed_in, article, "Sounds like a SCAM to me.")

    assert_held_by(
        only_comment(), Status.PENDING, Rule.SUSPECT_WORD, "Suspect word: scam"
    )


def test_banned_word_wins_over_suspect_word(
    signed_in, article, word_lists, no_new_reader_premoderation
):
    post(signed_in, article, "This scam is run by an idiot.")

    assert only_comment().rule == Rule.BANNED_WORD


def test_rejected_author_sees_the_matched_word(
    signed_in, article, word_lists, no_new_reader_premoderation
):
    response = post(signed_in, article, "idiot")

    page = signed_in.get(response["Location"])
    assertContains(page, "Banned word: idiot")


def test_a_rejection_on_posting_is_logged_for_security(
    signed_in, article, word_lists, no_new_reader_premoderation, caplog
):
    with caplog.at_level(logging.INFO, logger="briefing.security"):
        post(signed_in, article, "idiot")

    assert any(
        "rejected on posting by rule banned_word" in record.getMessage()
        for record in caplog.records
        if record.name == "briefing.security"
    )


# Links.


def test_more_links_than_allowed_hold_the_comment(
    signed_in, article, no_new_reader_premoderation
):
    post(
        signed_in,
        article,
        "See https://a.example, https://b.example and www.c.example",
    )

    assert_held_by(only_comment(), Status.PENDING, Rule.LINKS, "3 links (more than 2)")


def test_links_up_to_the_limit_publish(signed_in, article, no_new_reader_premoderation):
    configure(new_reader_premoderation=0, max_links=1)

    post(signed_in, article, "Source: https://a.example/report")

    assert only_comment().status == Status.PUBLISHED


# Rate limit.


def test_rate_limit_answers_429_with_retry_after_and_keeps_the_text(
    signed_in, article, no_new_reader_premoderation
):
    configure(new_reader_premoderation=0, posting_limit=2, posting_window_seconds=90)
    post(signed_in, article, "One.")
    post(signed_in, article, "Two.")

    response = post(signed_in, article, "Three, kept for later.")

    assertContains(response, "Three, kept for later.", status_code=429)
    assertContains(
        response, "You can post 2 comments every 90 seconds", status_code=429
    )
    assert response["Retry-After"] == "90"
    assert Comment.objects.count() == 2


def test_rate_limit_counts_only_the_window(
    signed_in, article, reader, make_comment, no_new_reader_premoderation
):
    configure(new_reader_premoderation=0, posting_limit=1, posting_window_seconds=60)
    make_comment(article, reader, created_at=timezone.now() - timedelta(seconds=61))

    response = post(signed_in, article, "A minute later.")

    assert response.status_code == 302


def test_rate_limit_can_be_lifted_for_load_tests(
    signed_in, article, settings, no_new_reader_premoderation
):
    settings.BRIEFING_RATE_LIMITS = False
    configure(new_reader_premoderation=0, posting_limit=1)

    for number in range(3):
        post(signed_in, article, f"Comment {number}")

    assert Comment.objects.count() == 3


# Closed discussions.


def test_discussion_closes_by_itself_after_the_configured_days(
    signed_in, make_article, no_new_reader_premoderation
):
    old = make_article("old", published_at=timezone.now() - timedelta(days=15))

    response = post(signed_in, old, "Late.")

    assertContains(response, "Comments on this article closed on", status_code=403)
    assert not Comment.objects.exists()


def test_auto_close_days_are_configurable(
    signed_in, make_article, no_new_reader_premoderation
):
    old = make_article("old", published_at=timezone.now() - timedelta(days=15))
    configure(new_reader_premoderation=0, auto_close_days=30)

    response = post(signed_in, old, "Still open.")

    assert response.status_code == 302


def test_an_article_can_keep_its_discussion_open(
    signed_in, make_article, no_new_reader_premoderation
):
    old = make_article(
        "old",
        published_at=timezone.now() - timedelta(days=400),
        comments_auto_close=False,
    )

    response = post(signed_in, old, "Years later.")

    assert response.status_code == 302


def test_an_article_can_set_its_own_closing_time(
    signed_in, make_article, no_new_reader_premoderation
):
    article = make_article(comments_close_at=timezone.now() - timedelta(minutes=1))

    response = post(signed_in, article, "Just missed it.")

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_closed_article_and_site_pause_refuse_with_their_reason(
    signed_in, make_article, no_new_reader_premoderation
):
    closed = make_article("closed", comments_open=False)
    open_article = make_article("open")

    closed_response = post(signed_in, closed, "Hi")
    configure(new_reader_premoderation=0, comments_paused=True)
    paused_response = post(signed_in, open_article, "Hi")

    assertContains(
        closed_response, "Comments on this article are closed.", status_code=403
    )
    assertContains(
        paused_response, "Commenting is paused across the site", status_code=403
    )
    assert not Comment.objects.exists()


# Edits.


def edit(client, comment, body: str):
    return client.post(f"/comments/{comment.pk}/edit/", {"body": body})


def test_an_edit_keeps_the_earlier_versions(
    signed_in, article, reader, make_comment, no_new_reader_premoderation
):
    comment = make_comment(article, reader, "First version.")

    edit(signed_in, comment, "Second version.")
    edit(signed_in, comment, "Third version.")

    comment.refresh_from_db()
    assert comment.body == "Third version."
    assert comment.edited_at is not None
    assert list(
        CommentRevision.objects.filter(comment=comment)
        .order_by("written_at")
        .values_list("body", flat=True)
    ) == ["First version.", "Second version."]


def test_an_edit_cannot_launder_abuse_into_a_published_comment(
    signed_in, article, reader, make_comment, word_lists, no_new_reader_premoderation
):
    comment = make_comment(article, reader, "A fair point.")

    edit(signed_in, comment, "A fair point, i d i o t.")

    comment.refresh_from_db()
    assert (comment.status, comment.rule) == (Status.REJECTED, Rule.BANNED_WORD)
    event = comment.events.get()
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        Status.PUBLISHED,
        Status.REJECTED,
        None,
        "Edited: Banned word: idiot",
    )


def test_an_edit_adding_links_is_held_again(
    signed_in, article, reader, make_comment, no_new_reader_premoderation
):
    comment = make_comment(article, reader, "Plain.")

    edit(signed_in, comment, "https://a.example https://b.example https://c.example")

    comment.refresh_from_db()
    assert (comment.status, comment.rule) == (Status.PENDING, Rule.LINKS)


def test_an_edit_of_a_held_comment_updates_the_rule_the_moderator_sees(
    signed_in, article, reader, word_lists
):
    post(signed_in, article, "First words.")
    comment = only_comment()
    assert comment.rule == Rule.NEW_READER

    edit(signed_in, comment, "First words, a scam.")

    comment.refresh_from_db()
    assert (comment.status, comment.rule, comment.moderation_reason) == (
        Status.PENDING,
        Rule.SUSPECT_WORD,
        "Edited: Suspect word: scam",
    )
    assert comment.events.count() == 2


def test_an_edit_does_not_release_a_comment_held_for_reports(
    signed_in, article, reader, make_comment, no_new_reader_premoderation
):
    comment = make_comment(
        article, reader, "Reported.", Status.PENDING, rule=Rule.REPORTS, open_reports=3
    )

    edit(signed_in, comment, "Reported, now innocent.")

    comment.refresh_from_db()
    assert (comment.status, comment.rule) == (Status.PENDING, Rule.REPORTS)


# The audit trail.


def test_every_change_of_status_is_recorded_in_order(
    signed_in, article, reader, moderator
):
    post(signed_in, article, "Held first.")
    comment = only_comment()
    moderation.approve(comment, moderator)
    moderation.reject(comment, moderator, "Changed my mind")
    signed_in.post(f"/comments/{comment.pk}/delete/")

    trail = list(
        ModerationEvent.objects.filter(comment=comment).values_list(
            "from_status", "to_status", "actor__username", "rule", "reason"
        )
    )

    assert trail == [
        ("", "pending", None, Rule.NEW_READER, trail[0][4]),
        ("pending", "published", "moderator", "", "Approved"),
        ("published", "rejected", "moderator", "", "Changed my mind"),
        ("rejected", "deleted", "Paul3390", "", "Deleted by its author"),
    ]
    assert all(event.created_at <= timezone.now() for event in comment.events.all())
