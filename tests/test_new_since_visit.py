"""New since your last visit: a signed-in reader coming back sees which
comments were published since, and a link to the first."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import ArticleVisit

pytestmark = pytest.mark.django_db


def classes(response, comment) -> str:
    html = response.content.decode()
    start = html.index(f'<li id="comment-{comment.pk}" class="') + len(
        f'<li id="comment-{comment.pk}" class="'
    )
    return html[start : html.index('"', start)]


def a_while_later(reader, article) -> None:
    """Move the clock past the visit's resolution."""
    ArticleVisit.objects.filter(reader=reader, article=article).update(
        visited_at=timezone.now() - timedelta(minutes=10)
    )


def test_comments_published_since_the_last_visit_are_new(
    signed_in, reader, other_reader, article, make_comment
):
    seen = make_comment(article, other_reader, "Read last time.")
    signed_in.get(article.get_absolute_url())
    first_new = make_comment(article, other_reader, "Written since.")
    second_new = make_comment(article, other_reader, "Also written since.")

    page = signed_in.get(article.get_absolute_url())

    assert classes(page, seen).split() == ["comment", "comment--published"]
    assert "new" in classes(page, first_new).split()
    assert "new" in classes(page, second_new).split()
    assertContains(
        page, f'<p class="new-since" id="new-since"><a href="#comment-{first_new.pk}">'
    )


def test_new_marks_end_with_the_next_visit(
    signed_in, reader, other_reader, article, make_comment
):
    make_comment(article, other_reader, "Read last time.")
    signed_in.get(article.get_absolute_url())
    since = make_comment(article, other_reader, "Written since.")
    a_while_later(reader, article)
    signed_in.get(article.get_absolute_url())

    page = signed_in.get(article.get_absolute_url())

    assert "new" not in classes(page, since).split()
    assertNotContains(page, 'id="new-since"')


def test_first_visit_marks_nothing(signed_in, other_reader, article, make_comment):
    comment = make_comment(article, other_reader)

    page = signed_in.get(article.get_absolute_url())

    assert "new" not in classes(page, comment).split()
    assertNotContains(page, 'id="new-since"')


def test_own_comments_are_not_new(
    signed_in, reader, other_reader, article, make_comment
):
    make_comment(article, other_reader)
    signed_in.get(article.get_absolute_url())
    mine = make_comment(article, reader, "My own, since.")

    page = signed_in.get(article.get_absolute_url())

    assert "new" not in classes(page, mine).split()
    assertNotContains(page, 'id="new-since"')


def test_first_new_on_another_page_is_linked_by_its_permalink(
    signed_in, reader, other_reader, article, make_comment, make_discussion
):
    make_discussion(article, [other_reader], 10)
    signed_in.get(article.get_absolute_url())
    make_discussion(article, [other_reader], 60)
    first_new = article.comments.get(number=11)

    page = signed_in.get(article.get_absolute_url() + "?sort=newest")

    assertContains(page, f'<a href="/comments/{first_new.pk}/#comment-{first_new.pk}">')


def test_visits_are_not_written_on_every_view(
    signed_in, reader, other_reader, article, make_comment
):
    make_comment(article, other_reader)
    signed_in.get(article.get_absolute_url())
    make_comment(article, other_reader)

    with CaptureQueriesContext(connection) as captured:
        signed_in.get(article.get_absolute_url())

    writes = [
        query["sql"]
        for query in captured.captured_queries
        if "comments_articlevisit" in query["sql"]
        and query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []
    assert ArticleVisit.objects.get().last_number == 1


def test_anonymous_readers_see_no_new_marks(
    client, other_reader, article, make_comment
):
    comment = make_comment(article, other_reader)

    page = client.get(article.get_absolute_url())

    assert "new" not in classes(page, comment).split()
    assert not ArticleVisit.objects.exists()
