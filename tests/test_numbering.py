"""A comment's number is its place in the discussion: given when it is first
published, in the order of publication, and never changed afterwards."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments import moderation
from comments.models import Comment, ModerationEvent, RemovalReason, Rule, Status

pytestmark = pytest.mark.django_db


def number(n: int) -> str:
    return f'<span class="comment__number">{n}.</span>'


def numbered(article) -> dict[int, str]:
    return dict(
        Comment.objects.visible().filter(article=article).values_list("number", "body")
    )


def test_numbering_a_rejected_comment_keeps_every_later_number(
    client, article, reader, other_reader, moderator, make_comment
):
    first = make_comment(article, reader, "First.")
    second = make_comment(article, other_reader, "Second, and abusive.")
    third = make_comment(article, reader, "Third.")

    moderation.reject(second, moderator, "Insults", RemovalReason.ABUSE)
    page = client.get(article.get_absolute_url())

    assert [c.number for c in (first, second, third)] == [1, 2, 3]
    second.refresh_from_db()
    assert second.number == 2
    html = page.content.decode()
    assert html.index(number(1)) < html.index(number(2)) < html.index(number(3))
    assertContains(page, f'id="comment-{second.pk}"')
    assertContains(
        page, "This comment was removed by a moderator: abuse or harassment."
    )
    assertNotContains(page, "Second, and abusive.")
    assertContains(page, "Third.")


def test_numbering_a_comment_approved_late_takes_the_next_number_at_the_end(
    client, article, reader, other_reader, moderator, make_comment
):
    waiting = make_comment(article, reader, "Written first, held.", Status.PENDING)
    make_comment(article, other_reader, "Published at once.")
    make_comment(article, other_reader, "Published at once, too.")

    moderation.approve(waiting, moderator)
    page = client.get(article.get_absolute_url()).content.decode()

    waiting.refresh_from_db()
    assert waiting.number == 3
    assert page.index("Published at once, too.") < page.index("Written first, held.")


def test_numbering_a_comment_held_for_reports_keeps_its_place_and_number(
    client, article, reader, make_reader, make_comment
):
    held = make_comment(article, reader, "Controversial.")
    make_comment(article, reader, "Later.")
    for n in range(3):
        moderation.report_comment(held, make_reader(f"witness{n}"), "abuse")

    page = client.get(article.get_absolute_url())

    held.refresh_from_db()
    assert (held.status, held.number) == (Status.PENDING, 1)
    assertContains(page, "This comment is held for review.")
    assertContains(page, number(2))


def test_numbering_an_author_sees_their_removed_comment_in_its_place(
    client, article, reader, moderator, make_comment
):
    mine = make_comment(article, reader, "My words.")
    moderation.reject(mine, moderator, "Off topic", RemovalReason.OFF_TOPIC)
    client.force_login(reader)

    page = client.get(article.get_absolute_url())

    assertContains(page, "My words.")
    assertContains(page, "Your comment was rejected")
    # Shown once, in its place: not again among "comments others can't see".
    assert page.content.decode().count(f'id="comment-{mine.pk}"') == 1


def test_numbering_a_rule_that_rejects_names_itself_in_the_placeholder(
    client, article, reader, make_comment
):
    comment = make_comment(article, reader, "Fine at first.")
    moderation.change_status(
        comment, Status.REJECTED, rule=Rule.BANNED_WORD, reason="Banned word: x"
    )

    page = client.get(article.get_absolute_url())

    assertContains(page, "This comment was removed automatically: banned word.")


def test_numbering_concurrent_publications_take_distinct_numbers(
    article, reader, other_reader, no_new_reader_premoderation
):
    for n in range(6):
        moderation.post_comment(
            author=(reader, other_reader)[n % 2], article=article, body=f"Post {n}"
        )

    assert sorted(numbered(article)) == [1, 2, 3, 4, 5, 6]


def test_numbering_the_page_of_a_comment_follows_from_its_number(
    client, article, reader, make_comment
):
    for n in range(51):
        last = make_comment(article, reader, f"Comment {n}.")

    response = client.get(f"/comments/{last.pk}/")

    assert (
        response["Location"] == f"{article.get_absolute_url()}?page=2#comment-{last.pk}"
    )


def test_numbering_migration_numbers_what_readers_saw(
    article, reader, moderator, make_comment
):
    """The data migration gives numbers to published comments and to those
    removed after publication, in the order they were shown."""
    shown = Comment.objects.create(
        article=article, author=reader, body="Shown.", status=Status.PUBLISHED
    )
    removed = Comment.objects.create(
        article=article,
        author=reader,
        body="Shown, then removed.",
        status=Status.REJECTED,
    )
    ModerationEvent.objects.create(
        comment=removed, from_status=Status.PUBLISHED, to_status=Status.REJECTED
    )
    unseen = Comment.objects.create(
        article=article, author=reader, body="Never shown.", status=Status.REJECTED
    )
    approved = Comment.objects.create(
        article=article,
        author=reader,
        body="Held, then approved.",
        status=Status.PUBLISHED,
        created_at=timezone.now(),
    )
    ModerationEvent.objects.create(
        comment=approved, from_status=Status.PENDING, to_status=Status.PUBLISHED
    )
    migration = importlib.import_module(
        "comments.migrations.0008_number_published_comments"
    )

    migration.number_what_was_published(apps, None)

    assert [
        Comment.objects.get(pk=c.pk).number for c in (shown, removed, unseen, approved)
    ] == [1, 2, None, 3]


def test_the_next_number_is_read_from_the_end_of_the_numbering_index(
    article, reader, make_comment
):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics: a tiny table proves nothing")
    make_comment(article, reader, "First.")

    with CaptureQueriesContext(connection) as queries:
        next_number = Comment.objects.next_number(article.pk)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries[-1]["sql"])
        plan = str(cursor.fetchall())

    # Not every comment of the discussion: the publishing transaction holds
    # the whole database's write lock meanwhile.
    assert next_number == 2
    assert "comment_number_once" in plan
