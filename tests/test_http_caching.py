"""Validators and caching headers of anonymous pages (PRODUCT.md, "Serving
at scale"): an ETag made of the versions of what the page shows
(briefing/shared_pages.py), a 304 for an unchanged page without a database
statement, `public` only for pages every anonymous reader shares, never for
a signed-in reader or a response that sets a cookie."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from briefing import shared_pages
from comments import moderation
from comments.models import ModerationSettings, Status
from tests.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _long_validity(settings):
    # Validators also change every BRIEFING_SHARED_PAGE_SECONDS (what no
    # change announces): keep that out of the way of a test's few requests.
    settings.BRIEFING_SHARED_PAGE_SECONDS = 3600


@pytest.fixture
def pages(article, reader, make_comment):
    make_comment(article, reader, "The first comment.")
    return {
        "front page": reverse("briefing:front_page"),
        "article": article.get_absolute_url(),
        "article, second page": article.get_absolute_url() + "?page=2",
        "article, newest first": article.get_absolute_url() + "?sort=newest",
        "profile": reverse("accounts:profile", args=[reader.username]),
        "feed": reverse("briefing:feed"),
    }


def etag_of(client, url, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    assert response.has_header("ETag"), url
    return response["ETag"]


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize(
    "page",
    ["front page", "article", "article, second page", "profile", "feed"],
)
def test_anonymous_pages_may_be_kept_briefly_by_shared_caches(client, pages, page):
    response = client.get(pages[page])

    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert cache_control(response) == {
        "public",
        "max-age=0",
        f"s-maxage={shared_pages.SHARED_CACHE_SECONDS}",
        f"stale-while-revalidate={shared_pages.STALE_WHILE_REVALIDATE_SECONDS}",
    }
    vary = {part.strip().lower() for part in response["Vary"].split(",")}
    assert {"cookie", "accept-language"} <= vary
    assert not response.cookies


@pytest.mark.parametrize(
    "page",
    ["front page", "article", "article, second page", "profile", "feed"],
)
def test_unchanged_page_answers_304_without_a_database_statement(client, pages, page):
    url = pages[page]
    etag = etag_of(client, url)

    with CaptureQueriesContext(connection) as statements:
        response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert statements.captured_queries == []
    assert response["ETag"] == etag
    assert "public" in cache_control(response)
    assert response.content == b""


def test_a_weak_validator_from_a_compressing_proxy_matches(client, pages):
    # nginx's gzip turns the ETag weak (W/"..."): it still names the page.
    etag = etag_of(client, pages["article"])

    response = client.get(pages["article"], headers={"If-None-Match": f"W/{etag}"})

    assert response.status_code == 304


def test_a_validator_answers_only_for_its_own_page(client, pages, make_article):
    etag = etag_of(client, pages["article"])
    other = make_article("another-story").get_absolute_url()

    for url in [other, pages["article, second page"], pages["front page"]]:
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_a_made_up_validator_gets_the_page(client, pages):
    for etag in ['"1-00000000000000000000000000000000"', '"x"', "*garbage", '"99-a"']:
        response = client.get(pages["article"], headers={"If-None-Match": etag})
        assert response.status_code == 200


# Each kind of change to what the pages show, through the way the site makes
# it; each must give the page it changes a new validator.


def _new_comment(article, reader, make_comment, **_):
    client = Client()
    client.force_login(reader)
    response = post(client, article, "A second comment, posted just now.")
    assert response.status_code in (302, 303)


def _comment_edited(article, reader, comment, **_):
    client = Client()
    client.force_login(reader)
    response = client.post(
        reverse("comments:edit", args=[comment.pk]), {"body": "The edited comment."}
    )
    assert response.status_code in (302, 303)


def _comment_rejected(comment, moderator, **_):
    assert moderation.reject(comment, moderator, "Off topic.")


def _article_edited(article, **_):
    article.title = "A corrected title"
    article.save()


def _commenting_paused(**_):
    settings = ModerationSettings.current()
    settings.comments_paused = True
    settings.save()


def _discussion_closed(article, **_):
    article.comments_open = False
    article.save()


CHANGES = {
    "new comment": _new_comment,
    "comment edited": _comment_edited,
    "comment rejected": _comment_rejected,
    "article edited": _article_edited,
    "commenting paused site-wide": _commenting_paused,
    "discussion closed": _discussion_closed,
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_to_the_article_page_renews_its_validator(
    client,
    article,
    reader,
    moderator,
    make_comment,
    no_new_reader_premoderation,
    committing,
    change,
):
    comment = make_comment(article, reader, "The first comment.")
    url = article.get_absolute_url()
    before = etag_of(client, url)

    with committing():
        CHANGES[change](
            article=article,
            reader=reader,
            moderator=moderator,
            comment=comment,
            make_comment=make_comment,
        )

    response = client.get(url, headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response["ETag"] != before


@pytest.mark.parametrize(
    "change", ["new comment", "comment rejected", "article edited"]
)
@pytest.mark.parametrize("page", ["front page", "profile", "feed"])
def test_changes_renew_the_validators_of_pages_of_many_articles(
    client,
    pages,
    article,
    reader,
    moderator,
    no_new_reader_premoderation,
    committing,
    make_comment,
    change,
    page,
):
    comment = article.comments.get()
    before = etag_of(client, pages[page])

    with committing():
        CHANGES[change](
            article=article,
            reader=reader,
            moderator=moderator,
            comment=comment,
            make_comment=make_comment,
        )

    assert etag_of(client, pages[page]) != before


def test_the_validator_changes_with_time_for_what_no_change_announces(
    client, pages, settings, monkeypatch
):
    # Authors' Online/Offline, a discussion closing at its time: the page's
    # validator lasts no longer than its shared copy would.
    settings.BRIEFING_SHARED_PAGE_SECONDS = 60
    clock = [1_800_000_000.0]
    monkeypatch.setattr(shared_pages, "_clock", lambda: clock[0])
    before = etag_of(client, pages["article"])

    clock[0] += 61

    assert etag_of(client, pages["article"]) != before


@pytest.mark.parametrize("page", ["front page", "article", "profile"])
def test_each_language_has_its_own_validator(client, pages, page):
    english = etag_of(client, pages[page], accept_language="en")
    russian = etag_of(client, pages[page], accept_language="ru")
    client.cookies["django_language"] = "ru"
    chosen = etag_of(client, pages[page], accept_language="en")

    assert english != russian
    assert chosen == russian
    response = client.get(
        pages[page], headers={"If-None-Match": english, "Accept-Language": "en"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "page",
    ["front page", "article", "article, newest first", "profile", "feed"],
)
def test_signed_in_pages_are_never_public(signed_in, pages, page):
    signed_in.get(pages[page])
    response = signed_in.get(pages[page])

    assert response.status_code == 200
    assert "private" in cache_control(response)
    assert "public" not in cache_control(response)
    assert not any(part.startswith("s-maxage") for part in cache_control(response))


def test_signed_in_reader_gets_no_304_for_an_anonymous_validator(signed_in, pages):
    etag = etag_of(Client(), pages["article"])

    response = signed_in.get(pages["article"], headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert b"Sign out" in response.content or b"sign out" in response.content.lower()


def test_a_response_that_sets_a_cookie_is_never_public(client, pages):
    # Picking an order remembers it in a cookie.
    response = client.get(pages["article, newest first"])

    assert response.cookies
    assert "public" not in cache_control(response)
    assert "private" in cache_control(response)


def test_a_waiting_message_makes_the_page_the_readers_own(client, pages, reader):
    client.force_login(reader)
    client.post(reverse("account_logout"))
    # "You have signed out." waits in the messages cookie.
    response = client.get(pages["front page"])

    assert "public" not in cache_control(response)
    assert not response.has_header("ETag")


def test_pages_of_ones_own_are_left_as_they_were(client):
    response = client.get(reverse("account_login"))

    assert "public" not in cache_control(response)
    assert not response.has_header("ETag")


def test_a_removed_comment_is_gone_for_a_conditional_reader(
    client, article, reader, moderator, make_comment, committing
):
    comment = make_comment(article, reader, "Soon to be removed.", Status.PUBLISHED)
    etag = etag_of(client, article.get_absolute_url())

    with committing():
        moderation.reject(comment, moderator, "Abuse.")

    response = client.get(article.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert b"Soon to be removed." not in response.content


def test_what_is_the_same_for_everyone_stays_in_a_signed_in_browser_only(
    signed_in, article
):
    response = signed_in.get(f"/articles/{article.slug}/comments/latest")

    assert response.status_code == 200
    assert "private" in cache_control(response)
    assert "public" not in cache_control(response)
    assert any(part.startswith("max-age=") for part in cache_control(response))


@pytest.mark.parametrize("how", ["unpublished", "deleted"])
def test_an_article_gone_is_gone_for_a_conditional_reader(
    client, article, committing, how
):
    url = article.get_absolute_url()
    etag = etag_of(client, url)

    with committing():
        if how == "deleted":
            article.delete()
        else:
            article.published_at = None
            article.save()

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404
