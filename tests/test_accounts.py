"""Readers' accounts: sign up, sign in and out, passwords, their own settings."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from briefing.accounts.models import User

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a quiet meadow under snow"


def signup_data(**overrides):
    return {
        "username": "Alexander Dutov",
        "display_name": "Alexander",
        "email": "dutov@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def signed_in_user(client):
    return client.session.get(SESSION_KEY)


def test_signup_signs_the_reader_in_and_returns_to_the_article(
    csrf_client, form_token, article
):
    page = csrf_client.get(f"/accounts/signup/?next={article.get_absolute_url()}")

    response = csrf_client.post(
        "/accounts/signup/",
        {
            **signup_data(),
            "next": article.get_absolute_url(),
            "csrfmiddlewaretoken": form_token(page),
        },
    )

    assertRedirects(response, article.get_absolute_url())
    reader = User.objects.get(username="Alexander Dutov")
    assert reader.display_name == "Alexander"
    assert reader.email == "dutov@example.com"
    assert signed_in_user(csrf_client) == str(reader.pk)


def test_signup_form_carries_next_to_the_post(client, article):
    response = client.get(f"/accounts/signup/?next={article.get_absolute_url()}")

    assertContains(
        response,
        f'<input type="hidden" name="next" value="{article.get_absolute_url()}">',
    )


def test_signup_without_csrf_token_is_refused(csrf_client):
    response = csrf_client.post("/accounts/signup/", signup_data())

    assert response.status_code == 403
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_signup_ignores_a_next_outside_the_site(client, next_url):
    response = client.post("/accounts/signup/", {**signup_data(), "next": next_url})

    assertRedirects(response, "/", fetch_redirect_response=False)


@pytest.mark.parametrize(
    "username",
    [
        "Alexander Dutov",
        "1_2",
        "Алексей",
        "李小龙",
        "محمد",
        "हिन्दी",
        "ภาษาไทย",
        "a.b@c+d-e_f",
        "Ünïcödé",
    ],
)
def test_signup_accepts_usernames_of_any_alphabet(client, username):
    response = client.post("/accounts/signup/", signup_data(username=username))

    assert response.status_code == 302
    assert User.objects.filter(username=username).exists()


@pytest.mark.parametrize(
    "username",
    [
        "two  spaces",
        "tab\tname",
        "semi;colon",
        "slash/name",
        "<script>",
        "right\u202eleft",
        "zero\u200bwidth",
        "\u0301starts with a combining mark",
    ],
)
def test_signup_refuses_usernames_outside_the_allowed_set(client, username):
    response = client.post("/accounts/signup/", signup_data(username=username))

    assert response.status_code == 200
    assert response.context["form"].has_error("username")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "impostor",
    [
        "paul3390",  # case
        "PAUL3390",
        "Раul3390",  # Cyrillic Р and а
        "Paul３３９０",  # fullwidth digits
    ],
)
def test_signup_refuses_a_username_that_looks_like_another(client, reader, impostor):
    response = client.post("/accounts/signup/", signup_data(username=impostor))

    assertContains(response, "already exists")
    assert User.objects.count() == 1


def test_signup_trims_spaces_around_the_username(client):
    client.post("/accounts/signup/", signup_data(username="  Alexander Dutov "))

    assert User.objects.get().username == "Alexander Dutov"


def test_signup_applies_the_password_validators(client):
    response = client.post(
        "/accounts/signup/",
        signup_data(password1="12345678", password2="12345678"),
    )

    form = response.context["form"]
    assert form.has_error("password1")
    assert "too common" in str(form.errors["password1"])
    assert not User.objects.exists()


def test_signup_requires_every_field_and_keeps_what_was_typed(client):
    response = client.post(
        "/accounts/signup/", signup_data(display_name="", email="not-an-address")
    )

    form = response.context["form"]
    assert form.has_error("display_name")
    assert form.has_error("email")
    assertContains(response, 'value="Alexander Dutov"')
    assert not User.objects.exists()


def test_signin_ignores_the_case_of_the_username(csrf_client, form_token, reader):
    page = csrf_client.get("/accounts/login/")

    response = csrf_client.post(
        "/accounts/login/",
        {
            "username": "PAUL3390",
            "password": PASSWORD,
            "csrfmiddlewaretoken": form_token(page),
        },
    )

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert signed_in_user(csrf_client) == str(reader.pk)


def test_signin_returns_to_next_on_the_site(client, reader, article):
    response = client.post(
        f"/accounts/login/?next={article.get_absolute_url()}",
        {"username": "Paul3390", "password": PASSWORD},
    )

    assertRedirects(response, article.get_absolute_url())


def test_signin_ignores_a_next_outside_the_site(client, reader):
    response = client.post(
        "/accounts/login/",
        {"username": "Paul3390", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assertRedirects(response, "/", fetch_redirect_response=False)


def test_signin_with_a_wrong_password_says_so(client, reader):
    response = client.post(
        "/accounts/login/", {"username": "Paul3390", "password": "wrong"}
    )

    assertContains(
        response, "The username and/or password you specified are not correct"
    )
    # Usernames ignore case: the error must not suggest otherwise.
    assertNotContains(response, "case-sensitive")
    assertNotContains(response, "case sensitive")
    assert signed_in_user(client) is None


def test_signin_refuses_an_inactive_reader(client, reader):
    reader.is_active = False
    reader.save()

    client.post("/accounts/login/", {"username": "Paul3390", "password": PASSWORD})

    assert signed_in_user(client) is None


def test_signout_is_a_post_and_says_so(csrf_client, form_token, reader):
    csrf_client.force_login(reader)
    page = csrf_client.get("/")

    refused = csrf_client.get("/accounts/logout/")
    response = csrf_client.post(
        "/accounts/logout/", {"csrfmiddlewaretoken": form_token(page)}, follow=True
    )

    assert refused.status_code == 405
    assertRedirects(response, "/")
    assertContains(response, "You have signed out.")
    assert signed_in_user(csrf_client) is None


def test_password_change_needs_the_old_password(client, reader):
    client.force_login(reader)

    wrong = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "wrong",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    right = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert wrong.context["form"].has_error("oldpassword")
    assertRedirects(right, "/accounts/password/change/")
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)


def test_password_change_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/accounts/password/change/")

    assertRedirects(
        response,
        "/accounts/login/?next=/accounts/password/change/",
        fetch_redirect_response=False,
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/accounts/password_change/", "/accounts/password/change/"),
        ("/accounts/password_reset/", "/accounts/password/reset/"),
    ],
)
def test_djangos_old_password_urls_redirect_to_allauths(client, old, new):
    response = client.get(old)

    assertRedirects(response, new, status_code=302, fetch_redirect_response=False)


def test_password_reset_mails_a_link_that_sets_a_new_password(
    client, reader, mailoutbox
):
    response = client.post("/accounts/password/reset/", {"email": reader.email})

    assertRedirects(response, "/accounts/password/reset/done/")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [reader.email.lower()]
    link = re.search(r"/accounts/password/reset/key/\S+/", mailoutbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    assertContains(form_page, "password1")
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assertRedirects(done, "/accounts/password/reset/key/done/")
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_sends_nothing(client, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assertRedirects(response, "/accounts/password/reset/done/")
    assert mailoutbox == []


def test_settings_change_the_readers_own_display_name_only(
    csrf_client, form_token, reader, other_reader
):
    csrf_client.force_login(reader)
    page = csrf_client.get("/accounts/settings/")

    response = csrf_client.post(
        "/accounts/settings/",
        {
            "display_name": "Pavel",
            # The address changes at /accounts/email/, where it is verified.
            "email": "pavel@example.com",
            # A form cannot reach another reader's account or rights.
            "username": "Fizik13",
            "is_staff": "on",
            "pk": other_reader.pk,
            "csrfmiddlewaretoken": form_token(page),
        },
    )

    assertRedirects(response, "/accounts/settings/")
    reader.refresh_from_db()
    other_reader.refresh_from_db()
    assert (reader.display_name, reader.email) == ("Pavel", "Paul3390@example.com")
    assert reader.username == "Paul3390"
    assert not reader.is_staff
    assert other_reader.display_name == "Alexey"


def test_settings_refuse_an_empty_display_name(signed_in, reader):
    response = signed_in.post(
        "/accounts/settings/", {"display_name": "  ", "email": reader.email}
    )

    assert response.context["form"].has_error("display_name")
    reader.refresh_from_db()
    assert reader.display_name == "Paul"


def test_settings_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/accounts/settings/")

    assertRedirects(
        response,
        "/accounts/login/?next=/accounts/settings/",
        fetch_redirect_response=False,
    )


def test_signin_page_links_to_signup_and_password_reset(client):
    response = client.get("/accounts/login/?next=/articles/x/")

    assertContains(response, 'href="/accounts/signup/?next=/articles/x/"')
    assertContains(response, 'href="/accounts/password/reset/"')
    assertNotContains(response, "Sign out")


def test_signin_with_the_login_field_by_username_or_email_ignoring_case(
    client, reader, caplog
):
    by_username = client.post(
        "/accounts/login/", {"login": "paul3390", "password": PASSWORD}
    )
    client.post("/accounts/logout/")
    by_email = client.post(
        "/accounts/login/", {"login": "PAUL3390@example.com", "password": PASSWORD}
    )

    assertRedirects(by_username, "/", fetch_redirect_response=False)
    assertRedirects(by_email, "/", fetch_redirect_response=False)
    assert signed_in_user(client) == str(reader.pk)
    assert "signed in: 'Paul3390' from 127.0.0.1" in [
        record.getMessage() for record in caplog.records
    ]


def test_signin_by_a_username_that_holds_an_at_sign(client, make_reader):
    user = make_reader("a.b@c+d-e_f", "Ab", email="ab@example.com")

    response = client.post(
        "/accounts/login/", {"login": "A.B@C+D-E_F", "password": PASSWORD}
    )

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert signed_in_user(client) == str(user.pk)


def test_signin_page_sends_a_signed_in_reader_on(client, reader, article):
    client.force_login(reader)

    response = client.get(f"/accounts/login/?next={article.get_absolute_url()}")

    assertRedirects(response, article.get_absolute_url())


def test_signin_form_fields_are_login_and_password(client):
    response = client.get("/accounts/login/")

    assertContains(response, 'name="login"')
    assertContains(response, 'name="password"')
    assertContains(response, "Username or e-mail address")


def test_signin_works_for_a_scripted_client_with_the_csrf_cookie(csrf_client, reader):
    csrf_client.get("/accounts/login/")
    token = csrf_client.cookies["csrftoken"].value

    response = csrf_client.post(
        "/accounts/login/",
        {"login": "Paul3390", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert signed_in_user(csrf_client) == str(reader.pk)
