"""A reader deletes their account in Chromium; after the grace the job erases
it and their comments become numbered placeholders."""

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, post_comment

pytestmark = pytest.mark.browser


def test_reader_deletes_account_and_comments_become_placeholders(
    page, server, sign_in, make_reader, make_article
):
    article = make_article("Elections called early")
    leaving = make_reader("leaving", "Leaving Reader", trusted=True)
    staying = make_reader("staying", "Staying Reader", trusted=True)
    sign_in(staying, article)
    post_comment(page, "The first comment stays.")
    page.get_by_role("button", name="Sign out").click()
    sign_in(leaving, article)
    anchor = post_comment(page, "Words I take with me.")

    page.goto("/accounts/settings/")
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()

    expect(page.locator(".messages")).to_contain_text("will be erased on")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    server.python(
        "from datetime import timedelta\n"
        "from briefing.accounts.models import User\n"
        "user = User.objects.get(username=data['username'])\n"
        "user.deletion_requested_at -= timedelta(hours=25)\n"
        "user.save(update_fields=['deletion_requested_at'])\n",
        username=leaving.username,
    )
    assert server.manage("erase_accounts").strip() == "1 account erased."

    page.goto(article)
    erased = page.locator(f"#{anchor}")
    expect(erased.locator(".comment__number")).to_have_text("2.")
    expect(erased).to_have_text(
        "2. This comment was removed with its author's account."
    )
    expect(page.locator("#comments")).not_to_contain_text("Words I take with me.")
    expect(page.locator("#comments")).not_to_contain_text(leaving.username)
    expect(page.locator("#comments")).to_contain_text("The first comment stays.")
    assert page.goto(leaving.profile_url).status == 404
