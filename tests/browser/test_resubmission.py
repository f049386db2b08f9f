"""Going back after posting and sending again stores nothing new."""

import pytest
from playwright.sync_api import expect

from .conftest import post_comment

pytestmark = pytest.mark.browser


def count_comments(server, body: str) -> int:
    return server.python(
        "from comments.models import Comment\n"
        "result = Comment.objects.filter(body=data['body']).count()",
        body=body,
    )


def test_back_then_post_again_lands_on_the_comment_already_posted(
    page, server, make_reader, make_article, sign_in
):
    article = make_article("Back and forth")
    reader = make_reader("backer", trusted=True)
    sign_in(reader, article)
    page.goto(article)
    text = "Said once, whatever the Back button says."

    anchor = post_comment(page, text)
    page.go_back()
    box = page.get_by_label("Your comment")
    # Chromium restores the typed text after Back; type it if this one did not.
    if not box.input_value():
        box.fill(text)
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(f"**#{anchor}")

    assert count_comments(server, text) == 1
    expect(page.locator(".messages")).to_contain_text("already posted")
    expect(page.locator(f"#{anchor}")).to_contain_text(text)
