"""deploy/nginx's micro-cache in front of the site (PRODUCT.md, "Serving at
scale"): Debian's nginx, run by the test with the deploy snippets included
verbatim in a configuration of its own (a temporary folder, a free port), in
front of the live test server. Anonymous pages come from nginx's cache, a
signed-in reader's page never reaches anyone else, and a new comment reaches
anonymous readers within 2 s. Skipped where nginx is not installed (the
scale test's machine has it: `python -m tools.scale` installs it)."""

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import post
from tools.microcache import MicroCache, nginx_binary

pytestmark = [
    pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def nginx_folder():
    # nginx's workers run as an unprivileged user when the test runs as
    # root: they must reach the folder (pytest's tmp_path is the owner's only).
    with tempfile.TemporaryDirectory(prefix="nginx-cache-test-") as folder:
        Path(folder).chmod(0o755)
        yield Path(folder)


@pytest.fixture
def nginx(live_server, nginx_folder):
    server = MicroCache(nginx_folder, live_server.url.removeprefix("http://"))
    yield server
    server.stop()


@pytest.fixture
def article_page(article, make_reader, make_comment):
    make_comment(article, make_reader("author", "An Author"), "The first comment.")
    return article.get_absolute_url()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def signed_in_as(user) -> str:
    """What only `user`'s own page shows: their name in the header."""
    return f'<a href="/users/{user.username}/">{user.username}</a>'


def test_an_anonymous_page_is_served_from_the_cache(nginx, article_page):
    first = nginx.get(article_page)
    second = nginx.get(article_page)

    assert first.status == 200, first.body[-3000:]
    assert first.getheader("X-Cache-Status") == "MISS"
    assert second.status == 200
    assert second.getheader("X-Cache-Status") == "HIT"
    assert second.body == first.body
    assert "The first comment." in second.body


def test_the_front_page_and_feed_are_cached_too(nginx, article_page):
    for path in ["/", "/feeds/articles/"]:
        nginx.get(path)
        assert nginx.get(path).getheader("X-Cache-Status") == "HIT", path


def test_text_goes_out_compressed(nginx, article_page):
    response = nginx.get(article_page, **{"Accept-Encoding": "gzip"})

    assert response.getheader("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.getheader("Vary")


def test_one_copy_serves_readers_with_and_without_gzip(nginx, article_page):
    # nginx asks the site for the page plain and compresses it itself: one
    # cached copy for every reader, whatever Accept-Encoding they send.
    first = nginx.get(article_page, **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    plain = nginx.get(article_page)
    other = nginx.get(article_page, **{"Accept-Encoding": "gzip"})

    assert first.getheader("Content-Encoding") == "gzip"
    assert plain.getheader("X-Cache-Status") == "HIT"
    assert plain.getheader("Content-Encoding") is None
    assert "The first comment." in plain.body
    assert other.getheader("X-Cache-Status") == "HIT"
    assert other.getheader("Content-Encoding") == "gzip"


def test_static_files_pass_through_compressed_by_whitenoise(nginx, article_page):
    # The reader's Accept-Encoding reaches the site for static files, whose
    # compressed copies WhiteNoise serves; nginx passes them on.
    page = nginx.get(article_page).body
    stylesheet = page[page.index('<link rel="stylesheet" href="') + 29 :]
    stylesheet = stylesheet[: stylesheet.index('"')]

    response = nginx.get(stylesheet, **{"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"


def test_a_signed_in_readers_page_never_reaches_anyone_else(
    nginx, article_page, make_reader
):
    alice = make_reader("alice", "Alice Liddell")
    bob = make_reader("bob", "Bob Dobbs")
    as_alice = [nginx.get(article_page, Cookie=session_cookie(alice)) for _ in "12"]
    as_bob = nginx.get(article_page, Cookie=session_cookie(bob))
    anonymous = [nginx.get(article_page) for _ in "12"]

    for response in as_alice:
        assert signed_in_as(alice) in response.body
        assert response.getheader("X-Cache-Status") == "BYPASS"
        assert "public" not in response.getheader("Cache-Control")
    assert signed_in_as(bob) in as_bob.body
    assert signed_in_as(alice) not in as_bob.body
    assert anonymous[1].getheader("X-Cache-Status") == "HIT"
    for response in anonymous:
        assert response.status == 200
        assert "Sign in" in response.body
        assert "Sign out" not in response.body
        assert "alice" not in response.body
        assert "bob" not in response.body
        assert "csrfmiddlewaretoken" not in response.body


def test_a_signed_in_reader_never_gets_the_anonymous_copy(nginx, article_page, reader):
    nginx.get(article_page)
    assert nginx.get(article_page).getheader("X-Cache-Status") == "HIT"

    response = nginx.get(article_page, Cookie=session_cookie(reader))

    assert response.getheader("X-Cache-Status") == "BYPASS"
    assert signed_in_as(reader) in response.body


def test_the_production_session_cookie_bypasses_the_cache_too(nginx, article_page):
    # DJANGO_HTTPS=on names it __Host-sessionid; this test site does not know
    # it, so the page is anonymous, but nginx must not share what it answers.
    nginx.get(article_page)
    cookie = "theme=dark; __Host-sessionid=abc"

    response = nginx.get(article_page, Cookie=cookie)

    assert response.getheader("X-Cache-Status") == "BYPASS"


def test_a_response_that_sets_a_cookie_is_not_kept(nginx, article_page):
    # Choosing an order remembers it in a cookie.
    first = nginx.get(article_page + "?sort=newest")
    second = nginx.get(article_page + "?sort=newest")

    assert first.getheader("Set-Cookie")
    assert second.getheader("X-Cache-Status") != "HIT"
    assert second.getheader("Set-Cookie")


def test_a_new_comment_reaches_anonymous_readers_within_2_seconds(
    nginx, article, article_page, reader, no_new_reader_premoderation
):
    nginx.get(article_page)
    assert nginx.get(article_page).getheader("X-Cache-Status") == "HIT"
    client = Client()
    client.force_login(reader)

    response = post(client, article, "Breaking: a new comment.")
    posted = time.monotonic()
    assert response.status_code in (302, 303)
    while "Breaking: a new comment." not in (seen := nginx.get(article_page)).body:
        assert time.monotonic() - posted < 2, seen.getheader("X-Cache-Status")
        time.sleep(0.05)

    assert time.monotonic() - posted < 2


def test_a_burst_on_a_cold_page_makes_one_request_to_the_site(
    nginx, article_page, nginx_folder
):
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda _: nginx.get(article_page), range(32)))

    assert all(r.status == 200 for r in statuses)
    cache_statuses = [r.getheader("X-Cache-Status") for r in statuses]
    # One went to the site (MISS); the others waited for it and got its copy.
    assert cache_statuses.count("MISS") == 1, cache_statuses
    to_the_site = [e for e in nginx.log() if e[1] == article_page and e[4] != '"-"']
    assert len(to_the_site) == 1, to_the_site
