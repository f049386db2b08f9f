"""E-mail addresses on allauth: one verification mail with one link at
sign-up, a changed address verified again, resending limited, and the
addresses of readers who signed up before allauth carried over."""

import importlib
import re

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from pytest_django.asserts import assertContains, assertRedirects

from briefing.accounts import throttle
from briefing.accounts.models import User

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long and unusual passphrase"
LINK = re.compile(r"https?://\S+")


def sign_up(client, **extra):
    return client.post(
        "/accounts/signup/",
        {
            "username": "Tess",
            "display_name": "Tess",
            "email": "tess@example.com",
            "password1": PASSPHRASE,
            "password2": PASSPHRASE,
            **extra,
        },
    )


def test_signup_sends_one_mail_with_one_link_that_verifies(client, mailoutbox):
    sign_up(client)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["tess@example.com"]
    links = LINK.findall(mailoutbox[0].body)
    assert len(links) == 1
    address = EmailAddress.objects.get(email="tess@example.com")
    assert not address.verified

    response = client.get(links[0])

    address.refresh_from_db()
    assert address.verified
    assert response.status_code == 302


def test_signup_leaves_the_reader_signed_in_before_verifying(client, article):
    response = sign_up(client, next=article.get_absolute_url())

    page = client.get(response["Location"])

    assertRedirects(response, article.get_absolute_url(), fetch_redirect_response=False)
    # Signed in, the comment form ready.
    assertContains(page, 'name="body"')
    assert client.session["_auth_user_id"] == str(User.objects.get(username="Tess").pk)


def test_signup_verification_link_works_in_another_browser(client, mailoutbox):
    sign_up(client)
    link = LINK.findall(mailoutbox[0].body)[0]

    Client().get(link)

    assert EmailAddress.objects.get(email="tess@example.com").verified


def test_email_page_shows_the_address_and_whether_it_is_verified(signed_in, reader):
    EmailAddress.objects.filter(user=reader).update(verified=False)

    response = signed_in.get("/accounts/email/")

    assertContains(response, "paul3390@example.com")
    assertContains(response, "not verified yet")


def test_email_change_is_verified_before_it_replaces_the_address(
    signed_in, reader, mailoutbox, caplog
):
    response = signed_in.post(
        "/accounts/email/", {"action_add": "", "email": "pavel@example.com"}
    )

    reader.refresh_from_db()
    assert response.status_code == 302
    assert reader.email == "Paul3390@example.com"
    assert mailoutbox[-1].to == ["pavel@example.com"]

    signed_in.get(LINK.findall(mailoutbox[-1].body)[0])

    reader.refresh_from_db()
    assert reader.email == "pavel@example.com"
    assert list(
        EmailAddress.objects.filter(user=reader).values_list("email", "verified")
    ) == [("pavel@example.com", True)]
    assert any(
        record.getMessage().startswith("e-mail changed: 'Paul3390'")
        for record in caplog.records
    )


def test_email_verification_resend_is_limited(signed_in, reader, mailoutbox):
    EmailAddress.objects.filter(user=reader).update(verified=False)
    resend = {"action_send": "", "email": "paul3390@example.com"}

    sent = [
        signed_in.post("/accounts/email/", resend).status_code
        for _ in range(throttle.VERIFICATION_MAILS_PER_READER)
    ]
    refused = signed_in.post("/accounts/email/", resend)

    assert sent == [302] * throttle.VERIFICATION_MAILS_PER_READER
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assertContains(refused, "Too many verification mails", status_code=429)
    assert len(mailoutbox) <= throttle.VERIFICATION_MAILS_PER_READER


def test_email_addresses_of_earlier_readers_are_carried_over(reader, other_reader):
    migration = importlib.import_module(
        "briefing.accounts.migrations.0004_email_addresses"
    )
    EmailAddress.objects.filter(user=other_reader).delete()

    migration.create_email_addresses(apps, None)

    address = EmailAddress.objects.get(user=other_reader)
    assert (address.email, address.primary, address.verified) == (
        "fizik13@example.com",
        True,
        False,
    )
    assert EmailAddress.objects.filter(user=reader).count() == 1


def test_load_demo_marks_the_demo_readers_addresses_verified():
    call_command("load_demo")

    readers = User.objects.all()
    assert readers.count() > 1
    assert all(
        EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
        for user in readers
    )
