"""Accounts in Chromium against a gunicorn that mails through a real SMTP
server the test starts (aiosmtpd), with staff two-factor on: a newcomer signs
up from an article and verifies their address from the mail; a moderator
sets up an authenticator app and opens the admin."""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email import message_from_bytes
from email.policy import default as default_policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from .conftest import PASSWORD
from .server import Server, free_port

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+")


class Mailbox:
    """aiosmtpd handler: keeps every message it receives."""

    def __init__(self):
        self.messages = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, recipient: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                mails = [m for m in self.messages if recipient in m["To"]]
                if mails:
                    return mails
                left = deadline - time.monotonic()
                assert left > 0, f"no mail to {recipient} arrived"
                self._arrived.wait(left)


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory, mailbox):
    _, port = mailbox
    server = Server(
        tmp_path_factory.mktemp("accounts-server"),
        DJANGO_EMAIL_URL=f"smtp://127.0.0.1:{port}",
        BRIEFING_STAFF_2FA="on",
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site_page(browser, accounts_server):
    context = browser.new_context(
        base_url=accounts_server.base_url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
    )
    yield context.new_page()
    context.close()


def _path(url: str) -> str:
    return urlsplit(url).path


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_newcomer_signs_up_from_an_article_and_verifies_from_the_mail(
    site_page, accounts_server, mailbox
):
    box, _ = mailbox
    page = site_page
    article = accounts_server.python(
        "from briefing.models import Article\n"
        "result = Article.objects.get().get_absolute_url()"
    )
    page.goto(article)

    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Sign up"
    ).click()
    page.get_by_label("Username", exact=True).fill("Tess Ковальчук")
    page.get_by_label("Display name").fill("Tess")
    page.get_by_label("Email address").fill("tess@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign up").click()

    # Back on the article, signed in, the comment form ready.
    page.wait_for_url(lambda url: _path(url) == article)
    expect(page.get_by_label("Your comment")).to_be_editable()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text(
        "Tess Ковальчук"
    )

    mails = box.wait_for("tess@example.com")
    links = LINK.findall(_body(mails[0]))
    assert len(mails) == 1
    assert len(links) == 1
    page.goto(links[0])
    page.goto("/accounts/email/")

    expect(page.locator("main")).to_contain_text("tess@example.com (verified)")
    assert len(box.wait_for("tess@example.com")) == 1


def test_moderator_sets_up_an_authenticator_app_then_opens_the_admin(
    site_page, accounts_server
):
    page = site_page
    accounts_server.python(
        """
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from briefing.accounts.models import User

moderator = User.objects.create_user(
    username="Mira", email="mira@example.com", password=data["password"],
    display_name="Mira", is_staff=True,
)
moderator.groups.add(Group.objects.get(name="Moderators"))
EmailAddress.objects.create(
    user=moderator, email="mira@example.com", primary=True, verified=True
)
""",
        password=PASSWORD,
    )

    page.goto("/admin/comments/comment/")
    page.wait_for_url(lambda url: _path(url) == "/accounts/login/")
    page.get_by_label("Username").fill("Mira")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    # No admin page without two-factor: first the password again, then the app.
    page.wait_for_url(lambda url: _path(url) == "/accounts/reauthenticate/")
    expect(page.locator("main")).to_contain_text("Staff must set up two-factor")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm").click()
    page.wait_for_url(lambda url: _path(url) == "/accounts/2fa/totp/activate/")
    secret = page.get_by_label("Authenticator key").input_value()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    page.get_by_label("Authenticator code").fill(code)
    page.locator("main").get_by_role("button", name="Turn on").click()
    page.wait_for_url(lambda url: _path(url) != "/accounts/2fa/totp/activate/")
    page.goto("/accounts/2fa/recovery-codes/")
    recovery_code = page.locator(".recovery-codes code").first.inner_text()

    page.goto("/admin/comments/comment/")
    expect(page.locator("#content h1")).to_be_visible()
    assert _path(page.url) == "/admin/comments/comment/"

    # Each sign-in asks for a code: here a recovery code, as without the phone.
    page.goto("/")
    page.get_by_role("navigation", name="Account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.goto("/admin/")
    page.get_by_label("Username").fill("Mira")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: _path(url) == "/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(recovery_code)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: _path(url) == "/admin/")
    assert accounts_server.errors_logged() == []


def test_scripted_client_signs_in_over_plain_http(accounts_server):
    """As `make run` serves it: a script keeps the CSRF cookie and posts the
    form, with no browser."""
    accounts_server.python(
        """
from briefing.accounts.models import User
User.objects.create_user(username="Scripted", email="s@example.com", password=data["password"])
""",
        password=PASSWORD,
    )
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(cookies), _NoRedirects
    )
    opener.open(f"{accounts_server.base_url}/accounts/login/", timeout=30)
    token = next(cookie.value for cookie in cookies if cookie.name == "csrftoken")

    form = urllib.parse.urlencode(
        {"login": "scripted", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(f"{accounts_server.base_url}/accounts/login/", form, timeout=30)

    assert redirect.value.code == 302
    assert redirect.value.headers["Location"] == "/"
    assert "sessionid" in {cookie.name for cookie in cookies}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
