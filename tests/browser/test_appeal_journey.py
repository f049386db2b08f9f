"""An appeal in Chromium, from the author to a second moderator: the author
appeals their rejected comment from the article, the moderator who rejected
it may not decide, another one reverses it, and the comment is back in the
discussion while its author has a notification."""

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations
from .test_html_validity import nu_errors

pytestmark = pytest.mark.browser


def _rejected_comment(server, article, author, rejecter, body, reason) -> int:
    """A published comment by `author` under `article`, rejected by
    `rejecter` for abuse with `reason`, made on the server; its id."""
    return server.python(
        """
from briefing.accounts.models import User
from briefing.models import Article
from comments import moderation
from comments.models import Comment

article = Article.objects.get(slug=data["slug"])
comment = Comment.objects.create(
    article=article, number=Comment.objects.next_number(article.pk),
    author=User.objects.get(username=data["author"]), status="published",
    body=data["body"])
moderation.reject(comment, User.objects.get(username=data["rejecter"]),
    data["reason"], "abuse")
result = comment.pk
""",
        slug=article.strip("/").rsplit("/", 1)[-1],
        author=author.username,
        rejecter=rejecter.username,
        body=body,
        reason=reason,
    )


def test_author_appeals_and_a_second_moderator_reverses(
    page, server, make_reader, make_article, sign_in, tmp_path
):
    article = make_article("Grain exports resume")
    rejecter = make_reader(
        "rejecter", "First Mod", is_staff=True, groups=["Moderators"]
    )
    decider = make_reader("decider", "Second Mod", is_staff=True, groups=["Moderators"])
    author = make_reader("Appellant", "Appellant", trusted=True)
    comment_id = _rejected_comment(
        server,
        article,
        author,
        rejecter,
        "The minister's figures do not add up.",
        "Reads as an attack on the minister",
    )
    comment = page.locator(f"#comment-{comment_id}")

    # The author sees their rejected comment, why, and how to appeal.
    sign_in(author, article)
    expect(comment).to_contain_text("Your comment was rejected: abuse or harassment")
    comment.get_by_role("link", name="Appeal this decision").click()
    page.get_by_role("button", name="Send appeal").click()
    expect(page.locator(".form-error").first).to_contain_text("can't be empty")
    box = page.get_by_label("Why should the decision be changed?")
    expect(box).to_have_attribute("aria-invalid", "true")
    assert "id_text_error" in box.get_attribute("aria-describedby")
    assert axe_violations(page) == []
    # The appeal's page and the article with the link to it are valid HTML.
    sent = {
        tmp_path / "appeal.html": page.request.get(f"/comments/{comment_id}/appeal/"),
        tmp_path / "article.html": page.request.get(article),
    }
    for path, response in sent.items():
        path.write_bytes(response.body())
    assert nu_errors(list(sent)) == {str(path): [] for path in sent}
    page.get_by_label("Why should the decision be changed?").fill(
        "I only quoted the ministry's own report."
    )
    page.get_by_role("button", name="Send appeal").click()
    expect(
        page.locator(".messages, .messagelist, [role=status]").first
    ).to_contain_text("Your appeal was sent")
    expect(comment.get_by_role("link", name="Your appeal is waiting")).to_be_visible()

    # The moderator who rejected it sees the appeal but may not decide it.
    page.context.clear_cookies()
    sign_in(rejecter, "/admin/")
    page.goto("/admin/comments/appeal/?state=waiting")
    page.get_by_role("link", name="I only quoted the ministry").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "You rejected this comment: another moderator decides its appeal."
    )
    expect(page.get_by_label("Reverse: publish the comment again")).to_have_count(0)

    # A second moderator finds it from the front page and reverses it.
    page.context.clear_cookies()
    sign_in(decider, "/admin/")
    expect(page.locator(".queue-state__appeals")).not_to_have_text("0")
    page.locator(".queue-state__appeals").click()
    row = page.locator("#result_list tr", has_text="I only quoted the ministry")
    expect(row).to_contain_text("The minister's figures do not add up.")
    expect(row).to_contain_text(f"by {rejecter.username}")
    row.get_by_role("link", name="I only quoted the ministry").click()
    page.get_by_label("Reverse: publish the comment again").check()
    page.get_by_label("Reason (the author reads it)").fill(
        "Quoting the report is fair comment."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Appeal reversed: the comment is published again."
    )

    # Everyone sees the comment again, in its place under its number.
    page.context.clear_cookies()
    page.goto(article)
    expect(comment).to_contain_text("The minister's figures do not add up.")
    expect(comment.locator(".comment__number")).to_have_text("1.")

    # The author is told.
    sign_in(author, article)
    page.locator(".notifications-link").click()
    expect(page.locator("main")).to_contain_text(
        "Your appeal was accepted: your comment is published again. "
        "Quoting the report is fair comment."
    )


def test_the_russian_appeal_page_fits_375px_and_passes_axe_and_the_nu_checker(
    page, server, make_reader, make_article, sign_in, make_context, tmp_path
):
    article = make_article("Экспорт зерна возобновлён")
    rejecter = make_reader("rejecter", "Первый", is_staff=True, groups=["Moderators"])
    author = make_reader("Appellant", "Апеллянт", trusted=True)
    comment_id = _rejected_comment(
        server,
        article,
        author,
        rejecter,
        "Цифры министра не сходятся.",
        "Выглядит как нападка на министра",
    )
    sign_in(author, article)
    russian = make_context(
        locale="ru-RU",
        storage_state=page.context.storage_state(),
        viewport={"width": 375, "height": 900},
    ).new_page()

    russian.goto(f"/comments/{comment_id}/appeal/")
    russian.get_by_role("button", name="Отправить апелляцию").click()

    assert russian.evaluate("() => document.documentElement.lang") == "ru"
    expect(russian.locator("h1")).to_have_text("Обжалование решения")
    expect(russian.locator(".form-error").first).to_contain_text(
        "апелляция не может быть пустой"
    )
    widths = russian.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], widths
    assert axe_violations(russian) == []
    saved = tmp_path / "appeal-ru.html"
    saved.write_bytes(
        russian.request.get(
            f"/comments/{comment_id}/appeal/",
            headers={"Accept-Language": "ru-RU,ru;q=0.9"},
        ).body()
    )
    assert '<html lang="ru">' in saved.read_text(encoding="utf-8")
    assert nu_errors([saved]) == {str(saved): []}
