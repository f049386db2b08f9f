"""Sign-up anti-automation: a trap field for scripts, a per-address limit."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from briefing.accounts import throttle
from briefing.accounts.models import Attempt, User

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


def sign_up(client, username, address="203.0.113.5", **extra):
    return client.post(
        SIGNUP,
        {
            "username": username,
            "display_name": "New reader",
            "email": f"{username}@example.com",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
            **extra,
        },
        HTTP_X_FORWARDED_FOR=address,
    )


def test_signup_trap_field_is_out_of_sight_and_out_of_the_tab_order(client):
    response = client.get(SIGNUP)

    assertContains(
        response,
        '<div class="trap" hidden><label for="id_website">Leave this empty</label>'
        '<input type="text" name="website" autocomplete="off" tabindex="-1" '
        'id="id_website"></div>',
        html=True,
    )


def test_signup_with_the_trap_filled_in_creates_no_account(client):
    response = sign_up(client, "botty", website="https://spam.example")

    assertContains(response, "filled in by a program")
    assert not User.objects.filter(username="botty").exists()
    assert "_auth_user_id" not in client.session


def test_signup_by_a_person_leaves_the_trap_empty_and_succeeds(client):
    response = sign_up(client, "person", website="")

    assert response.status_code == 302
    assert User.objects.filter(username="person").exists()


def test_signup_eleventh_account_from_one_address_in_an_hour_answers_429(client):
    for number in range(throttle.SIGN_UPS_PER_ADDRESS):
        assert sign_up(client, f"reader{number}").status_code == 302
        client.post("/accounts/logout/")

    response = sign_up(client, "one_too_many")

    assert response.status_code == 429
    assert 3590 <= int(response["Retry-After"]) <= 3600
    assertContains(response, "Too many accounts were created", status_code=429)
    assertContains(response, 'value="one_too_many"', status_code=429)
    assert not User.objects.filter(username="one_too_many").exists()


def test_signup_limit_is_per_address(client):
    for number in range(throttle.SIGN_UPS_PER_ADDRESS):
        sign_up(client, f"reader{number}", address="203.0.113.5")
        client.post("/accounts/logout/")

    response = sign_up(client, "elsewhere", address="198.51.100.7")

    assert response.status_code == 302


def test_signup_invalid_forms_do_not_use_up_the_limit(client):
    for _ in range(throttle.SIGN_UPS_PER_ADDRESS + 5):
        assertNotContains(sign_up(client, "bad name!"), "Too many accounts")

    response = sign_up(client, "good_name")

    assert response.status_code == 302


def test_signup_limit_is_lifted_with_the_rate_limits(client, settings):
    settings.BRIEFING_RATE_LIMITS = False
    for number in range(throttle.SIGN_UPS_PER_ADDRESS):
        sign_up(client, f"reader{number}")
        client.post("/accounts/logout/")

    response = sign_up(client, "load_test_reader")

    assert response.status_code == 302


def test_limit_refuses_the_attempt_after_the_last_allowed_one():
    limits = [throttle.Limit(2, timedelta(minutes=1), throttle.Per.ADDRESS)]
    action = Attempt.Action.SIGN_UP

    first, _ = throttle.start(action, "203.0.113.5", "", limits)
    second, _ = throttle.start(action, "203.0.113.5", "", limits)
    third, retry_after = throttle.start(action, "203.0.113.5", "", limits)

    assert first is not None
    assert second is not None
    assert third is None
    assert 59 <= retry_after <= 60
    # The refused attempt is not kept: it does not prolong the cool-off.
    assert Attempt.objects.count() == 2


def test_limit_opens_again_when_the_attempts_age_out():
    limits = [throttle.Limit(2, timedelta(minutes=1), throttle.Per.ADDRESS)]
    action = Attempt.Action.SIGN_UP
    for _ in range(2):
        throttle.start(action, "203.0.113.5", "", limits)
    Attempt.objects.update(created_at=timezone.now() - timedelta(seconds=61))

    attempt, retry_after = throttle.start(action, "203.0.113.5", "", limits)

    assert attempt is not None
    assert retry_after == 0
