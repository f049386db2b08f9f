"""A moderator at work in Chromium: find a reported comment, see why it is in
the queue, reject it with a reason, ban its author."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_moderator_rejects_a_reported_comment_and_bans_its_author(
    page, server, make_reader, make_article, sign_in
):
    article = make_article("Fuel prices climb again")
    moderator = make_reader(
        "journey", "Journey Mod", is_staff=True, groups=["Moderators"]
    )
    author = make_reader("Troll", "Troll", trusted=True)
    comment_id = server.python(
        """
from briefing.accounts.models import User
from briefing.models import Article
from comments import moderation
from comments.models import Comment

article = Article.objects.get(slug=data["slug"])
author = User.objects.get(username=data["author"])
comment = Comment.objects.create(article=article, number=Comment.objects.next_number(article.pk), author=author, status="published",
    body="Everyone at this paper is a liar and a thief.")
Comment.objects.create(article=article, number=Comment.objects.next_number(article.pk), author=author, status="published",
    body="An older comment of theirs.")
for name in ("w1", "w2", "w3"):
    witness, _ = User.objects.get_or_create(username=data["author"] + name)
    moderation.report_comment(comment, witness, "abuse", "Insults the staff")
result = comment.pk
""",
        slug=article.strip("/").rsplit("/", 1)[-1],
        author=author.username,
    )
    sign_in(moderator, "/admin/")

    # The queue opens on what needs a decision; the reported comment is there,
    # held, with its reports and the rule that held it.
    page.get_by_role("link", name="Comments").first.click()
    row = page.locator(
        "#result_list tr", has=page.locator(f"input[value='{comment_id}']")
    )
    expect(row).to_contain_text("liar and a thief")
    expect(row).to_contain_text("abuse or harassment (3)")
    expect(row).to_contain_text("reported by readers")
    expect(row).to_contain_text("2 published, 1 pending")

    # Its page shows why, then a reason is given for the rejection.
    row.get_by_role("link", name="Everyone at this paper").click()
    expect(page.locator(".inline-group").filter(has_text="Reports")).to_contain_text(
        "Insults the staff"
    )
    page.locator("select[name='CHANGE_FORM-action']").select_option("reject_selected")
    page.get_by_role("button", name="Run").click()
    page.get_by_label("abuse or harassment").check()
    page.get_by_label("Note (the author sees it").fill("Insults against the staff")
    page.get_by_role("button", name="Reject comments").click()
    expect(page.locator(".messagelist")).to_contain_text("1 comment rejected")
    expect(
        page.locator(".inline-group").filter(has_text="Audit trail")
    ).to_contain_text("Insults against the staff")

    # Then the author is banned, everything they wrote rejected with it.
    page.get_by_role("link", name="sanction this reader").click()
    expect(page.get_by_label("Reader (username)")).to_have_value(author.username)
    page.get_by_label("Kind").select_option("ban")
    page.get_by_label("Reason").fill("Repeated insults")
    page.get_by_label("Also reject all their pending and published comments").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    state = server.python(
        """
from comments.models import Comment, Sanction
ban = Sanction.objects.get(reader__username=data["author"])
result = {
    "kind": ban.kind,
    "by": ban.created_by.username,
    "statuses": sorted(Comment.objects.filter(author=ban.reader).values_list("status", flat=True)),
}
""",
        author=author.username,
    )
    assert state == {
        "kind": "ban",
        "by": moderator.username,
        "statuses": ["rejected", "rejected", "rejected"],
    }
