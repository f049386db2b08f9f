"""What readers and moderators do, in Chromium, against gunicorn."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, post_comment, save_screenshot
from .pages import DEMO_ARTICLE

pytestmark = pytest.mark.browser

SIGN_IN_NOTICE = "Dear reader, to leave comments on the publication, you must sign in."


def test_anonymous_reader_reads_the_discussion_and_is_asked_to_sign_in(
    page, make_reader
):
    reader = make_reader("Viktor", "Viktor")
    # Other tests publish newer articles: the demo one, the oldest, is on
    # the front page's last page (a number past the end shows the last).
    page.goto("/?page=99")

    page.get_by_role(
        "link", name="Russia enters the oil and gas sector of the DPRK"
    ).click()
    comments = page.locator("#comments .comment")
    first = comments.first
    notice = page.locator(".notice--sign-in")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Russia enters the oil and gas sector of the DPRK"
    )
    expect(comments).to_have_count(8)
    expect(first.locator(".comment__number")).to_have_text("1.")
    expect(first).to_contain_text("Paul3390 (Paul)")
    expect(first).to_contain_text("Offline")
    expect(first).to_contain_text("11 February 2024 15:30")
    expect(notice).to_have_text(SIGN_IN_NOTICE)
    expect(page.get_by_label("Your comment")).to_have_count(0)
    notice.scroll_into_view_if_needed()
    save_screenshot(page, "sign-in-notice", clip=_around(page, "#comments", 720))

    notice.get_by_role("link", name="sign in").click()
    page.get_by_label("Username").fill(reader.username.upper())
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(re.escape(DEMO_ARTICLE) + "#comments$"))
    expect(page.get_by_label("Your comment")).to_be_visible()
    expect(page.locator(".notice--sign-in")).to_have_count(0)


def test_new_reader_signs_up_and_first_comment_waits_for_a_moderator(
    page, make_context, make_reader, make_article
):
    article = make_article("Budget talks resume")
    moderator = make_reader(
        "mod", "The Moderator", is_staff=True, groups=["Moderators"]
    )
    page.goto(article)

    page.locator("nav").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("Newcomer")
    page.get_by_label("Display name").fill("Nina")
    page.get_by_label("Email address").fill("nina@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(re.escape(article) + "$"))
    anchor = post_comment(page, "My first comment: the talks will fail again.")
    own = page.locator(f"#{anchor}")

    expect(page.locator(".messages")).to_contain_text("awaiting moderation")
    expect(own).to_contain_text("awaiting moderation")
    expect(
        page.locator("#comments > ol.comment-list:not(.comment-list--own)")
    ).to_have_count(0)

    admin = make_context().new_page()
    admin.goto("/accounts/login/?next=/admin/comments/comment/")
    admin.get_by_label("Username").fill(moderator.username)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.locator("main").get_by_role("button", name="Sign in").click()
    comment_id = anchor.removeprefix("comment-")
    row = admin.locator(
        "#result_list tr", has=admin.locator(f"input[value='{comment_id}']")
    )
    expect(row).to_contain_text("My first comment")
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").first.select_option("approve_selected")
    admin.locator("#changelist-form button[name=index]").first.click()

    expect(admin.locator(".messagelist")).to_contain_text("approved")
    page.reload()
    published = page.locator(
        f"#comments > ol.comment-list:not(.comment-list--own) #{anchor}"
    )
    expect(published.locator(".comment__number")).to_have_text("1.")
    expect(published).to_contain_text("Newcomer (Nina)")
    expect(published).to_contain_text("Online")
    expect(page.locator(".comment-list--own")).to_have_count(0)


def test_moderation_queue_lists_what_needs_a_decision(
    page, server, make_reader, make_article, sign_in
):
    article = make_article("Moderation queue example")
    moderator = make_reader(
        "queue", "Queue Moderator", is_staff=True, groups=["Moderators"]
    )
    article_id = server.python(
        """
from datetime import datetime
from zoneinfo import ZoneInfo
from briefing.accounts.models import User
from briefing.models import Article
from comments import moderation
from comments.models import Comment

article = Article.objects.get(slug=data["slug"])
at = lambda hour, minute: datetime(2024, 2, 12, hour, minute, tzinfo=ZoneInfo("Europe/Moscow"))
readers = {
    name: User.objects.get_or_create(username=name, defaults={"display_name": shown})[0]
    for name, shown in [("Semyon", "Semyon"), ("Tanya_K", "Tanya"), ("Gleb", "Gleb"), ("Marat", "Marat")]
}
Comment.objects.create(article=article, author=readers["Semyon"], created_at=at(9, 12), status="pending", rule="new_reader",
    moderation_reason="The reader has 0 approved comments (first 1 are premoderated)",
    body="First time here. The figures in the third paragraph do not add up.")
Comment.objects.create(article=article, author=readers["Tanya_K"], created_at=at(9, 40), status="pending", rule="links",
    moderation_reason="3 links (more than 2)",
    body="Cheap flights https://example.com/a https://example.com/b https://example.com/c")
reported = Comment.objects.create(article=article, number=Comment.objects.next_number(article.pk), author=readers["Gleb"], created_at=at(10, 5), status="published",
    body="Anyone who believes this is an idiot.")
for reporter in readers["Semyon"], readers["Marat"]:
    moderation.report_comment(reported, reporter, "abuse", "")
result = article.pk
""",
        slug=article.strip("/").rsplit("/", 1)[-1],
    )
    sign_in(moderator, "/admin/")

    page.goto(f"/admin/comments/comment/?article={article_id}")

    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#result_list")).to_contain_text("First time here")
    expect(page.locator("#result_list")).to_contain_text("3 links")
    expect(page.locator("#result_list")).to_contain_text("idiot")
    page.set_viewport_size({"width": 1440, "height": 720})
    # The queue leaves out the admin's navigation sidebar: room for its columns.
    expect(page.locator("#nav-sidebar")).to_be_hidden()
    page.evaluate("() => window.scrollTo(0, 0)")
    save_screenshot(page, "moderation-queue")


def test_reader_replies_with_the_reply_button(
    page, make_reader, make_article, server, sign_in
):
    article = make_article("Rail strike called off")
    reader = make_reader("Replier", "Rita", trusted=True)
    other = make_reader("Answered", "Andrei", trusted=True)
    answered = _comment(server, article, other, "The unions got what they wanted.")
    sign_in(reader, article)
    page.goto(article)

    page.locator(f"#comment-{answered} .reply-link").click()
    note = page.locator("#reply-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text(f"Replying to {other.username}")
    expect(page.get_by_label("Your comment")).to_be_focused()
    anchor = post_comment(page, "Not all of it.")

    reply = page.locator(f"#{anchor}")
    expect(reply.locator(".comment__reply-to")).to_contain_text(
        f"In reply to {other.username}"
    )
    expect(reply.locator(".comment__reply-to a")).to_have_attribute(
        "href", re.compile(f"#comment-{answered}$")
    )
    expect(reply.locator(".comment__number")).to_have_text("2.")


def test_reply_works_without_javascript(
    make_context, make_reader, make_article, server
):
    article = make_article("Harvest forecast cut")
    reader = make_reader("NoScript", "Nikolai", trusted=True)
    other = make_reader("Farmer", "Fyodor", trusted=True)
    answered = _comment(server, article, other, "Rain in May did the damage.")
    page = make_context(java_script_enabled=False).new_page()
    page.goto(f"/accounts/login/?next={article}")
    page.get_by_label("Username").fill(reader.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()

    page.locator(f"#comment-{answered} .reply-link").click()
    expect(page.locator("#reply-note")).to_be_visible()
    expect(page).to_have_url(re.compile(f"reply_to={answered}"))
    anchor = post_comment(page, "And the heat in July.")

    reply = page.locator(f"#{anchor}")
    expect(reply.locator(".comment__reply-to a")).to_have_attribute(
        "href", re.compile(f"#comment-{answered}$")
    )


def test_author_edits_a_comment_within_the_window(
    page, make_reader, make_article, sign_in
):
    article = make_article("Airport expansion approved")
    reader = make_reader("Editor_of_own", "Eva", trusted=True)
    sign_in(reader, article)
    page.goto(article)
    anchor = post_comment(page, "Thirty new gates by 2030.")

    page.locator(f"#{anchor}").get_by_role("link", name="Edit", exact=True).click()
    body = page.get_by_label("Your comment")
    expect(body).to_have_value("Thirty new gates by 2030.")
    body.fill("Twenty new gates by 2030.")
    page.get_by_role("button", name="Save changes").click()

    comment = page.locator(f"#{anchor}")
    expect(page.locator(".messages")).to_contain_text("updated")
    expect(comment.locator(".comment__body")).to_have_text("Twenty new gates by 2030.")
    expect(comment.locator(".comment__edited")).to_be_visible()


def test_author_deletes_a_comment_and_its_place_is_kept(
    page, make_reader, make_article, sign_in
):
    article = make_article("Museum reopens")
    reader = make_reader("Deleter", "Dasha", trusted=True)
    sign_in(reader, article)
    page.goto(article)
    anchor = post_comment(page, "I regret writing this.")

    page.locator(f"#{anchor}").get_by_role("link", name="Delete", exact=True).click()
    page.get_by_role("button", name="Delete").click()

    comment = page.locator(f"#{anchor}")
    expect(page.locator(".messages")).to_contain_text("deleted")
    expect(comment).to_contain_text("This comment was deleted by its author.")
    expect(comment.locator(".comment__number")).to_have_text("1.")
    expect(comment).not_to_contain_text("I regret writing this.")


def test_reader_reports_a_comment(page, make_reader, make_article, server, sign_in):
    article = make_article("Election date set")
    reader = make_reader("Reporter", "Roman", trusted=True)
    other = make_reader("Spammer", "Sam", trusted=True)
    reported = _comment(server, article, other, "Buy followers at my site!")
    sign_in(reader, article)
    page.goto(article)

    page.locator(f"#comment-{reported}").get_by_role("link", name="Report").click()
    page.get_by_label("Spam").check()
    page.get_by_role("button", name="Send report").click()

    expect(page.locator(".messages")).to_contain_text(
        "The moderators will look at this comment"
    )
    expect(page).to_have_url(re.compile(f"#comment-{reported}$"))
    assert server.python(
        "from comments.models import Report\n"
        "result = list(Report.objects.filter(comment_id=data['id']).values_list('reason', flat=True))",
        id=reported,
    ) == ["spam"]


def test_banned_reader_is_told_why_before_writing(
    page, make_reader, make_article, sign_in
):
    article = make_article("Fuel prices rise")
    reader = make_reader(
        "Banned",
        "Boris",
        trusted=True,
        sanction={"kind": "ban", "reason": "Repeated personal attacks"},
    )
    sign_in(reader, article)
    page.goto(article)

    notice = page.locator("#sanction")
    expect(notice).to_contain_text("You are banned from commenting")
    expect(notice).to_contain_text("Repeated personal attacks.")
    expect(notice.get_by_role("link", name="community guidelines")).to_be_visible()
    expect(page.get_by_label("Your comment")).to_have_count(0)
    expect(page.locator("#comments .comment")).to_have_count(0)


def test_reader_signs_in_and_posts_with_the_keyboard_only(
    page, make_reader, make_article
):
    article = make_article("Heatwave warning")
    reader = make_reader("Keyboard", "Kira", trusted=True)
    page.goto(f"/accounts/login/?next={article}")
    # The username field has autofocus: typing goes there.
    expect(page.get_by_label("Username")).to_be_focused()

    page.keyboard.type(reader.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == article)
    _tab_to(page, "textarea[name=body]")
    page.keyboard.type("Drink water, check on neighbours.")
    _tab_to(page, "#comment-form button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url("**#comment-*")
    anchor = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{anchor} .comment__body")).to_have_text(
        "Drink water, check on neighbours."
    )


def test_double_click_posts_once(page, make_reader, make_article, sign_in, server):
    article = make_article("Bridge closed for repairs")
    reader = make_reader("Clicker", "Klim", trusted=True)
    sign_in(reader, article)
    page.goto(article)

    page.get_by_label("Your comment").fill("Finally.")
    page.get_by_role("button", name="Post comment").dblclick()
    page.wait_for_url("**#comment-*")

    expect(page.locator("#comments .comment")).to_have_count(1)
    assert (
        server.python(
            "from comments.models import Comment\n"
            "result = Comment.objects.filter(author__username=data['name']).exclude(article__slug='archive').count()",
            name=reader.username,
        )
        == 1
    )


def test_counter_shows_the_characters_left(page, make_reader, make_article, sign_in):
    article = make_article("Library hours extended")
    reader = make_reader("Counter", "Kostya", trusted=True)
    sign_in(reader, article)
    page.goto(article)
    counter = page.locator(".char-count")
    expect(counter).to_have_text("5,000 characters left")

    page.get_by_label("Your comment").fill("x" * 4999)

    expect(counter).to_have_text("1 character left")


def _tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with Tab")


def _comment(server, article_url: str, author, body: str) -> int:
    """A published comment by `author`, made in the server's database."""
    return server.python(
        """
from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment

article = Article.objects.get(slug=data["slug"])
result = Comment.objects.create(
    article=article,
    number=Comment.objects.next_number(article.pk),
    author=User.objects.get(username=data["author"]),
    body=data["body"],
    status="published",
).pk
""",
        slug=article_url.strip("/").rsplit("/", 1)[-1],
        author=author.username,
        body=body,
    )


def _around(page, selector: str, height: int) -> dict:
    """A clip of the page: the full width, from `selector` down `height` px."""
    box = page.locator(selector).bounding_box()
    return {
        "x": 0,
        "y": box["y"] - 24,
        "width": page.viewport_size["width"],
        "height": height,
    }
