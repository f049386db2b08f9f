"""Query budgets of the busiest pages, whatever the size of the discussion.

A budget counts the statements that read or write data: the transaction
control that SQLite's IMMEDIATE mode adds (BEGIN, SAVEPOINT, RELEASE, COMMIT)
is not work the page asks for, and PostgreSQL records no BEGIN at all, so
counting it would make the same page cost differently on the two databases.

Each page is requested once before it is measured: the moderation settings
and the session live in the shared cache, and a reader's "last seen" is
written at most once a minute, so the first request after a cleared cache
is not what readers pay.
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from briefing import shared_pages
from comments import moderation
from comments.models import Comment, ModerationSettings, Status
from notifications.delivery import forget_unread_count, notify
from notifications.models import Kind

pytestmark = pytest.mark.django_db

# The article, the page of comments, the featured comments.
ANONYMOUS_ARTICLE_BUDGET = 3
# An article page anonymous readers already share (briefing/shared_pages.py):
# the cache alone, not even the article.
CACHED_ANONYMOUS_ARTICLE_BUDGET = 0
# The session's user, the article, the page (with the reader's respects),
# the featured comments, their own unpublished comments and their sanctions;
# the contract allows 7.
SIGNED_IN_ARTICLE_BUDGET = 6
# A reply on PostgreSQL: the reader's standing, the answered comment, the
# article's row lock and its last number (numbers are given in publication
# order), the insert, the article's counter of the 5-minute window (the
# surge brake, comments/surge.py), and the session; SQLite needs no lock
# statement.
POSTING_BUDGET = 8
# A reply also notifies the author it answers, unless they ignore its author:
# that check, their notification's row, and after the commit the row of the
# task that mails it.
REPLY_POSTING_BUDGET = POSTING_BUDGET + 3

_TRANSACTION_CONTROL = re.compile(
    r"^\s*(BEGIN|SAVEPOINT|RELEASE|COMMIT|ROLLBACK)\b", re.IGNORECASE
)


class DataStatements:
    """The statements run inside a `counting_statements()` block, less
    transaction control."""

    def __init__(self, captured: CaptureQueriesContext):
        self._captured = captured

    @property
    def sql(self) -> list[str]:
        return [
            query["sql"]
            for query in self._captured.captured_queries
            if not _TRANSACTION_CONTROL.match(query["sql"])
        ]

    def __len__(self) -> int:
        return len(self.sql)

    def __str__(self) -> str:
        return "\n".join(f"{n}. {sql}" for n, sql in enumerate(self.sql, start=1))


@contextmanager
def counting_statements() -> Iterator[DataStatements]:
    with CaptureQueriesContext(connection) as captured:
        yield DataStatements(captured)


def test_counting_statements_ignores_transaction_control(reader):
    with counting_statements() as statements, connection.cursor() as cursor:
        cursor.execute("SAVEPOINT budget")
        cursor.execute("SELECT 1")
        cursor.execute("RELEASE SAVEPOINT budget")

    assert statements.sql == ["SELECT 1"]


@pytest.fixture
def authors(make_reader):
    seen = timezone.now()
    return [
        make_reader(f"author{n}", f"Author {n}", last_seen=seen if n % 2 else None)
        for n in range(5)
    ]


SORTS = ["oldest", "newest", "respected"]
# The sizes the contract measures a discussion at.
SIZES = [50, 500, 5000]


def _article_page_statements(client, article, sort="") -> DataStatements:
    url = article.get_absolute_url() + (f"?sort={sort}" if sort else "")
    client.get(url)
    with counting_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("size", SIZES)
def test_anonymous_article_page_within_budget(
    make_discussion,
    client,
    make_article,
    authors,
    size,
    sort,
    django_capture_on_commit_callbacks,
):
    article = make_article()
    make_discussion(article, authors, size)
    url = f"{article.get_absolute_url()}?sort={sort}"
    client.get(url)
    # A comment changed since: the shared page of comments is rendered afresh.
    with django_capture_on_commit_callbacks(execute=True):
        shared_pages.changed(article.pk)

    with counting_statements() as statements:
        response = client.get(url)

    assert response.status_code == 200
    assert len(statements) <= ANONYMOUS_ARTICLE_BUDGET, str(statements)


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("size", SIZES)
def test_cached_anonymous_article_page_within_budget(
    make_discussion, client, make_article, authors, size, sort
):
    article = make_article()
    make_discussion(article, authors, size)

    statements = _article_page_statements(client, article, sort)

    assert len(statements) <= CACHED_ANONYMOUS_ARTICLE_BUDGET, str(statements)


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("size", SIZES)
def test_signed_in_article_page_within_budget(
    make_discussion, signed_in, reader, make_article, make_comment, authors, size, sort
):
    article = make_article()
    make_discussion(article, authors, size)
    make_comment(article, reader, "Mine, awaiting moderation.", Status.PENDING)

    statements = _article_page_statements(signed_in, article, sort)

    assert len(statements) <= SIGNED_IN_ARTICLE_BUDGET, str(statements)


def test_unread_count_costs_the_signed_in_page_one_statement_when_not_cached(
    make_discussion, signed_in, reader, other_reader, make_article, authors
):
    article = make_article()
    make_discussion(article, authors, 10)
    notify(reader, Kind.REPLY, actor=other_reader, text="A reply", url="/")
    cached = _article_page_statements(signed_in, article)
    forget_unread_count(reader.pk)

    with counting_statements() as fresh:
        signed_in.get(article.get_absolute_url())

    assert len(fresh) == len(cached) + 1, str(fresh)
    assert any("notifications_notification" in sql for sql in fresh.sql)


@pytest.mark.parametrize("sort", SORTS)
def test_article_page_costs_the_same_with_50_and_5000_comments(
    make_discussion, client, reader, make_article, authors, sort
):
    small, large = make_article("small"), make_article("large")
    make_discussion(small, authors, 50)
    make_discussion(large, authors, 5000)
    client.force_login(reader)

    counts = [len(_article_page_statements(client, a, sort)) for a in (small, large)]
    client.logout()
    anonymous = [len(_article_page_statements(client, a, sort)) for a in (small, large)]

    assert counts[0] == counts[1]
    assert anonymous[0] == anonymous[1]


@pytest.fixture
def moderated_discussion(make_discussion, make_article, authors, moderator, committing):
    """A long discussion of which moderators removed some comments: the
    moderation note is counted again after the last removal commits."""
    article = make_article()
    comments = make_discussion(article, authors, 1000)
    ModerationSettings.current()
    with committing():
        # The first 30, one of which its author deleted.
        for comment in comments[:30]:
            moderation.reject(comment, moderator, "", "spam")
    return article


def test_anonymous_article_page_with_moderation_note_within_budget(
    moderated_discussion, client
):
    with counting_statements() as statements:
        response = client.get(moderated_discussion.get_absolute_url())

    assertContains(response, "29 comments removed by moderators: 29 spam.")
    assert len(statements) <= ANONYMOUS_ARTICLE_BUDGET, str(statements)


def test_signed_in_article_page_with_moderation_note_within_budget(
    moderated_discussion, signed_in, moderator, committing
):
    signed_in.get(moderated_discussion.get_absolute_url())
    with committing():
        moderation.reject(
            moderated_discussion.comments.get(number=31), moderator, "", "abuse"
        )

    with counting_statements() as statements:
        response = signed_in.get(moderated_discussion.get_absolute_url())

    assertContains(
        response, "30 comments removed by moderators: 29 spam, 1 abuse or harassment."
    )
    assert len(statements) <= SIGNED_IN_ARTICLE_BUDGET, str(statements)


def test_moderation_note_counted_when_the_cache_lost_it_within_budget(
    moderated_discussion, client
):
    # The cache lost everything; the moderation settings, which every page
    # reads, are back first.
    cache.clear()
    ModerationSettings.current()

    with counting_statements() as statements:
        response = client.get(moderated_discussion.get_absolute_url())

    assertContains(response, "29 comments removed by moderators: 29 spam.")
    assert len(statements) <= ANONYMOUS_ARTICLE_BUDGET, str(statements)


def test_later_page_of_a_long_discussion_within_budget(
    make_discussion, client, make_article, authors
):
    article = make_article()
    make_discussion(article, authors, 1000)
    url = f"{article.get_absolute_url()}?page=15"
    client.get(url)

    with counting_statements() as statements:
        response = client.get(url)

    assert response.status_code == 200
    assert len(statements) <= ANONYMOUS_ARTICLE_BUDGET, str(statements)


def test_posting_a_comment_within_budget(
    make_discussion, signed_in, article, authors, no_new_reader_premoderation
):
    make_discussion(article, authors, 100)
    url = reverse("comments:post", args=[article.slug])
    signed_in.post(url, {"body": "Warming up.", "idempotency_key": uuid.uuid4()})

    with counting_statements() as statements:
        response = signed_in.post(
            url, {"body": "Within budget.", "idempotency_key": uuid.uuid4()}
        )

    assert response.status_code == 302
    assert Comment.objects.filter(body="Within budget.").exists()
    assert len(statements) <= POSTING_BUDGET, str(statements)


def test_posting_a_reply_within_budget(
    make_discussion,
    signed_in,
    article,
    authors,
    no_new_reader_premoderation,
    django_capture_on_commit_callbacks,
):
    make_discussion(article, authors, 100)
    answered = Comment.objects.published().last()
    url = reverse("comments:post", args=[article.slug])
    signed_in.post(url, {"body": "Warming up.", "idempotency_key": uuid.uuid4()})

    with (
        counting_statements() as statements,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = signed_in.post(
            url,
            {
                "body": "A reply.",
                "reply_to": answered.pk,
                "idempotency_key": uuid.uuid4(),
            },
        )

    assert response.status_code == 302
    assert Comment.objects.get(body="A reply.").reply_to == answered
    assert len(statements) <= REPLY_POSTING_BUDGET, str(statements)


def test_front_page_cost_does_not_grow_with_articles_or_comments(
    make_discussion, client, make_article, authors
):
    counts = []
    for batch in range(2):
        for n in range(12):
            article = make_article(f"article-{batch}-{n}")
            make_discussion(article, authors, 5 + 20 * batch)
        client.get("/")
        with counting_statements() as statements:
            response = client.get("/")
        assert response.status_code == 200
        counts.append(len(statements))

    assert counts[0] == counts[1]
    assert counts[1] <= 3
