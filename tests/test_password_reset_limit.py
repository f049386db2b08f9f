"""Password reset sends mail to whatever address is typed: limited per address."""

import pytest
from django.core import mail
from pytest_django.asserts import assertContains

from briefing.accounts import throttle

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"


def ask_for_reset(client, email, address):
    return client.post(RESET, {"email": email}, HTTP_X_FORWARDED_FOR=address)


def test_password_reset_sends_mail_until_the_address_limit_then_answers_429(
    client, reader
):
    for _ in range(throttle.PASSWORD_RESETS_PER_ADDRESS):
        assert ask_for_reset(client, reader.email, "203.0.113.9").status_code == 302

    response = ask_for_reset(client, reader.email, "203.0.113.9")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assertContains(response, "Too many password resets", status_code=429)
    assert len(mail.outbox) == throttle.PASSWORD_RESETS_PER_ADDRESS


def test_password_reset_limit_is_per_address(client, reader):
    for _ in range(throttle.PASSWORD_RESETS_PER_ADDRESS + 1):
        ask_for_reset(client, reader.email, "203.0.113.9")

    response = ask_for_reset(client, reader.email, "198.51.100.7")

    assert response.status_code == 302
