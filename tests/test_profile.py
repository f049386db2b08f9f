"""A reader's public profile, and the Online/Offline status it shows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from briefing.accounts.models import User
from comments.models import Status

pytestmark = pytest.mark.django_db


def last_seen_writes(queries) -> int:
    return sum(
        1
        for query in queries
        if query["sql"].startswith("UPDATE") and '"last_seen"' in query["sql"]
    )


def test_profile_shows_name_status_joined_date_and_published_comments(
    client, reader, article, make_comment
):
    reader.date_joined = timezone.make_aware(timezone.datetime(2023, 3, 8, 12, 0))
    reader.save()
    make_comment(article, reader, "Long overdue!")
    make_comment(article, reader, "Still waiting.", status=Status.PENDING)

    response = client.get("/users/Paul3390/")

    assertContains(response, "Paul3390")
    assertContains(response, "(Paul)")
    assertContains(response, "Offline")
    assertContains(response, "Joined")
    assertContains(response, "8 March 2023")
    assertContains(response, "Long overdue!")
    assertNotContains(response, "Still waiting.")


def test_profile_of_a_username_with_a_space(client, make_reader):
    make_reader("Alexander Dutov", "Alexander")

    response = client.get("/users/Alexander%20Dutov/")

    assertContains(response, "Alexander Dutov")


def test_profile_of_an_unknown_or_inactive_reader_is_not_found(client, make_reader):
    make_reader("gone", "Gone", is_active=False)

    assert client.get("/users/nobody/").status_code == 404
    assert client.get("/users/gone/").status_code == 404


def test_profile_shows_the_reader_their_own_pending_and_rejected_comments(
    client, reader, article, make_comment
):
    make_comment(article, reader, "Still waiting.", status=Status.PENDING)
    make_comment(
        article,
        reader,
        "Something rude.",
        status=Status.REJECTED,
        moderation_reason="Banned word: rude",
    )
    client.force_login(reader)

    response = client.get("/users/Paul3390/")

    assertContains(response, "Still waiting.")
    assertContains(response, "Awaiting moderation")
    assertContains(response, "Something rude.")
    assertContains(response, "Rejected: Banned word: rude")


def test_profile_hides_pending_and_rejected_comments_from_others(
    client, reader, other_reader, article, make_comment
):
    make_comment(article, reader, "Still waiting.", status=Status.PENDING)
    make_comment(
        article,
        reader,
        "Something rude.",
        status=Status.REJECTED,
        moderation_reason="Banned word: rude",
    )
    client.force_login(other_reader)

    response = client.get("/users/Paul3390/")

    assertNotContains(response, "Still waiting.")
    assertNotContains(response, "Something rude.")
    assertNotContains(response, "Banned word")


def test_profile_hides_deleted_comments(client, reader, article, make_comment):
    make_comment(article, reader, "Taken back.", status=Status.DELETED)

    response = client.get("/users/Paul3390/")

    assertNotContains(response, "Taken back.")


def test_profile_pages_through_many_comments(client, reader, article, make_comment):
    for number in range(25):
        make_comment(article, reader, f"Comment number {number:02d}.")

    first = client.get("/users/Paul3390/")
    second = client.get("/users/Paul3390/?page=2")
    garbage = client.get("/users/Paul3390/?page=x")

    assertContains(first, "Comment number 24.")
    assertNotContains(first, "Comment number 04.")
    assertContains(second, "Comment number 04.")
    assert garbage.status_code == 200


def test_reader_seen_in_the_last_five_minutes_is_online(client, reader, other_reader):
    reader.last_seen = timezone.now() - timedelta(minutes=4)
    reader.save()
    other_reader.last_seen = timezone.now() - timedelta(minutes=6)
    other_reader.save()

    online = client.get("/users/Paul3390/")
    offline = client.get("/users/Fizik13/")

    assertContains(online, "Online")
    assertNotContains(online, "Offline")
    assertContains(offline, "Offline")


def test_a_signed_in_request_marks_the_reader_online(client, reader):
    client.force_login(reader)

    response = client.get("/users/Paul3390/")

    assertContains(response, "Online")
    reader.refresh_from_db()
    assert timezone.now() - reader.last_seen < timedelta(seconds=10)


def test_last_seen_is_written_at_most_once_a_minute(client, reader):
    client.force_login(reader)

    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            client.get("/")

    assert last_seen_writes(queries) == 1


def test_last_seen_is_written_again_after_a_minute(client, reader):
    client.force_login(reader)
    client.get("/")
    User.objects.filter(pk=reader.pk).update(
        last_seen=timezone.now() - timedelta(seconds=61)
    )

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
        client.get("/")

    assert last_seen_writes(queries) == 1


def test_anonymous_requests_write_nothing(client, reader):
    with CaptureQueriesContext(connection) as queries:
        client.get("/users/Paul3390/")

    assert last_seen_writes(queries) == 0
    reader.refresh_from_db()
    assert reader.last_seen is None


def test_profile_url_in_another_case_or_look_alike_letters_leads_to_the_reader(
    client, reader
):
    response = client.get("/users/paul3390/")
    cyrillic = client.get("/users/Раul3390/")

    assertRedirects(response, "/users/Paul3390/", status_code=301)
    assertRedirects(cyrillic, "/users/Paul3390/", status_code=301)


def test_a_rejection_reason_written_as_a_sentence_ends_in_one_full_stop(
    client, reader, article, make_comment
):
    make_comment(
        article,
        reader,
        "Buy my watches.",
        status=Status.REJECTED,
        moderation_reason="Advertising is spam. ",
    )
    client.force_login(reader)

    on_article = client.get(article.get_absolute_url())
    on_profile = client.get("/users/Paul3390/")

    assertContains(on_article, "Your comment was rejected: Advertising is spam. See")
    assertContains(on_profile, "Rejected: Advertising is spam.</p>")
    assertNotContains(on_article, "spam..")
    assertNotContains(on_profile, "spam..")
