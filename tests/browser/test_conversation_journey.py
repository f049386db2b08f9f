"""The conversation in Chromium: Respect without a reload, and new comments
offered while the reader types."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ADD_COMMENT = """
from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment

article = Article.objects.get(slug=data["slug"])
comment = Comment.objects.create(
    article=article,
    author=User.objects.get(username=data["author"]),
    body=data["body"],
    status="published",
    number=Comment.objects.next_number(article.pk),
)
result = comment.pk
"""


def add_comment(server, article: str, author, body: str) -> int:
    return server.python(
        ADD_COMMENT,
        slug=article.strip("/").rsplit("/", 1)[-1],
        author=author.username,
        body=body,
    )


def test_reader_respects_a_comment_without_a_reload(
    page, server, sign_in, make_reader, make_article
):
    article = make_article("Respect where it is due")
    author, reader = make_reader("author"), make_reader("fan", trusted=True)
    pk = add_comment(server, article, author, "A point worth respecting.")
    sign_in(reader, article)
    page.evaluate("window.notReloaded = true")
    button = page.locator(f"#comment-{pk} .respect__button")

    button.click()

    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".respects")).to_have_text("1")
    assert page.evaluate("window.notReloaded") is True
    # The next press asks to take it back (a form sent twice undoes nothing).
    wanted = page.locator(f"#comment-{pk} form.respect input[name='respect']")
    expect(wanted).to_have_value("withdraw")

    button.click()

    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button.locator(".respects")).to_have_text("0")
    page.reload()
    expect(page.locator(f"#comment-{pk} .respects")).to_have_text("0")


def test_new_comments_are_offered_without_touching_the_draft(
    page, server, sign_in, make_reader, make_article
):
    article = make_article("A discussion that moves")
    author, reader = make_reader("author"), make_reader("typist", trusted=True)
    add_comment(server, article, author, "The first word.")
    page.clock.install()
    sign_in(reader, article)
    draft = page.get_by_label("Your comment")
    draft.fill("Half of what I meant to say")

    add_comment(server, article, author, "Posted while you were typing.")
    add_comment(server, article, author, "And another one.")
    page.clock.run_for("00:31")
    offer = page.locator(".live-offer")

    expect(offer).to_be_visible()
    expect(offer).to_contain_text("2 new comments — show")

    offer.get_by_role("button", name="show").click()

    expect(page.locator("#comments")).to_contain_text("Posted while you were typing.")
    expect(page.locator("#comments .comment")).to_have_count(3)
    expect(draft).to_have_value("Half of what I meant to say")
    expect(offer).to_be_hidden()


def test_hidden_tab_does_not_poll(page, server, sign_in, make_reader, make_article):
    article = make_article("Nobody looking")
    author, reader = make_reader("author"), make_reader("away", trusted=True)
    page.clock.install()
    sign_in(reader, article)
    polls = []
    page.on(
        "request",
        lambda request: (
            polls.append(request.url)
            if request.url.endswith("/comments/latest")
            else None
        ),
    )
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )

    add_comment(server, article, author, "Unseen.")
    page.clock.run_for("02:00")

    assert polls == []
    expect(page.locator(".live-offer")).to_be_hidden()


def test_reader_ignores_another_from_the_profile_and_unfolds_one_comment(
    page, server, sign_in, make_reader, make_article
):
    article = make_article("Tempers rise")
    loud, reader = make_reader("loud"), make_reader("calm", trusted=True)
    pk = add_comment(server, article, loud, "SHOUTING AGAIN.")
    sign_in(reader, loud.profile_url)

    page.get_by_role("button", name=f"Ignore {loud.username}").click()
    page.goto(article)
    folded = page.locator(f"#comment-{pk}")

    expect(folded).to_have_class(re.compile(r"\bignored\b"))
    expect(folded.get_by_text("SHOUTING AGAIN.")).to_be_hidden()
    folded.get_by_text("a comment by a reader you ignore").click()
    expect(folded.get_by_text("SHOUTING AGAIN.")).to_be_visible()

    page.goto("/accounts/settings/")
    page.get_by_role("button", name=f"Stop ignoring {loud.username}").click()
    page.goto(article)
    expect(page.locator(f"#comment-{pk}")).not_to_have_class(re.compile(r"\bignored\b"))


def test_sort_choice_is_remembered(page, server, make_reader, make_article):
    article = make_article("Order, order")
    author = make_reader("author")
    for body in ("First said.", "Second said.", "Last said."):
        add_comment(server, article, author, body)
    page.goto(article)

    page.get_by_role("link", name="Newest first").click()
    page.goto(article)

    expect(page.locator("#comments .comment").first).to_contain_text("Last said.")
    expect(page.get_by_role("link", name="Newest first")).to_have_attribute(
        "aria-current", "true"
    )
