"""The log: one line per 4xx, a traceback only for a 500, security events."""

import io
import logging

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils.log import log_response

from briefing.accounts import throttle
from comments import moderation
from comments.models import Sanction

pytestmark = pytest.mark.django_db

SECURITY = "briefing.security"


@pytest.fixture
def log_lines():
    """What the configured stderr handler (with its filter and format) writes."""
    handler = logging.getHandlerByName("stderr")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: stream.getvalue().splitlines()
    handler.setStream(previous)


def one_line_each(lines: list[str]) -> bool:
    """Every record is a single line starting with its timestamp."""
    return all(line[:4].isdigit() for line in lines)


@pytest.mark.parametrize(
    ("request_kwargs", "status", "logged"),
    [
        ({"path": "/no-such-page/"}, 404, "Not Found: /no-such-page/"),
        (
            {"path": "/", "HTTP_HOST": "attacker.example"},
            400,
            "django.security.DisallowedHost Invalid HTTP_HOST header",
        ),
        (
            {"path": "/accounts/login/", "method": "post", "big": True},
            400,
            "django.security.RequestDataTooBig",
        ),
        ({"path": "/?page=%00"}, 400, "A NUL byte in the URL"),
        ({"path": "/healthz", "method": "post"}, 405, "Method Not Allowed (POST)"),
        (
            {"path": "/accounts/login/", "method": "post", "csrf": True},
            403,
            "Forbidden (CSRF cookie not set.)",
        ),
    ],
)
def test_client_error_is_logged_as_one_line_without_traceback(
    log_lines, request_kwargs, status, logged
):
    client = Client(enforce_csrf_checks=request_kwargs.pop("csrf", False))
    method = request_kwargs.pop("method", "get")
    data = {"body": "x" * 3 * 1024 * 1024} if request_kwargs.pop("big", False) else {}

    response = getattr(client, method)(
        request_kwargs.pop("path"), data, **request_kwargs
    )

    lines = log_lines()
    assert response.status_code == status
    assert len(lines) == 1, lines
    assert logged in lines[0]
    assert "Traceback" not in "\n".join(lines)


def test_server_error_keeps_its_traceback(log_lines):
    request = RequestFactory().get("/boom/")
    try:
        raise RuntimeError("a real bug")
    except RuntimeError as error:
        log_response(
            "%s: %s",
            "Internal Server Error",
            request.path,
            response=HttpResponse(status=500),
            request=request,
            exception=error,
        )

    output = "\n".join(log_lines())
    assert "Internal Server Error: /boom/" in output
    assert "Traceback (most recent call last)" in output
    assert "RuntimeError: a real bug" in output


def security_events(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == SECURITY]


def test_failed_sign_in_and_throttling_are_security_events(client, reader, caplog):
    for _ in range(6):
        client.post(
            "/accounts/login/",
            {"username": "Paul3390", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )

    events = security_events(caplog)
    assert events[:5] == ["sign-in failed for 'Paul3390' from 203.0.113.5"] * 5
    assert events[5].startswith("sign-in throttled for 'Paul3390' from 203.0.113.5")


def test_security_event_with_a_hostile_username_stays_one_line(
    client, reader, log_lines
):
    client.post(
        "/accounts/login/",
        {"username": "x\n2026-01-01 INFO forged line", "password": "wrong"},
    )

    lines = log_lines()
    assert len(lines) == 1
    assert "sign-in failed for 'x\\n2026-01-01 INFO forged line'" in lines[0]


def test_signup_trap_and_limit_are_security_events(client, monkeypatch, caplog):
    monkeypatch.setattr(throttle, "SIGN_UPS_PER_ADDRESS", 1)
    form = {
        "display_name": "New reader",
        "password1": "a long and unusual passphrase",
        "password2": "a long and unusual passphrase",
    }
    address = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    client.post(
        "/accounts/signup/",
        {**form, "username": "botty", "email": "b@example.com", "website": "x"},
        **address,
    )
    for name in ("first", "second"):
        client.post(
            "/accounts/signup/",
            {**form, "username": name, "email": f"{name}@example.com"},
            **address,
        )
        client.post("/accounts/logout/")

    events = security_events(caplog)
    assert events[0] == "sign-up refused from 203.0.113.9: the trap field was filled in"
    assert events[1] == "signed in: 'first' from 203.0.113.9"
    assert events[2].startswith(
        "sign-up throttled from 203.0.113.9 (limit 1 per 1:00:00); retry after"
    )
    assert len(events) == 3


def test_moderation_decisions_are_security_events(
    article, reader, moderator, make_comment, caplog
):
    comment = make_comment(article, reader, "Rude words.")

    moderation.reject(comment, moderator, "Insults another reader")

    events = security_events(caplog)
    assert len(events) == 1
    assert f"comment {comment.pk} published -> rejected by moderator" in events[0]
    assert "Insults another reader" in events[0]


def test_sanctions_are_security_events(reader, moderator, caplog):
    moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.BAN, reason="Spam account"
    )

    events = security_events(caplog)
    assert len(events) == 1
    assert "Paul3390" in events[0]
    assert "moderator" in events[0]
    assert "Spam account" in events[0]
