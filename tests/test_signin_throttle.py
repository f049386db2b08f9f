"""Sign-in throttling: a cool-off after repeated failures, never a lockout."""

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone
from pytest_django.asserts import assertContains

from briefing.accounts import addresses, throttle
from briefing.accounts.models import Attempt
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ATTACKER = "203.0.113.5"
READER_HOME = "198.51.100.7"


def sign_in(client, username, password, address=ATTACKER):
    """Post the sign-in form as a client at `address` behind the trusted proxy."""
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        HTTP_X_FORWARDED_FOR=address,
    )


def fail(client, times, username="Paul3390", address=ATTACKER):
    for _ in range(times):
        response = sign_in(client, username, "wrong password", address)
        assert response.status_code == 200


def test_sign_in_sixth_failure_in_15_minutes_answers_429(client, reader):
    fail(client, 5)

    response = sign_in(client, "Paul3390", "wrong again")

    assert response.status_code == 429
    assert 895 <= int(response["Retry-After"]) <= 900
    assertContains(response, "Too many failed attempts to sign in", status_code=429)
    assertContains(response, "try again in 15 minutes", status_code=429)
    assertContains(response, 'name="login"', status_code=429)


def test_sign_in_while_throttled_refuses_even_the_right_password(client, reader):
    fail(client, 5)

    response = sign_in(client, "Paul3390", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_in_failures_count_in_the_database_for_every_worker(client, reader):
    fail(client, 5)

    # Another browser, another worker: nothing is remembered in the session
    # or the process.
    response = sign_in(Client(), "Paul3390", PASSWORD)

    assert Attempt.objects.filter(address=ATTACKER).count() == 5
    assert response.status_code == 429


def test_sign_in_cool_off_ends_when_the_failures_age_out(client, reader):
    fail(client, 5)
    Attempt.objects.update(
        created_at=timezone.now() - throttle.SIGN_IN_WINDOW - timedelta(seconds=1)
    )

    response = sign_in(client, "Paul3390", PASSWORD)

    assert response.status_code == 302


def test_sign_in_retry_after_counts_from_the_failure_that_must_age_out(client, reader):
    fail(client, 5)
    oldest = Attempt.objects.order_by("created_at").first()
    oldest.created_at -= timedelta(minutes=10)
    oldest.save()

    response = sign_in(client, "Paul3390", PASSWORD)

    assert response.status_code == 429
    assert 295 <= int(response["Retry-After"]) <= 300


def test_sign_in_throttle_cannot_lock_a_reader_out_from_elsewhere(client, reader):
    for _ in range(20):
        sign_in(client, "Paul3390", "a guess", address=ATTACKER)

    response = sign_in(Client(), "Paul3390", PASSWORD, address=READER_HOME)

    assert response.status_code == 302


def test_sign_in_throttle_ignores_case_and_look_alike_letters(client, reader):
    fail(client, 3, username="paul3390")
    fail(client, 2, username="PAUL3390")

    response = sign_in(client, "Раul3390", PASSWORD)  # Cyrillic Р and а

    assert response.status_code == 429


def test_sign_in_per_address_limit_counts_every_username(client, reader):
    for number in range(throttle.SIGN_IN_FAILURES_PER_ADDRESS):
        fail(client, 1, username=f"guess{number}")

    response = sign_in(client, "Paul3390", PASSWORD)

    assert response.status_code == 429


def test_sign_in_success_forgets_the_readers_earlier_failures(client, reader):
    fail(client, 4)
    assert sign_in(client, "Paul3390", PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    fail(client, 4)
    response = sign_in(client, "Paul3390", PASSWORD)

    assert response.status_code == 302


def test_sign_in_without_a_password_counts_no_failure(client, reader):
    for _ in range(10):
        client.post(LOGIN, {"username": "Paul3390", "password": ""})

    response = sign_in(client, "Paul3390", PASSWORD)

    assert Attempt.objects.count() == 0
    assert response.status_code == 302


def test_sign_in_forwarded_for_is_ignored_from_an_untrusted_address(reader):
    client = Client(REMOTE_ADDR="198.51.100.200")
    for number in range(5):
        sign_in(client, "Paul3390", "wrong", address=f"192.0.2.{number}")

    response = sign_in(client, "Paul3390", PASSWORD, address="192.0.2.99")

    assert response.status_code == 429
    assert set(Attempt.objects.values_list("address", flat=True)) == {"198.51.100.200"}


def test_admin_sign_in_is_the_sites_so_the_throttle_has_no_side_door(client, moderator):
    page = client.get("/admin/login/?next=/admin/comments/comment/")
    posted = client.post(
        "/admin/login/",
        {"username": "moderator", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=ATTACKER,
    )

    assert page.status_code == 302
    assert page["Location"] == (
        "/accounts/login/?next=%2Fadmin%2Fcomments%2Fcomment%2F"
    )
    assert posted.status_code == 302
    assert posted["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_sign_in_by_email_address_is_throttled_per_address_too(client, reader):
    fail(client, 5, username=reader.email)

    response = sign_in(client, reader.email, PASSWORD)

    assert response.status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),
        # A client-written address on the left proves nothing.
        ("127.0.0.1", "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        # A chain of trusted proxies is walked from the right.
        ("127.0.0.1", "203.0.113.5, 10.0.0.2", "203.0.113.5"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
        ("198.51.100.1", "203.0.113.5", "198.51.100.1"),
        ("::ffff:198.51.100.1", "", "198.51.100.1"),
        ("", "203.0.113.5", addresses.UNKNOWN_ADDRESS),
    ],
)
def test_client_address_believes_forwarded_for_only_from_trusted_proxies(
    settings, remote, forwarded, expected
):
    settings.BRIEFING_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )

    assert addresses.client_address(request) == expected
