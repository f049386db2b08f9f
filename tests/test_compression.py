"""The bytes where gunicorn serves alone (docs/deploy.md, "Compression"):
what is the same for every reader goes out gzip-compressed, what is someone's
own (a signed-in reader's page, anything with a CSRF token or a cookie) goes
out as it is, so BREACH has nothing to read; static files are WhiteNoise's
compressed copies; the text face the first paint needs is preloaded from
the page's head."""

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def article_page(article, make_reader, make_comment):
    make_comment(article, make_reader("author", "An Author"), "The first comment.")
    return article.get_absolute_url()


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",")}


def test_an_anonymous_page_goes_out_compressed(client, article_page):
    plain = client.get(article_page)
    compressed = client.get(article_page, **GZIP)

    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip"
    assert "accept-encoding" in vary(compressed)
    assert compressed["Cache-Control"].startswith("public")
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2
    assert "The first comment." in plain.content.decode()


def test_a_reader_who_accepts_no_gzip_gets_it_plain(client, article_page):
    response = client.get(article_page, HTTP_ACCEPT_ENCODING="identity")

    assert "Content-Encoding" not in response
    assert "accept-encoding" in vary(response)


def test_a_request_naming_no_encoding_gets_one_copy_for_everyone(client, article_page):
    # nginx asks for pages so, and keeps one copy for every reader: a Vary
    # on Accept-Encoding would make it keep one per browser's header.
    response = client.get(article_page)

    assert "Content-Encoding" not in response
    assert "accept-encoding" not in vary(response)
    assert response["Cache-Control"].startswith("public")


def test_the_compressed_pages_validator_still_answers_304(client, article_page):
    compressed = client.get(article_page, **GZIP)
    # A compressed copy is not byte-for-byte the page: its ETag turns weak.
    assert compressed["ETag"].startswith('W/"')

    again = client.get(article_page, HTTP_IF_NONE_MATCH=compressed["ETag"], **GZIP)

    assert again.status_code == 304


def test_the_front_page_and_the_feed_go_out_compressed(client, article_page):
    for path in ["/", "/feeds/articles/"]:
        response = client.get(path, **GZIP)
        assert response["Content-Encoding"] == "gzip", path


def test_a_signed_in_readers_page_goes_out_uncompressed(client, reader, article_page):
    # Their page holds their CSRF token, their name, their notifications:
    # never compressed, whatever an attacker reflects into it.
    client.force_login(reader)

    response = client.get(article_page, **GZIP)

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert reader.username in response.content.decode()


def test_an_anonymous_form_with_a_csrf_token_goes_out_uncompressed(client, db):
    response = client.get("/accounts/login/", **GZIP)

    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "Content-Encoding" not in response


def test_a_response_that_sets_a_cookie_goes_out_uncompressed(client, article_page):
    # Choosing an order remembers it in a cookie: the response is private.
    response = client.get(article_page + "?sort=newest", **GZIP)

    assert response.cookies
    assert "Content-Encoding" not in response


PRELOAD = re.compile(
    r'<link rel="preload" href="(?P<href>[^"]+)" as="font" type="font/woff2" crossorigin>'
)


def test_the_head_preloads_the_text_face_from_real_static_files(client, article_page):
    page = client.get(article_page).content.decode()
    head = page[: page.index("</head>")]

    hrefs = [m["href"] for m in PRELOAD.finditer(head)]

    assert hrefs == [
        "/static/fonts/literata/literata-latin-400-normal.woff2",
        "/static/fonts/literata/literata-latin-700-normal.woff2",
    ]
    for href in hrefs:
        assert finders.find(href.removeprefix("/static/")), href
    # The stylesheet asks for the same files (its latin range), so the
    # preloaded copies are the ones it uses.
    css = Path(finders.find("css/briefing.css")).read_text()
    for href in hrefs:
        assert f'url("../{href.removeprefix("/static/")}")' in css


def test_collected_static_files_come_compressed_and_match_the_preload(
    settings, tmp_path, article_page
):
    # As deployed: collectstatic with hashed names and .gz copies, served by
    # WhiteNoise from STATIC_ROOT.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()
    page = client.get(article_page).content.decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)[1]
    fonts = [m["href"] for m in PRELOAD.finditer(page)]

    css = client.get(stylesheet, **GZIP)
    body = gzip.decompress(b"".join(css.streaming_content)).decode()
    font = client.get(fonts[0], **GZIP)

    assert css.status_code == 200
    assert css["Content-Encoding"] == "gzip"
    # The hashed stylesheet names the hashed fonts the head preloads.
    for href in fonts:
        name = href.rsplit("/", 1)[1]
        assert re.fullmatch(r"literata-latin-[47]00-normal\.[0-9a-f]{12}\.woff2", name)
        assert name in body
    assert font.status_code == 200
    assert font["Content-Type"] == "font/woff2"
    # woff2 is compressed already: no copy of it is made, none is sent.
    assert "Content-Encoding" not in font
