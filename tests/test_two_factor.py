"""Two-factor sign-in (an authenticator app, TOTP, with recovery codes), and
staff made to use it before the admin opens when BRIEFING_STAFF_2FA is on."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from pytest_django.asserts import assertContains, assertRedirects

from briefing.accounts import throttle

from .conftest import PASSWORD, current_totp_code

pytestmark = pytest.mark.django_db

SECURITY = "briefing.security"


def security_events(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == SECURITY]


def test_two_factor_page_offers_an_authenticator_app(signed_in):
    response = signed_in.get("/accounts/2fa/")

    assertContains(response, "Set up an authenticator app")
    assertContains(response, 'href="/accounts/2fa/totp/activate/"')


def test_two_factor_setup_turns_on_totp_and_recovery_codes(
    client, reader, with_totp, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with_totp(reader)

    types = set(
        Authenticator.objects.filter(user=reader).values_list("type", flat=True)
    )
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert "two-factor set up: 'Paul3390' totp from 127.0.0.1" in security_events(
        caplog
    )
    codes = client.get("/accounts/2fa/recovery-codes/")
    assertContains(codes, "<code>", count=10)


def test_two_factor_setup_refuses_a_wrong_code(client, reader, sign_in_with_password):
    sign_in_with_password(client, reader)
    asked = client.get("/accounts/2fa/totp/activate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")

    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})

    assertRedirects(
        asked,
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F",
        fetch_redirect_response=False,
    )
    assert response.context["form"].has_error("code")
    assert not Authenticator.objects.filter(user=reader).exists()


def test_two_factor_sign_in_asks_for_a_code_after_the_password(
    client, reader, with_totp, sign_in_with_password, caplog
):
    secret = with_totp(reader)
    client.post("/accounts/logout/")

    password = sign_in_with_password(client, reader)
    before_code = client.get("/accounts/settings/")
    code = client.post(
        "/accounts/2fa/authenticate/", {"code": current_totp_code(secret)}
    )

    assertRedirects(
        password, "/accounts/2fa/authenticate/", fetch_redirect_response=False
    )
    assert before_code.status_code == 302
    assertRedirects(code, "/", fetch_redirect_response=False)
    assert client.session["_auth_user_id"] == str(reader.pk)
    assert "two-factor used: 'Paul3390' totp from 127.0.0.1" in security_events(caplog)


def test_two_factor_wrong_codes_are_limited_per_reader(
    client, reader, with_totp, sign_in_with_password, caplog
):
    secret = with_totp(reader)
    client.post("/accounts/logout/")
    sign_in_with_password(client, reader)

    wrong = [
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
        for _ in range(throttle.TWO_FACTOR_FAILURES_PER_READER)
    ]
    refused = client.post(
        "/accounts/2fa/authenticate/", {"code": current_totp_code(secret)}
    )

    assert all(response.context["form"].has_error("code") for response in wrong)
    assertContains(refused, "Too many wrong codes")
    assert "_auth_user_id" not in client.session
    assert "two-factor failed: 'Paul3390' from 127.0.0.1" in security_events(caplog)


def test_admin_login_sends_staff_to_the_sites_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")

    assertRedirects(
        response, "/accounts/login/?next=%2Fadmin%2F", fetch_redirect_response=False
    )


@pytest.fixture
def staff_2fa(settings):
    settings.BRIEFING_STAFF_2FA = True


def test_staff_2fa_sends_staff_without_totp_to_set_it_up(
    staff_2fa, client, moderator, sign_in_with_password
):
    sign_in_with_password(client, moderator)

    response = client.get("/admin/comments/comment/")
    # Setting it up asks for the password again, then shows the message.
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    setup = client.get("/accounts/2fa/totp/activate/")

    assertRedirects(
        response, "/accounts/2fa/totp/activate/", fetch_redirect_response=False
    )
    assertContains(setup, "Staff must set up two-factor sign-in")


def test_staff_2fa_asks_for_a_verified_address_first(
    staff_2fa, client, moderator, sign_in_with_password
):
    EmailAddress.objects.filter(user=moderator).update(verified=False)
    sign_in_with_password(client, moderator)

    response = client.get("/admin/", follow=True)

    assertRedirects(response, "/accounts/email/")
    assertContains(response, "Staff must verify their e-mail address")


def test_staff_2fa_opens_the_admin_once_totp_is_set_up(
    staff_2fa, client, moderator, with_totp
):
    with_totp(moderator)

    response = client.get("/admin/comments/comment/")

    assert response.status_code == 200


def test_staff_2fa_leaves_readers_pages_alone(staff_2fa, client, moderator, article):
    client.force_login(moderator)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200


def test_staff_2fa_off_lets_staff_into_the_admin_with_a_password(
    client, moderator, sign_in_with_password
):
    sign_in_with_password(client, moderator)

    response = client.get("/admin/comments/comment/")

    assert response.status_code == 200


def test_staff_2fa_asks_staff_for_a_code_at_each_sign_in(
    staff_2fa, client, moderator, with_totp, sign_in_with_password
):
    with_totp(moderator)
    client.post("/accounts/logout/")

    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": "moderator", "password": PASSWORD},
    )
    admin = client.get("/admin/", follow=True)

    assertRedirects(
        response, "/accounts/2fa/authenticate/", fetch_redirect_response=False
    )
    # Until the code is given the admin stays closed: it asks for the code.
    assert admin.redirect_chain[-1][0] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session


def test_two_factor_reauthentication_codes_are_limited_too(client, reader, with_totp):
    secret = with_totp(reader)

    wrong = [
        client.post("/accounts/2fa/reauthenticate/", {"code": "000000"})
        for _ in range(throttle.TWO_FACTOR_FAILURES_PER_READER)
    ]
    refused = client.post(
        "/accounts/2fa/reauthenticate/", {"code": current_totp_code(secret)}
    )

    assert all(response.context["form"].has_error("code") for response in wrong)
    assertContains(refused, "Too many wrong codes")
