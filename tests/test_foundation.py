from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from briefing.models import Article
from comments.models import Comment

pytestmark = pytest.mark.django_db

DEMO_SLUG = "russia-enters-the-oil-and-gas-sector-of-the-dprk"


def test_demo_content_loads_the_seed_article_and_its_eight_comments(client):
    call_command("load_demo")

    response = client.get(f"/articles/{DEMO_SLUG}/")

    assertContains(response, "Russia enters the oil and gas sector of the DPRK")
    assertContains(response, "Used photos:")
    assertContains(response, "<figcaption>— he specified.</figcaption>", html=True)
    html = response.content.decode()
    for number in range(1, 9):
        assert f'<span class="comment__number">{number}.</span>' in html
    assert '>Paul3390</a> <span class="comment__name">(Paul)</span>' in html
    assertContains(response, "11 February 2024 15:30")
    assertContains(response, "12 February 2024 23:34")
    assertContains(response, "Offline", count=8)
    assertContains(response, "Long overdue!<br>It is necessary to develop")


def test_demo_content_loads_twice_without_duplicates():
    call_command("load_demo")
    call_command("load_demo")

    assert Article.objects.count() == 1
    assert Comment.objects.count() == 8


def test_front_page_lists_published_articles_newest_first_with_counts(
    client, make_article, make_comment, reader
):
    older = make_article("older", title="Older piece")
    make_article(
        "newer",
        title="Newer piece",
        published_at=older.published_at + timedelta(minutes=5),
    )
    make_comment(older, reader)
    make_comment(older, reader, status="pending")

    response = client.get("/")

    html = response.content.decode()
    assert html.index("Newer piece") < html.index("Older piece")
    assertContains(response, "1 comment<")


def test_drafts_and_scheduled_articles_stay_hidden(client, make_article):
    make_article("draft", title="A draft", published_at=None)
    make_article(
        "scheduled",
        title="Scheduled",
        published_at=timezone.now() + timedelta(days=1),
    )

    assertNotContains(client.get("/"), "A draft")
    assert client.get("/articles/draft/").status_code == 404
    assert client.get("/articles/scheduled/").status_code == 404


@pytest.fixture
def twelve_articles(make_article):
    start = timezone.now() - timedelta(days=1)
    return [
        make_article(
            f"piece-{n}", title=f"Piece {n}", published_at=start + timedelta(minutes=n)
        )
        for n in range(12)
    ]


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("abc", "Page 1 of 2"),
        ("0", "Page 2 of 2"),
        ("-1", "Page 2 of 2"),
        ("99", "Page 2 of 2"),
        ("2", "Page 2 of 2"),
    ],
)
def test_front_page_answers_any_page_number_like_the_article(
    client, twelve_articles, make_discussion, reader, page, shown
):
    article = twelve_articles[0]
    make_discussion(article, [reader], 60)

    front = client.get(f"/?page={page}")
    discussion = client.get(f"{article.get_absolute_url()}?page={page}")

    assertContains(front, shown)
    assertContains(discussion, shown)
