"""Standard reasons: a moderator rejects for one, the author is told its name
and the note, a rule names its own, and old rejections are mapped."""

import importlib

import pytest
from django.apps import apps
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment, RemovalReason, Rule, Status, Word
from tests.conftest import post

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"


def reject(client, comment, **data):
    """Submit the queue's reject form for `comment`, as the moderator does."""
    return client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [comment.pk],
            "apply": "1",
            **data,
        },
    )


def test_rejected_comment_tells_its_author_the_reason_and_the_note(
    moderator_client, signed_in, article, reader, make_comment
):
    comment = make_comment(article, reader, "Buy cheap watches.", Status.PENDING)

    reject(moderator_client, comment, removal_reason="spam", reason="Advertising")

    expected = "Your comment was rejected: spam. Advertising."
    assertContains(signed_in.get(article.get_absolute_url()), expected)
    assertContains(signed_in.get(f"/users/{reader.username}/"), "Rejected: spam.")
    assertContains(signed_in.get(f"/users/{reader.username}/"), "Advertising.")


def test_standard_reason_needs_no_note(
    moderator_client, signed_in, article, reader, make_comment
):
    comment = make_comment(article, reader, "You fool.", Status.PENDING)

    response = reject(moderator_client, comment, removal_reason="abuse", reason="")

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.removal_reason) == (Status.REJECTED, "abuse")
    page = signed_in.get(article.get_absolute_url())
    assertContains(page, "Your comment was rejected: abuse or harassment. See")


def test_other_reason_requires_a_note(moderator_client, article, reader, make_comment):
    comment = make_comment(article, reader, "Odd text.", Status.PENDING)

    response = reject(moderator_client, comment, removal_reason="other", reason=" ")

    assert response.status_code == 200
    assertContains(response, "This field is required.")
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_other_reason_with_a_note_tells_the_note(
    moderator_client, signed_in, article, reader, make_comment
):
    comment = make_comment(article, reader, "Odd text.", Status.PENDING)

    reject(moderator_client, comment, removal_reason="other", reason="Off the record")

    comment.refresh_from_db()
    assert comment.removal_reason == RemovalReason.OTHER
    page = signed_in.get(article.get_absolute_url())
    assertContains(page, "Your comment was rejected: Off the record.")


def test_rejection_without_a_chosen_reason_is_recorded_as_other(
    moderator_client, article, reader, make_comment
):
    comment = make_comment(article, reader, "Odd text.", Status.PENDING)

    reject(moderator_client, comment, reason="Personal attack")

    comment.refresh_from_db()
    assert comment.removal_reason == RemovalReason.OTHER


def test_rule_rejection_names_its_rule(
    signed_in, article, reader, no_new_reader_premoderation
):
    Word.objects.create(word="scoundrel", action=Word.Action.BANNED)

    post(signed_in, article, "You scoundrel.")
    response = signed_in.get(article.get_absolute_url())

    comment = Comment.objects.get()
    assert (comment.rule, comment.removal_reason) == (Rule.BANNED_WORD, "")
    assertContains(response, "Your comment was rejected: banned word. Banned word:")
    assertNotContains(response, "rejected: other")


def test_existing_rejections_are_mapped_to_standard_reasons(
    article, reader, make_comment
):
    by_moderator = make_comment(
        article, reader, "Rude.", Status.REJECTED, moderation_reason="Rude"
    )
    by_rule = make_comment(
        article, reader, "Banned.", Status.REJECTED, rule=Rule.BANNED_WORD
    )
    published = make_comment(article, reader, "Fine.")
    migration = importlib.import_module(
        "comments.migrations.0011_map_rejections_to_standard_reasons"
    )

    migration.map_rejections(apps, None)

    assert [
        Comment.objects.get(pk=comment.pk).removal_reason
        for comment in (by_moderator, by_rule, published)
    ] == [RemovalReason.OTHER, "", ""]
