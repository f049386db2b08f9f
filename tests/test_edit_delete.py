"""An author edits a comment for 15 minutes and may delete it at any time."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments.models import Comment, CommentRevision, ModerationEvent, Status, Word

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(article, reader, make_comment):
    return make_comment(article, reader, "First version.")


def minutes_ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


def test_author_edits_within_15_minutes_and_the_comment_shows_it(
    csrf_client, form_token, reader, own, article
):
    csrf_client.force_login(reader)
    page = csrf_client.get(f"/comments/{own.pk}/edit/")

    response = csrf_client.post(
        f"/comments/{own.pk}/edit/",
        {"body": "  Second version.  ", "csrfmiddlewaretoken": form_token(page)},
    )

    assertContains(page, "First version.")
    assertRedirects(
        response,
        f"/articles/oil-and-gas/#comment-{own.pk}",
        fetch_redirect_response=False,
    )
    own.refresh_from_db()
    assert own.body == "Second version."
    assert own.edited_at is not None
    article_page = csrf_client.get(article.get_absolute_url())
    assertContains(article_page, "Second version.")
    assertContains(article_page, "(edited)")
    assertNotContains(article_page, "First version.")


def test_an_edit_keeps_the_earlier_versions(signed_in, own):
    signed_in.post(f"/comments/{own.pk}/edit/", {"body": "Second version."})
    signed_in.post(f"/comments/{own.pk}/edit/", {"body": "Third version."})

    versions = list(
        CommentRevision.objects.filter(comment=own)
        .order_by("written_at")
        .values_list("body", flat=True)
    )
    assert versions == ["First version.", "Second version."]


def test_an_unchanged_edit_keeps_no_version(signed_in, own):
    signed_in.post(f"/comments/{own.pk}/edit/", {"body": "First version."})

    assert not CommentRevision.objects.exists()


def test_an_edit_without_csrf_token_is_refused(csrf_client, reader, own):
    csrf_client.force_login(reader)

    response = csrf_client.post(f"/comments/{own.pk}/edit/", {"body": "Changed."})

    assert response.status_code == 403
    own.refresh_from_db()
    assert own.body == "First version."


def test_an_empty_edit_is_a_form_error(signed_in, own):
    response = signed_in.post(f"/comments/{own.pk}/edit/", {"body": "   "})

    assertContains(response, "a comment can&#x27;t be empty")
    own.refresh_from_db()
    assert own.body == "First version."


def test_editing_after_15_minutes_is_refused(signed_in, own):
    own.created_at = minutes_ago(16)
    own.save()

    page = signed_in.get(f"/comments/{own.pk}/edit/")
    response = signed_in.post(f"/comments/{own.pk}/edit/", {"body": "Too late."})

    assertContains(
        page, "15 minutes for editing this comment have passed", status_code=403
    )
    assertNotContains(page, 'name="body"', status_code=403)
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.body == "First version."
    assert not CommentRevision.objects.exists()


def test_the_edit_link_disappears_after_15_minutes(signed_in, own, article):
    fresh = signed_in.get(article.get_absolute_url())
    own.created_at = minutes_ago(16)
    own.save()

    stale = signed_in.get(article.get_absolute_url())

    assertContains(fresh, f"/comments/{own.pk}/edit/")
    assertNotContains(stale, f"/comments/{own.pk}/edit/")
    assertContains(stale, f"/comments/{own.pk}/delete/")


def test_an_edit_passes_through_the_rules_again(signed_in, own, article):
    Word.objects.create(word="scoundrel", action=Word.Action.BANNED)

    signed_in.post(f"/comments/{own.pk}/edit/", {"body": "You scoundrel."})

    own.refresh_from_db()
    assert own.status == Status.REJECTED
    page = signed_in.get(article.get_absolute_url())
    assertContains(page, "Your comment was rejected: ")
    assertContains(page, "Banned word: scoundrel")


def test_editing_another_readers_comment_is_not_found(
    client, other_reader, own, moderator
):
    for who in (other_reader, moderator):
        client.force_login(who)

        page = client.get(f"/comments/{own.pk}/edit/")
        response = client.post(f"/comments/{own.pk}/edit/", {"body": "Hijacked."})

        assert page.status_code == response.status_code == 404
    own.refresh_from_db()
    assert own.body == "First version."


def test_editing_asks_anonymous_visitors_to_sign_in(client, own):
    response = client.post(f"/comments/{own.pk}/edit/", {"body": "Hijacked."})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    own.refresh_from_db()
    assert own.body == "First version."


def test_author_deletes_after_confirming_and_a_placeholder_keeps_the_numbering(
    csrf_client, form_token, reader, other_reader, own, article, make_comment
):
    own.created_at = minutes_ago(60 * 24)
    own.save()
    reply = make_comment(article, other_reader, "A reply to it.", reply_to=own)
    csrf_client.force_login(reader)
    confirm = csrf_client.get(f"/comments/{own.pk}/delete/")

    response = csrf_client.post(
        f"/comments/{own.pk}/delete/", {"csrfmiddlewaretoken": form_token(confirm)}
    )

    assertContains(confirm, "Delete your comment?")
    assertRedirects(
        response,
        f"/articles/oil-and-gas/#comment-{own.pk}",
        fetch_redirect_response=False,
    )
    own.refresh_from_db()
    assert own.status == Status.DELETED
    assert ModerationEvent.objects.filter(
        comment=own,
        from_status=Status.PUBLISHED,
        to_status=Status.DELETED,
        actor=reader,
    ).exists()
    csrf_client.logout()
    page = csrf_client.get(article.get_absolute_url())
    assertContains(page, f'id="comment-{own.pk}"')
    assertContains(page, "This comment was deleted by its author.")
    assertNotContains(page, "First version.")
    assertContains(page, '<span class="comment__number">2.</span>')
    assertContains(page, "A reply to it.")
    assertContains(
        page, f'In reply to <a href="#comment-{own.pk}">a deleted comment</a>'
    )
    assert Comment.objects.get(pk=reply.pk).reply_to_id == own.pk


def test_deleting_a_comment_nobody_saw_leaves_no_placeholder(
    client, reader, article, make_comment
):
    pending = make_comment(article, reader, "Never seen.", status=Status.PENDING)
    client.force_login(reader)

    client.post(f"/comments/{pending.pk}/delete/")

    client.logout()
    page = client.get(article.get_absolute_url())
    assertNotContains(page, f'id="comment-{pending.pk}"')
    assertNotContains(page, "deleted by its author")
    assertContains(page, "No comments yet.")


def test_deleting_a_comment_nobody_saw_lands_on_the_discussion_not_its_anchor(
    client, reader, article, make_comment
):
    pending = make_comment(article, reader, "Never seen.", status=Status.PENDING)
    client.force_login(reader)

    response = client.post(f"/comments/{pending.pk}/delete/")

    assert response["Location"] == f"{article.get_absolute_url()}#comments"


def test_deleting_a_published_comment_lands_on_its_placeholder(
    client, reader, article, make_comment
):
    published = make_comment(article, reader, "Seen by all.")
    client.force_login(reader)

    response = client.post(f"/comments/{published.pk}/delete/")
    page = client.get(response["Location"])

    assert response["Location"].endswith(f"#comment-{published.pk}")
    assertContains(page, f'id="comment-{published.pk}"')


def test_a_deleted_comment_cannot_be_deleted_or_edited_again(signed_in, own):
    signed_in.post(f"/comments/{own.pk}/delete/")

    again = signed_in.post(f"/comments/{own.pk}/delete/")
    edit = signed_in.post(f"/comments/{own.pk}/edit/", {"body": "Back."})

    assert again.status_code == edit.status_code == 404


def test_deleting_without_csrf_token_is_refused(csrf_client, reader, own):
    csrf_client.force_login(reader)

    response = csrf_client.post(f"/comments/{own.pk}/delete/")

    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == Status.PUBLISHED


def test_deleting_another_readers_comment_is_not_found(
    client, other_reader, moderator, own
):
    for who in (other_reader, moderator):
        client.force_login(who)

        response = client.post(f"/comments/{own.pk}/delete/")

        assert response.status_code == 404
    own.refresh_from_db()
    assert own.status == Status.PUBLISHED


def test_deleting_asks_anonymous_visitors_to_sign_in(client, own):
    response = client.post(f"/comments/{own.pk}/delete/")

    assert response["Location"].startswith("/accounts/login/")
    own.refresh_from_db()
    assert own.status == Status.PUBLISHED


def test_unknown_comment_ids_are_not_found(signed_in):
    assert signed_in.get("/comments/999999/edit/").status_code == 404
    assert signed_in.post("/comments/999999/delete/").status_code == 404
    assert signed_in.get("/comments/99999999999999999999/edit/").status_code == 404
