"""The moderator's desk in Chromium: a reported comment handled from the
queue in two clicks, then with keys only, and the queue measured at a
laptop's and a phone's width."""

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, save_screenshot

pytestmark = pytest.mark.browser

SEED = """
from briefing.accounts.models import User
from briefing.models import Article
from comments import moderation
from comments.models import Comment, Ignore

article = Article.objects.get(slug=data["slug"])
author = User.objects.get(username=data["author"])
ids = []
for body in data["bodies"]:
    comment = Comment.objects.create(
        article=article,
        number=Comment.objects.next_number(article.pk),
        author=author,
        status="published",
        body=body,
    )
    for name in ("w1", "w2"):
        witness, _ = User.objects.get_or_create(username=data["author"] + name)
        moderation.report_comment(comment, witness, "abuse", "Insults the staff")
        Ignore.objects.get_or_create(ignorer=witness, ignored=author)
    ids.append(comment.pk)
result = {"article": article.pk, "comments": ids}
"""

STATE = """
from comments.models import Comment
result = {
    str(c.pk): [c.status, c.removal_reason, c.open_reports]
    for c in Comment.objects.filter(pk__in=data["ids"])
}
"""


@pytest.fixture
def desk(server, make_reader, make_article, sign_in):
    """A signed-in moderator and `seed(bodies)`: reported comments under an
    article of their own; the queue's address narrowed to that article."""
    moderator = make_reader("desk", "Desk Mod", is_staff=True, groups=["Moderators"])
    sign_in(moderator, "/admin/")

    def seed(*bodies: str, title="Tempers rise over parking") -> dict:
        article = make_article(title)
        author = make_reader("Heckler", "Heckler", trusted=True)
        made = server.python(
            SEED,
            slug=article.strip("/").rsplit("/", 1)[-1],
            author=author.username,
            bodies=list(bodies),
        )
        made["queue"] = f"/admin/comments/comment/?article={made['article']}"
        return made

    return seed


def state(server, ids):
    return server.python(STATE, ids=ids)


def row_of(page, comment_id):
    return page.locator(
        "#result_list tbody tr", has=page.locator(f"input[value='{comment_id}']")
    )


def test_reported_comment_rejected_in_two_clicks_from_the_queue(page, server, desk):
    made = desk("Everyone at this paper is a liar.")
    (comment,) = made["comments"]
    page.goto(made["queue"])
    row = row_of(page, comment)
    expect(row).to_contain_text("abuse or harassment (2)")
    expect(row).to_contain_text("ignored by 2 readers")

    row.get_by_text("Reject…").click()  # 1
    save_screenshot(row, "moderation-desk-reasons")
    row.get_by_role("button", name="abuse or harassment").click()  # 2

    expect(page.locator(".messagelist")).to_contain_text(
        "Rejected (abuse or harassment)"
    )
    assert page.url.endswith(made["queue"])
    assert state(server, [comment]) == {str(comment): ["rejected", "abuse", 0]}


def test_reported_comments_handled_with_keys_only(page, server, desk):
    made = desk("First: you are all idiots.", "Second: buy cheap watches.")
    first, second = made["comments"]
    page.goto(made["queue"])

    page.keyboard.press("?")
    expect(page.locator("#desk-keys")).to_be_visible()
    expect(page.locator("#desk-keys")).to_contain_text("hate speech")
    save_screenshot(page, "moderation-desk-keys")
    page.keyboard.press("Escape")
    expect(page.locator("#desk-keys")).to_be_hidden()

    # The first j selects the first row; r and a reason's key reject it.
    page.keyboard.press("j")
    expect(row_of(page, first)).to_have_class("desk-current")
    page.keyboard.press("r")
    expect(row_of(page, first).locator(".desk-reasons")).to_be_visible()
    with page.expect_navigation():
        page.keyboard.press("2")
    expect(page.locator(".messagelist")).to_contain_text("Rejected (abuse")

    # The queue moved on: the next comment is where the first was, selected.
    expect(row_of(page, second)).to_have_class("desk-current")
    with page.expect_navigation():
        page.keyboard.press("a")
    expect(page.locator(".messagelist")).to_contain_text("Approved")

    assert state(server, [first, second]) == {
        str(first): ["rejected", "abuse", 0],
        str(second): ["published", "", 0],
    }


def test_key_o_rejects_as_other_with_a_typed_note(page, server, desk):
    made = desk("Meet me at the station at nine.")
    (comment,) = made["comments"]
    page.goto(made["queue"])

    page.keyboard.press("j")
    page.keyboard.press("r")
    page.keyboard.press("o")
    page.keyboard.type("Private arrangements are not a comment")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator(".messagelist")).to_contain_text("Rejected (other)")
    note = server.python(
        "from comments.models import Comment\n"
        "result = Comment.objects.get(pk=data['pk']).moderation_reason",
        pk=comment,
    )
    assert note == "Private arrangements are not a comment"


def test_queue_has_no_serious_accessibility_violations(page, desk):
    made = desk("Checked by axe.")
    page.goto(made["queue"])
    page.keyboard.press("j")

    assert axe_violations(page) == []


def test_keys_typed_in_a_field_are_the_fields(page, server, desk):
    made = desk("Typing here must not approve anything.")
    (comment,) = made["comments"]
    page.goto(made["queue"])

    page.get_by_role("textbox", name="Search").fill("jar")
    page.keyboard.press("j")
    page.keyboard.press("a")

    expect(page.locator("#result_list tr.desk-current")).to_have_count(0)
    assert state(server, [comment]) == {str(comment): ["published", "", 2]}


@pytest.mark.parametrize("width", [1280, 375])
def test_queue_fits_the_width_without_sideways_scrolling(
    make_context, server, desk, width
):
    made = desk(
        "A long complaint. " * 60,
        "Short one.",
        "https://example.com/" + "an-unbroken-address-" * 10,
        title="A headline long enough to wrap across a few lines in the column",
    )
    # The same moderator, in a context of the wanted width.
    context = make_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in_as_moderator(page, server)

    page.goto(made["queue"])
    save_screenshot(page, f"moderation-desk-{width}", full_page=True)

    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], widths
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    # Titles are not a word a line: the article link is wider than a word.
    link = page.locator("#result_list .comment-meta a").first
    box = link.bounding_box()
    assert box["width"] > 120, box


def test_the_russian_queue_fits_375px_and_passes_axe(make_context, server, desk):
    """The longer Russian labels of the row's buttons and the keys' help."""
    made = desk(
        "Длинная жалоба на редакцию. " * 40,
        "Коротко.",
        title="Заголовок достаточно длинный, чтобы переноситься на несколько строк",
    )
    context = make_context(locale="ru-RU", viewport={"width": 375, "height": 900})
    page = context.new_page()
    _sign_in_as_moderator(page, server)

    page.goto(made["queue"])
    page.keyboard.press("j")

    assert page.evaluate("() => document.documentElement.lang") == "ru"
    expect(page.locator("#result_list .desk-approve").first).to_contain_text("Одобрить")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], widths
    assert axe_violations(page) == []


def _sign_in_as_moderator(page, server):
    cookie = server.python(
        """
from django.conf import settings
from django.test import Client
from briefing.accounts.models import User

moderator = User.objects.filter(groups__name="Moderators", username__startswith="desk").latest("pk")
client = Client()
client.force_login(moderator)
name = settings.SESSION_COOKIE_NAME
result = {"name": name, "value": client.cookies[name].value}
"""
    )
    page.context.add_cookies([{**cookie, "url": server.base_url}])
