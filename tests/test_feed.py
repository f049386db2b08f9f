"""The articles' feed: each item links to its discussion and counts it."""

import xml.etree.ElementTree as ElementTree

import pytest

from comments.models import Status

pytestmark = pytest.mark.django_db

SLASH = "{http://purl.org/rss/1.0/modules/slash/}"


def feed_items(client) -> dict[str, ElementTree.Element]:
    response = client.get("/feeds/articles/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    return {item.findtext("title"): item for item in channel.iter("item")}


def test_feed_counts_each_articles_published_comments(
    client, make_article, make_comment, reader, other_reader
):
    discussed = make_article("discussed", title="Discussed")
    quiet = make_article("quiet", title="Quiet")
    make_comment(discussed, reader, "Published one.")
    make_comment(discussed, other_reader, "Published two.")
    make_comment(discussed, reader, "Waiting.", Status.PENDING)
    make_comment(discussed, reader, "Removed.", Status.REJECTED)
    make_comment(discussed, reader, "Taken back.", Status.DELETED)

    items = feed_items(client)

    assert items[discussed.title].findtext(f"{SLASH}comments") == "2"
    assert items[quiet.title].findtext(f"{SLASH}comments") == "0"
    assert items[discussed.title].findtext("comments") == (
        f"http://testserver{discussed.get_absolute_url()}#comments"
    )


def test_feed_reads_its_counts_in_one_statement(
    client, make_article, make_comment, reader, django_assert_max_num_queries
):
    for n in range(5):
        make_comment(make_article(f"n{n}", title=f"Article {n}"), reader, "A comment.")

    with django_assert_max_num_queries(1):
        feed_items(client)
