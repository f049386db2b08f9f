"""The reader's signed-in sessions: listed, the others signed out on request
and when the password changes."""

from datetime import datetime, timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from briefing.accounts.middleware import SESSION_ACTIVITY_RECORDED_AT

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a quiet meadow under snow"


@pytest.fixture
def two_browsers(reader, sign_in_with_password):
    laptop = Client(HTTP_USER_AGENT="Laptop browser")
    phone = Client(HTTP_USER_AGENT="Phone browser")
    sign_in_with_password(laptop, reader)
    # Behind the trusted proxy: the address it forwards is the phone's.
    sign_in_with_password(phone, reader, HTTP_X_FORWARDED_FOR="203.0.113.7")
    return laptop, phone


def test_sessions_page_lists_where_the_reader_is_signed_in(two_browsers):
    laptop, _ = two_browsers

    response = laptop.get("/accounts/sessions/")

    assertContains(response, "Laptop browser")
    assertContains(response, "Phone browser")
    assertContains(response, "<td>203.0.113.7</td>", html=True)
    assertContains(response, "(this device)", count=1)
    assertContains(response, "Sign out everywhere else")


LONG_AGO = timezone.make_aware(datetime(2026, 1, 1, 9, 30))
LONG_AGO_SHOWN = "1 January 2026 09:30"


def _last_used_long_ago(client):
    """Move the client's session back in time: its row in the list says it
    was last seen LONG_AGO, and its own note of that write is as old."""
    session = client.session
    UserSession.objects.filter(session_key=session.session_key).update(
        last_seen_at=LONG_AGO
    )
    session[SESSION_ACTIVITY_RECORDED_AT] = LONG_AGO.isoformat()
    session.save()


def _session_activity_writes(queries) -> int:
    return sum(
        1
        for query in queries
        if query["sql"].startswith("UPDATE")
        and '"usersessions_usersession"' in query["sql"]
    )


def test_sessions_page_shows_when_each_session_was_last_seen(two_browsers):
    laptop, phone = two_browsers
    _last_used_long_ago(phone)

    response = laptop.get("/accounts/sessions/")

    assertContains(response, '<th scope="col">Last seen</th>', html=True)
    assertContains(
        response,
        f'<time datetime="{LONG_AGO:%Y-%m-%dT%H:%M:%S%z}">{LONG_AGO_SHOWN}</time>',
        html=True,
    )


def test_sessions_last_seen_moves_when_the_session_is_used_a_minute_later(
    two_browsers,
):
    laptop, phone = two_browsers
    _last_used_long_ago(phone)

    phone.get("/")

    assertNotContains(laptop.get("/accounts/sessions/"), LONG_AGO_SHOWN)
    last_seen = UserSession.objects.get(user_agent="Phone browser").last_seen_at
    assert timezone.now() - last_seen < timedelta(seconds=10)


def test_sessions_device_and_address_follow_the_session_a_minute_later(
    two_browsers,
):
    laptop, phone = two_browsers
    _last_used_long_ago(phone)

    phone.get(
        "/",
        HTTP_USER_AGENT="Phone browser, updated",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )

    response = laptop.get("/accounts/sessions/")
    assertContains(response, "Phone browser, updated")
    assertContains(response, "<td>198.51.100.9</td>", html=True)
    assertNotContains(response, "203.0.113.7")


def test_sessions_last_seen_is_written_at_most_once_a_minute(two_browsers):
    _, phone = two_browsers
    _last_used_long_ago(phone)

    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            phone.get("/")

    assert _session_activity_writes(queries) == 1


def test_sessions_first_page_after_signing_in_costs_no_sessions_statement(
    two_browsers,
):
    _, phone = two_browsers

    with CaptureQueriesContext(connection) as queries:
        phone.get("/")

    assert not [
        query["sql"] for query in queries if "usersessions_usersession" in query["sql"]
    ]


def test_sessions_sign_out_everywhere_else_keeps_this_one(two_browsers, caplog):
    laptop, phone = two_browsers

    laptop.post("/accounts/sessions/")

    assert laptop.get("/accounts/settings/").status_code == 200
    assert phone.get("/accounts/settings/").status_code == 302
    assert any(
        record.getMessage().startswith("session ended: 'Paul3390'")
        for record in caplog.records
    )


def test_sessions_of_others_are_signed_out_by_a_password_change(
    two_browsers, reader, caplog
):
    laptop, phone = two_browsers

    laptop.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert laptop.get("/accounts/settings/").status_code == 200
    assert phone.get("/accounts/settings/").status_code == 302
    assert "password changed: 'Paul3390' from 127.0.0.1" in [
        record.getMessage() for record in caplog.records
    ]


def test_sessions_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/accounts/sessions/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
