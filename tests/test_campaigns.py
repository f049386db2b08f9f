"""Campaign repeats: the same text from three or more readers within ten
minutes is held for a moderator as a likely campaign."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains

from comments.models import Comment, Rule, Status, text_fingerprint
from tests.conftest import post

pytestmark = pytest.mark.django_db

TEXT = "Everyone should vote for the Party of Progress tomorrow."


@pytest.fixture
def readers(make_reader, no_new_reader_premoderation):
    clients = []
    for n in range(3):
        client = Client()
        client.force_login(make_reader(f"voter{n}", f"Voter {n}"))
        clients.append(client)
    return clients


def test_same_text_from_three_readers_is_held_as_a_campaign(readers, article):
    post(readers[0], article, TEXT)
    post(readers[1], article, TEXT)

    post(readers[2], article, TEXT)

    third = Comment.objects.get(author__username="voter2")
    assert (third.status, third.rule) == (Status.PENDING, Rule.CAMPAIGN)
    assert "3 readers" in third.moderation_reason
    assert third.events.get().rule == Rule.CAMPAIGN
    assertContains(
        readers[2].get(article.get_absolute_url()),
        "Your comment is awaiting moderation.",
    )


def test_campaign_holds_what_it_already_published(readers, article):
    post(readers[0], article, TEXT)
    post(readers[1], article, TEXT)

    post(readers[2], article, TEXT)

    assert set(Comment.objects.values_list("status", "rule")) == {
        (Status.PENDING, Rule.CAMPAIGN)
    }
    page = Client().get(article.get_absolute_url())
    assertContains(page, "This comment is held for review.", count=2)


def test_campaign_text_matches_as_the_word_rules_compare(readers, article):
    post(readers[0], article, TEXT)
    post(readers[1], article, TEXT.upper())

    # Cyrillic "о" for Latin "o", spacing changed.
    post(
        readers[2], article, "Everyone  should vote for the Party оf Progress tomorrow"
    )

    assert Comment.objects.get(author__username="voter2").rule == Rule.CAMPAIGN


def test_same_text_from_two_readers_is_no_campaign(readers, article):
    post(readers[0], article, TEXT)

    post(readers[1], article, TEXT)

    assert set(Comment.objects.values_list("status", flat=True)) == {Status.PUBLISHED}


def test_same_text_older_than_ten_minutes_is_no_campaign(
    readers, article, make_reader, make_comment
):
    long_ago = timezone.now() - timedelta(minutes=11)
    for n in range(2):
        make_comment(
            article,
            make_reader(f"earlier{n}", f"Earlier {n}"),
            TEXT,
            created_at=long_ago,
            fingerprint=text_fingerprint(TEXT),
        )

    post(readers[0], article, TEXT)

    assert Comment.objects.get(author__username="voter0").status == Status.PUBLISHED


def test_one_reader_twice_and_another_is_no_campaign(readers, article, make_article):
    # The same reader's repeat is refused, not counted as a second reader.
    post(readers[0], article, TEXT)
    post(readers[0], make_article(slug="other"), TEXT)

    post(readers[1], article, TEXT)

    assert Comment.objects.count() == 2
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
