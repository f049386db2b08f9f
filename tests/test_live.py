"""Live: the page learns of new comments from a tiny, shared endpoint."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from .test_query_budgets import counting_statements

pytestmark = pytest.mark.django_db


def latest(client, article):
    return client.get(f"/articles/{article.slug}/comments/latest")


def test_latest_answers_the_last_number(client, article, other_reader, make_comment):
    make_comment(article, other_reader)
    make_comment(article, other_reader)

    response = latest(client, article)

    assert response.status_code == 200
    assert response.json() == {"last": 2}


def test_latest_of_an_empty_discussion_is_zero(client, article):
    assert latest(client, article).json() == {"last": 0}


def test_latest_costs_one_statement_and_may_be_cached(
    client, article, other_reader, make_discussion
):
    make_discussion(article, [other_reader], 200)

    with counting_statements() as statements:
        response = latest(client, article)

    assert len(statements) == 1, str(statements)
    assert "public" in response["Cache-Control"]
    assert "max-age=10" in response["Cache-Control"]


def test_latest_of_an_unpublished_article_is_not_found(client, make_article):
    draft = make_article("draft", published_at=timezone.now() + timedelta(days=1))

    assert latest(client, draft).status_code == 404


def test_article_page_tells_the_script_where_to_ask(client, article):
    response = client.get(article.get_absolute_url())

    assertContains(
        response,
        f'data-latest-url="/articles/{article.slug}/comments/latest" data-last-number="0"',
    )
