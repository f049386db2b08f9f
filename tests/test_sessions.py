"""The reader's signed-in sessions: listed, the others signed out on request
and when the password changes."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

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
    assertContains(response, "(this one)", count=1)
    assertContains(response, "Sign out everywhere else")


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
