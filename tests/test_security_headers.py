"""The production profile's headers and cookies, on real responses."""

import pytest
from django.test import Client

from tests.environments import HOST, apply_settings, production_environment

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/oil-and-gas/"


@pytest.fixture
def production(settings, monkeypatch):
    apply_settings(settings, monkeypatch, production_environment())
    return settings


@pytest.fixture
def https_client(production):
    """A browser reaching the site through the TLS proxy."""
    return Client(
        enforce_csrf_checks=True, HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https"
    )


@pytest.fixture
def http_client(production):
    """A client reaching gunicorn over plain http."""
    return Client(HTTP_HOST=HOST)


@pytest.mark.parametrize("path", ["/", ARTICLE, "/accounts/login/"])
def test_production_pages_carry_every_security_header(https_client, article, path):
    response = https_client.get(path)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == (
        "max-age=63072000; includeSubDomains; preload"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/", ARTICLE, "/accounts/login/"])
def test_production_csp_allows_no_inline_code_and_no_framing(
    https_client, article, path
):
    response = https_client.get(path)

    directives = dict(
        [*part.strip().split(" ", 1), ""][:2]
        for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_production_plain_http_is_redirected_to_https(http_client, article):
    response = http_client.get(ARTICLE + "?page=2")

    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}{ARTICLE}?page=2"


def test_production_metrics_answer_plain_http_for_the_scraper(http_client):
    response = http_client.get("/metrics", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 200
    assert b"briefing_queue_pending" in response.content


def test_production_healthz_answers_plain_http_for_load_balancers(http_client):
    response = http_client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_production_forwarded_proto_is_believed_only_when_it_says_https(
    production, article
):
    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="http")

    response = client.get(ARTICLE)

    assert response.status_code == 301


def test_production_csrf_cookie_is_a_secure_host_cookie(https_client):
    response = https_client.get("/accounts/login/")

    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert "csrftoken" not in response.cookies


def test_production_session_cookie_is_a_secure_host_cookie(https_client, reader):
    page = https_client.get("/accounts/login/")
    token = page.cookies["__Host-csrftoken"].value

    response = https_client.post(
        "/accounts/login/",
        {"username": "paul3390", "password": "correct horse battery staple"},
        HTTP_X_CSRFTOKEN=token,
        HTTP_REFERER=f"https://{HOST}/accounts/login/",
    )

    assert response.status_code == 302
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_production_sign_in_over_a_foreign_origin_is_refused(https_client, reader):
    page = https_client.get("/accounts/login/")
    token = page.cookies["__Host-csrftoken"].value

    response = https_client.post(
        "/accounts/login/",
        {"username": "paul3390", "password": "correct horse battery staple"},
        HTTP_X_CSRFTOKEN=token,
        HTTP_ORIGIN="https://attacker.example",
    )

    assert response.status_code == 403


def test_demo_profile_serves_plain_http_with_plain_cookies(client, reader):
    response = client.post(
        "/accounts/login/",
        {"username": "Paul3390", "password": "correct horse battery staple"},
    )

    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] == ""
    assert "Strict-Transport-Security" not in response
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
