"""A long discussion: pages of 50, oldest first, numbered across pages, and an
article page whose cost does not grow with the number of comments."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment, Status

pytestmark = pytest.mark.django_db


def number(n: int) -> str:
    return f'<span class="comment__number">{n}.</span>'


@pytest.fixture
def discussion(article, reader, other_reader):
    """120 comments a second apart, some deleted by their authors (the 6th,
    23rd, 40th, ...), each answering the one before."""
    start = timezone.now() - timedelta(hours=1)
    comments = Comment.objects.bulk_create(
        Comment(
            article=article,
            author=(reader, other_reader)[n % 2],
            body=f"Comment at second {n:03d}.",
            status=Status.DELETED if n % 17 == 5 else Status.PUBLISHED,
            created_at=start + timedelta(seconds=n),
            number=n + 1,
        )
        for n in range(120)
    )
    for earlier, later in itertools.pairwise(comments):
        later.reply_to = earlier
    Comment.objects.bulk_update(comments[1:], ["reply_to"])
    return comments


def test_first_page_holds_the_oldest_fifty(client, article, discussion):
    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert html.index("Comment at second 000.") < html.index("Comment at second 001.")
    assertContains(response, number(1))
    assertContains(response, number(50))
    assertNotContains(response, number(51))
    assertContains(response, "Comment at second 049.")
    assertNotContains(response, "Comment at second 050.")
    assertContains(response, "Page 1 of 3")
    assertContains(response, 'href="?page=2#comments"')


def test_numbering_runs_on_across_pages(client, article, discussion):
    second = client.get(f"{article.get_absolute_url()}?page=2")
    third = client.get(f"{article.get_absolute_url()}?page=3")

    assertContains(second, number(51))
    assertContains(second, "Comment at second 050.")
    assertContains(second, number(100))
    assertNotContains(second, number(50))
    assertContains(third, number(101))
    assertContains(third, number(120))
    assertContains(third, "Comment at second 119.")


def test_deleted_placeholders_keep_their_numbers(client, article, discussion):
    response = client.get(article.get_absolute_url())

    deleted = discussion[22]
    assertContains(
        response,
        f'<li id="comment-{deleted.pk}" class="comment comment--deleted">',
    )
    assertContains(response, "This comment was deleted by its author.", count=3)
    assertContains(response, number(23))
    assertNotContains(response, "Comment at second 022.")


def test_the_first_reply_on_a_page_links_back_to_the_page_before(
    client, article, discussion
):
    response = client.get(f"{article.get_absolute_url()}?page=2")

    previous = discussion[49]
    assertContains(
        response,
        f'In reply to <a href="/comments/{previous.pk}/#comment-{previous.pk}">',
    )


@pytest.mark.parametrize(
    "page",
    [
        "",
        "0",
        "-1",
        "4",
        "last",
        "abc",
        "1.5",
        "1e3",
        "99999999999999999999999999",
        "%F0%9F%92%A9",
        "2%27%20OR%201=1",
    ],
)
def test_any_page_value_answers_a_page(client, article, discussion, page):
    response = client.get(f"{article.get_absolute_url()}?page={page}")

    assert response.status_code == 200
    assertContains(response, 'id="comments"')


def test_a_nul_byte_in_the_page_number_is_no_crash(client, article, discussion):
    response = client.get(f"{article.get_absolute_url()}?page=1%00")

    assert response.status_code < 500


def test_a_page_past_the_end_shows_the_last_page(client, article, discussion):
    response = client.get(f"{article.get_absolute_url()}?page=99")

    assertContains(response, "Page 3 of 3")
    assertContains(response, number(120))


@pytest.mark.parametrize(
    ("index", "page"), [(0, ""), (49, ""), (50, "?page=2"), (119, "?page=3")]
)
def test_permalink_redirects_to_the_page_and_anchor(
    client, article, discussion, index, page
):
    comment = discussion[index]

    response = client.get(f"/comments/{comment.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/articles/oil-and-gas/{page}#comment-{comment.pk}"
    landing = client.get(response["Location"])
    assertContains(landing, f'id="comment-{comment.pk}"')


def test_permalink_of_a_deleted_comment_finds_its_placeholder(
    client, article, discussion
):
    deleted = discussion[73]

    response = client.get(f"/comments/{deleted.pk}/")

    assert response["Location"] == f"/articles/oil-and-gas/?page=2#comment-{deleted.pk}"


def test_permalink_of_a_pending_comment_is_for_its_author_only(
    client, article, reader, other_reader, make_comment
):
    pending = make_comment(article, reader, "Waiting.", status=Status.PENDING)

    anonymous = client.get(f"/comments/{pending.pk}/")
    client.force_login(other_reader)
    other = client.get(f"/comments/{pending.pk}/")
    client.force_login(reader)
    own = client.get(f"/comments/{pending.pk}/")

    assert anonymous.status_code == other.status_code == 404
    assert own["Location"] == f"/articles/oil-and-gas/#comment-{pending.pk}"


def test_permalink_under_a_draft_or_of_nothing_is_not_found(
    client, make_article, reader, make_comment
):
    draft = make_article("draft", published_at=None)
    hidden = make_comment(draft, reader, "Under a draft.")

    assert client.get(f"/comments/{hidden.pk}/").status_code == 404
    assert client.get("/comments/999999/").status_code == 404
    assert client.get("/comments/99999999999999999999999/").status_code == 404


def test_own_pending_comment_shows_on_every_page(
    client, article, discussion, reader, make_comment
):
    pending = make_comment(article, reader, "Mine, waiting.", status=Status.PENDING)
    client.force_login(reader)

    for page in ("", "?page=2", "?page=3"):
        response = client.get(f"{article.get_absolute_url()}{page}")

        assertContains(response, f'id="comment-{pending.pk}"')
        assertContains(response, "Your comment is awaiting moderation.")


# The article page's cost, in SQL queries, with 10 and 1,000 comments.


@pytest.fixture
def long_and_short(make_article, make_discussion, reader, other_reader, make_reader):
    """Two articles, with 10 and with 1,000 comments by five authors, some
    online, some deleted, each replying to the one before; the reader has a
    pending comment and recent (editable) comments under both."""
    authors = [reader, other_reader] + [
        make_reader(f"author{n}", f"Author {n}", last_seen=timezone.now())
        for n in range(3)
    ]
    articles = []
    for slug, size in (("short", 10), ("long", 1000)):
        article = make_article(slug)
        # Ten minutes ago: the reader's own comments can still be edited.
        make_discussion(
            article, authors, size, start=timezone.now() - timedelta(minutes=10)
        )
        Comment.objects.create(
            article=article, author=reader, body="Pending.", status=Status.PENDING
        )
        articles.append(article)
    return articles


def queries_of(client, url) -> int:
    # Warm up first: the moderation settings and the session are cached, and
    # "last seen" is written at most once a minute.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_article_page_costs_the_same_with_10_and_1000_comments(
    client, reader, long_and_short, django_assert_num_queries, who
):
    short, long = long_and_short
    if who == "reader":
        client.force_login(reader)
    expected = queries_of(client, short.get_absolute_url())
    # Warmed alike: an anonymous reader's page of comments comes from the cache.
    client.get(long.get_absolute_url())

    with django_assert_num_queries(expected):
        response = client.get(long.get_absolute_url())

    assertContains(response, "Page 1 of 20")
    if who == "reader":
        assertContains(response, "Pending.")
        assertContains(response, "/edit/")


def test_a_later_page_costs_the_same_as_the_first(
    client, reader, long_and_short, django_assert_num_queries
):
    _, long = long_and_short
    client.force_login(reader)
    expected = queries_of(client, long.get_absolute_url())

    with django_assert_num_queries(expected):
        response = client.get(f"{long.get_absolute_url()}?page=17")

    assertContains(response, number(801))
