"""The public moderation note under a discussion: what moderators and rules
removed, counted by reason, shown to everyone.

Commit callbacks run where the commit would be (`committing`): the count is
made again after a rejection commits, as on a real worker.
"""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from comments import moderation
from comments.models import Status, Word
from tests.conftest import post

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/?queue=all"


def reject(client, comments, removal_reason, reason=""):
    return client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [comment.pk for comment in comments],
            "apply": "1",
            "removal_reason": removal_reason,
            "reason": reason,
        },
    )


def note(page) -> str:
    html = page.content.decode()
    start = html.index('id="moderation-note"')
    return html[html.index(">", start) + 1 : html.index("</p>", start)]


def test_moderation_note_counts_removals_by_reason(
    moderator_client, article, reader, make_comment, committing
):
    anonymous = Client()
    comments = [make_comment(article, reader, f"Comment {n}.") for n in range(7)]
    anonymous.get(article.get_absolute_url())

    with committing():
        reject(moderator_client, comments[:4], "spam")
        reject(moderator_client, comments[4:6], "abuse")

    page = anonymous.get(article.get_absolute_url())
    assert note(page).startswith(
        "6 comments removed by moderators: 4 spam, 2 abuse or harassment."
    )


def test_moderation_note_counts_comments_never_shown_and_rules(
    moderator_client,
    signed_in,
    article,
    reader,
    make_comment,
    committing,
    no_new_reader_premoderation,
):
    Word.objects.create(word="scoundrel", action=Word.Action.BANNED)
    pending = make_comment(article, reader, "Held.", Status.PENDING)

    with committing():
        reject(moderator_client, [pending], "off_topic")
        post(signed_in, article, "You scoundrel.")

    page = Client().get(article.get_absolute_url())
    assert note(page).startswith(
        "2 comments removed by moderators: 1 banned word (automatic), 1 off topic."
    )


def test_moderation_note_absent_without_removals(client, article, reader, make_comment):
    make_comment(article, reader, "Fine.")
    make_comment(article, reader, "Deleted by me.", Status.DELETED)

    page = client.get(article.get_absolute_url())

    assertNotContains(page, 'id="moderation-note"')


def test_moderation_note_follows_a_reversed_rejection(
    moderator, article, reader, make_comment, committing
):
    anonymous = Client()
    comment = make_comment(article, reader, "Borderline.")
    with committing():
        moderation.reject(comment, moderator, "", "misinformation")
    assertContains(
        anonymous.get(article.get_absolute_url()),
        "1 comment removed by moderators: 1 misinformation.",
    )

    with committing():
        moderation.approve(comment, moderator)

    assertNotContains(anonymous.get(article.get_absolute_url()), "moderation-note")


def test_moderation_note_counts_a_ban_rejecting_everything(
    moderator, article, reader, make_comment, committing
):
    make_comment(article, reader, "One.")
    make_comment(article, reader, "Two.", Status.PENDING)

    with committing():
        moderation.sanction_reader(
            reader, moderator, kind="ban", reason="Troll", reject_comments=True
        )

    page = Client().get(article.get_absolute_url())
    assert note(page).startswith(
        "2 comments removed by moderators: 2 author banned (automatic)."
    )
