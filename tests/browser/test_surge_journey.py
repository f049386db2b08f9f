"""The surge brake in Chromium: a burst of comments from many readers slows
the discussion down, a reader sees until when and is held to one comment
per interval, and a moderator ends it from the admin; a normal discussion
stays as it is."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import post_comment

pytestmark = pytest.mark.browser

BURST = """
import time
from briefing.accounts.models import User
from briefing.models import Article
from comments import moderation, surge
from django.utils import timezone

article = Article.objects.get(slug=data["slug"])
# All in one 5-minute window: start clear of a window's end.
now = timezone.now()
left = surge.window_start(now) + surge.WINDOW - now
if left.total_seconds() < 5:
    time.sleep(left.total_seconds() + 0.1)
for n in range(data["count"]):
    reader = User.objects.create_user(
        username=f"{data['slug']}-crowd{n}", password="x", display_name=f"Crowd {n}"
    )
    moderation.post_comment(
        author=reader, article=article, body=f"Outrage number {n} about this."
    )
article.refresh_from_db()
result = article.slow_mode_until is not None
"""


def _slug(url: str) -> str:
    return url.strip("/").rsplit("/", 1)[-1]


def test_burst_of_posts_slows_the_discussion_until_a_moderator_ends_it(
    page, server, make_reader, make_article, sign_in, make_context
):
    url = make_article("A scandal breaks")
    reader = make_reader("steady", "Steady Reader", trusted=True)
    moderator = make_reader("brakes", "Brake Mod", is_staff=True, groups=["Moderators"])

    assert server.python(BURST, slug=_slug(url), count=31) is True

    sign_in(reader, url)
    notice = page.locator("#slow-mode")
    expect(notice).to_contain_text(re.compile(r"slow mode until \d\d:\d\d"))
    expect(notice).to_contain_text("one comment per reader every 2 minutes")
    post_comment(page, "A calm word amid the noise.")
    page.get_by_label("Your comment").fill("And a second one at once.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("main")).to_contain_text(
        "one comment per reader every 2 minutes"
    )
    expect(page.get_by_label("Your comment")).to_have_value("And a second one at once.")

    desk = make_context().new_page()
    desk.goto("/accounts/login/?next=/admin/comments/articlediscussion/")
    desk.get_by_label("Username").fill(moderator.username)
    desk.get_by_label("Password").fill(moderator.password)
    desk.locator("main").get_by_role("button", name="Sign in").click()
    row = desk.locator("#result_list tr", has_text="A scandal breaks")
    expect(row).to_contain_text(re.compile(r"until \d\d:\d\d"))
    row.locator("input[name='_selected_action']").check()
    desk.locator("select[name='action']").select_option("end_slow_mode")
    desk.get_by_role("button", name="Run").click()
    expect(desk.locator(".messagelist")).to_contain_text(
        "Slow mode ended on 1 discussion."
    )
    expect(
        desk.locator("#result_list tr", has_text="A scandal breaks")
    ).to_contain_text("off")

    page.goto(url)
    expect(page.locator("#slow-mode")).to_have_count(0)


def test_normal_discussion_stays_out_of_slow_mode(page, server, make_article):
    url = make_article("A quiet council meeting")

    assert server.python(BURST, slug=_slug(url), count=12) is False

    page.goto(url)
    expect(page.locator("#slow-mode")).to_have_count(0)
