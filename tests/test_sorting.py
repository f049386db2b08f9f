"""The discussion in the reader's order: oldest first (the default), newest
first or most respected, every comment under its oldest-first number."""

import itertools
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment, Status

pytestmark = pytest.mark.django_db


def numbers(response) -> list[int]:
    """The comment numbers of a page, in the order it shows them."""
    return [
        int(n)
        for n in re.findall(
            r'<span class="comment__number">(\d+)\.</span>', response.content.decode()
        )
    ]


@pytest.fixture
def discussion(article, reader, other_reader):
    """120 comments, the 3rd, 70th and 100th the most respected, in that order."""
    start = timezone.now() - timedelta(hours=1)
    respects = {3: 9, 70: 7, 100: 5}
    comments = Comment.objects.bulk_create(
        Comment(
            article=article,
            author=(reader, other_reader)[n % 2],
            body=f"Comment at second {n:03d}.",
            status=Status.PUBLISHED,
            created_at=start + timedelta(seconds=n),
            number=n,
            respect_count=respects.get(n, 0),
        )
        for n in range(1, 121)
    )
    for earlier, later in itertools.pairwise(comments):
        later.reply_to = earlier
    Comment.objects.bulk_update(comments[1:], ["reply_to"])
    return comments


def test_sort_oldest_is_the_default(client, article, discussion):
    default = client.get(article.get_absolute_url())
    oldest = client.get(f"{article.get_absolute_url()}?sort=oldest")

    assert numbers(default) == numbers(oldest) == list(range(1, 51))


def test_sort_newest_pages_keep_their_numbers(client, article, discussion):
    url = f"{article.get_absolute_url()}?sort=newest"

    first = client.get(url)
    third = client.get(f"{url}&page=3")

    assert numbers(first) == list(range(120, 70, -1))
    assert numbers(third) == list(range(20, 0, -1))
    assertContains(first, 'href="?sort=newest&amp;page=2#comments"')
    assertContains(third, "Page 3 of 3")


def test_sort_respected_puts_the_most_respected_first(client, article, discussion):
    url = f"{article.get_absolute_url()}?sort=respected"

    first = client.get(url)
    second = client.get(f"{url}&page=2")

    shown = numbers(first)
    assert shown[:3] == [3, 70, 100]
    assert shown[3:] == [n for n in range(1, 51) if n != 3][:47]
    assert numbers(second)[0] == 49
    assert len(set(numbers(first)) | set(numbers(second))) == 100


def test_sort_links_mark_the_current_order(client, article, discussion):
    response = client.get(f"{article.get_absolute_url()}?sort=newest")

    assertContains(
        response, '<a href="?sort=newest#comments" aria-current="true">Newest first</a>'
    )
    assertContains(response, '<a href="?sort=respected#comments">Most respected</a>')


def test_sort_unknown_is_oldest(client, article, discussion):
    response = client.get(f"{article.get_absolute_url()}?sort=%3Cscript%3E")

    assert response.status_code == 200
    assert numbers(response)[:2] == [1, 2]
    assertNotContains(response, "<script>", status_code=200)


def test_sort_is_remembered_for_the_next_visit(client, article, discussion):
    client.get(f"{article.get_absolute_url()}?sort=newest")

    later = client.get(article.get_absolute_url())

    assert numbers(later)[0] == 120
    assert client.cookies["comment_sort"].value == "newest"


def test_sort_is_remembered_for_a_signed_in_reader(signed_in, article, discussion):
    signed_in.get(f"{article.get_absolute_url()}?sort=respected")

    later = signed_in.get(article.get_absolute_url())

    assert numbers(later)[:3] == [3, 70, 100]


def test_link_to_a_comments_page_is_oldest_first_whatever_the_choice(
    client, article, discussion
):
    client.get(f"{article.get_absolute_url()}?sort=newest")

    response = client.get(f"{article.get_absolute_url()}?page=2")

    assert numbers(response) == list(range(51, 101))


def test_shared_pages_are_kept_per_sort(article, discussion):
    first, second = Client(), Client()
    first.get(f"{article.get_absolute_url()}?sort=newest")

    oldest = second.get(article.get_absolute_url())
    newest = first.get(article.get_absolute_url())
    newest_again = Client().get(f"{article.get_absolute_url()}?sort=newest")

    assert numbers(oldest)[0] == 1
    assert numbers(newest)[0] == 120
    assert numbers(newest_again)[0] == 120
