"""Sign-up anti-automation: a trap field for scripts, a per-address limit."""

import multiprocessing
import time
from datetime import timedelta

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from briefing.accounts import throttle
from briefing.accounts.models import User

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


def test_count_hit_counts_within_a_window():
    first = throttle.count_hit("test:window", timedelta(minutes=1))
    second = throttle.count_hit("test:window", timedelta(minutes=1))

    assert first == (1, 60)
    assert second[0] == 2
    assert 59 <= second[1] <= 60


def test_count_hit_opens_a_new_window_when_the_last_one_ends():
    throttle.count_hit("test:window", timedelta(seconds=1))
    throttle.count_hit("test:window", timedelta(seconds=1))
    time.sleep(1.1)

    hits = throttle.count_hit("test:window", timedelta(seconds=1))

    assert hits == (1, 1)


def _hit_many(key: str, times: int, results) -> None:
    results.extend(
        [throttle.count_hit(key, timedelta(minutes=5))[0] for _ in range(times)]
    )


def test_count_hit_is_atomic_across_worker_processes():
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        results = manager.list()
        workers = [
            context.Process(target=_hit_many, args=("test:atomic", 50, results))
            for _ in range(4)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)

        hits = sorted(results)

    assert hits == list(range(1, 201))
