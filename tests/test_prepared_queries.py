"""A query compiled once per connection (briefing.prepared) runs with each
call's values, converted as the ORM converts them."""

from datetime import timedelta

import pytest
from django.db.models import Count, Max, Q
from django.utils import timezone

from briefing.prepared import Parameter, PreparedQuery
from comments.models import Comment, Status

pytestmark = pytest.mark.django_db


def _comments_since() -> PreparedQuery:
    builds = []

    def build():
        builds.append(1)
        since = Parameter("since", Comment._meta.get_field("created_at"))
        return (
            Comment.objects.filter(
                Q(created_at__gte=since),
                author=Parameter("author", Comment._meta.get_field("author")),
            )
            .order_by()
            .values("author")
            .annotate(total=Count("pk"), last=Max("created_at"))
            .values("total", "last")
        )

    query = PreparedQuery(build)
    query.builds = builds
    return query


def test_a_prepared_query_is_built_once_and_runs_with_each_calls_values(
    make_comment, article, reader, other_reader
):
    old = make_comment(article, reader, status=Status.PUBLISHED)
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    new = make_comment(article, reader, status=Status.PUBLISHED)
    query = _comments_since()
    hour_ago = timezone.now() - timedelta(hours=1)

    recent = query.rows(author=reader.pk, since=hour_ago)
    everything = query.rows(author=reader.pk, since=hour_ago - timedelta(hours=2))
    nobody = query.rows(author=other_reader.pk, since=hour_ago)

    assert recent == [{"total": 1, "last": Comment.objects.get(pk=new.pk).created_at}]
    assert everything[0]["total"] == 2
    assert nobody == []
    assert len(query.builds) == 1
