"""Replies: only to a comment everyone can see, under the same article."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment, Status

pytestmark = pytest.mark.django_db

NOT_AVAILABLE = "The comment you are replying to is not available."


@pytest.fixture
def answered(article, other_reader, make_comment):
    return make_comment(article, other_reader, "The comment answered.")


def reply(client, article, reply_to, body="A reply."):
    return client.post(
        f"/articles/{article.slug}/comments/", {"body": body, "reply_to": reply_to}
    )


def test_reply_to_a_published_comment_names_and_links_it(
    signed_in, article, answered, no_new_reader_premoderation
):
    response = reply(signed_in, article, answered.pk)

    comment = Comment.objects.get(body="A reply.")
    assert comment.reply_to == answered
    page = signed_in.get(response["Location"])
    assertContains(
        page,
        f'In reply to <a href="#comment-{answered.pk}">Fizik13</a>',
    )


def test_reply_on_a_later_page_links_to_the_comment_answered(
    signed_in,
    article,
    answered,
    other_reader,
    make_comment,
    no_new_reader_premoderation,
):
    start = timezone.now() - timedelta(minutes=30)
    answered.created_at = start - timedelta(minutes=1)
    answered.save()
    for second in range(60):
        make_comment(
            article, other_reader, created_at=start + timedelta(seconds=second)
        )

    response = reply(signed_in, article, answered.pk)

    assert "?page=2#comment-" in response["Location"]
    page = signed_in.get(response["Location"])
    assertContains(
        page,
        f'In reply to <a href="/comments/{answered.pk}/#comment-{answered.pk}">'
        "Fizik13</a>",
    )
    permalink = signed_in.get(f"/comments/{answered.pk}/")
    assert permalink["Location"] == f"/articles/oil-and-gas/#comment-{answered.pk}"


def test_the_reply_link_prefills_the_form(signed_in, article, answered):
    response = signed_in.get(f"{article.get_absolute_url()}?reply_to={answered.pk}")

    assertContains(
        response,
        f'<input type="hidden" name="reply_to" value="{answered.pk}" id="id_reply_to">',
        html=True,
    )


def test_a_garbage_reply_link_renders_the_page(signed_in, article):
    response = signed_in.get(
        f'{article.get_absolute_url()}?reply_to="><script>alert(1)</script>'
    )

    assert response.status_code == 200
    assertNotContains(response, "<script>alert(1)</script>")


def test_reply_to_a_comment_of_another_article_is_a_form_error(
    signed_in, article, make_article, other_reader, make_comment
):
    elsewhere = make_comment(make_article("elsewhere"), other_reader, "Elsewhere.")

    response = reply(signed_in, article, elsewhere.pk, "Kept text.")

    assertContains(response, NOT_AVAILABLE)
    assertContains(response, "Kept text.")
    assert not Comment.objects.filter(body="Kept text.").exists()


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.DELETED])
def test_reply_to_a_comment_others_cannot_see_is_a_form_error(
    signed_in, article, other_reader, make_comment, status
):
    hidden = make_comment(article, other_reader, "Not shown.", status=status)

    response = reply(signed_in, article, hidden.pk)

    assertContains(response, NOT_AVAILABLE)
    assert not Comment.objects.filter(body="A reply.").exists()


def test_reply_to_ones_own_pending_comment_is_a_form_error(
    signed_in, reader, article, make_comment
):
    mine = make_comment(article, reader, "Mine, pending.", status=Status.PENDING)

    response = reply(signed_in, article, mine.pk)

    assertContains(response, NOT_AVAILABLE)


@pytest.mark.parametrize(
    "reply_to",
    ["999999", "abc", "-1", "1.5", "99999999999999999999999", "1 OR 1=1", "\x00"],
)
def test_reply_to_nonsense_is_a_form_error_never_a_crash(signed_in, article, reply_to):
    response = reply(signed_in, article, reply_to)

    assert response.status_code == 200
    assert response.context["comment_form"].has_error("reply_to")
    assert not Comment.objects.exists()


def test_a_reply_survives_the_comment_it_answered_being_deleted(
    client, article, answered, reader, make_comment
):
    make_comment(article, reader, "The reply.", reply_to=answered)
    answered.status = Status.DELETED
    answered.save()

    response = client.get(article.get_absolute_url())

    assertContains(response, "The reply.")
    assertContains(response, "This comment was deleted by its author.")
    assertContains(
        response, f'In reply to <a href="#comment-{answered.pk}">a deleted comment</a>'
    )
    assertNotContains(response, "The comment answered.")


def test_a_reply_to_a_comment_later_rejected_does_not_reveal_it(
    client, article, answered, reader, make_comment
):
    make_comment(article, reader, "The reply.", reply_to=answered)
    answered.status = Status.REJECTED
    answered.save()

    response = client.get(article.get_absolute_url())

    assertContains(response, "The reply.")
    assertContains(
        response, f'In reply to <a href="#comment-{answered.pk}">a removed comment</a>'
    )
    assertContains(response, "This comment was removed by a moderator.")
    assertNotContains(response, "Fizik13")
    assertNotContains(response, answered.body)


def test_a_reply_to_a_comment_its_author_withdrew_unseen_does_not_link_it(
    client, article, reader, other_reader, make_comment
):
    unseen = make_comment(article, other_reader, "Never shown.", Status.PENDING)
    make_comment(article, reader, "The reply.", reply_to=unseen)

    response = client.get(article.get_absolute_url())

    assertContains(response, "In reply to a comment that is no longer shown")
    assertNotContains(response, "Never shown.")
    assert client.get(f"/comments/{unseen.pk}/").status_code == 404
