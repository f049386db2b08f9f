"""Posting a comment under an article: who may, what is stored, where it lands."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments.models import Comment, ModerationSettings, Sanction, Status

from .conftest import PASSWORD, post

pytestmark = pytest.mark.django_db

SIGN_IN_NOTICE = "Dear reader, to leave comments on the publication, you must sign in."


def post_url(article) -> str:
    return f"/articles/{article.slug}/comments/"


def test_anonymous_visitor_sees_the_sign_in_notice_instead_of_the_form(client, article):
    response = client.get(article.get_absolute_url())

    assertContains(
        response,
        'Dear reader, to leave comments on the publication, you must <a href="'
        '/accounts/login/?next=/articles/oil-and-gas/%23comments">sign in</a>.',
    )
    text = response.content.decode()
    assert SIGN_IN_NOTICE in text.replace(
        '<a href="/accounts/login/?next=/articles/oil-and-gas/%23comments">', ""
    ).replace("</a>", "")
    assertNotContains(response, 'id="comment-form"')


def test_sign_in_link_of_the_notice_brings_the_reader_back(client, reader, article):
    response = client.post(
        "/accounts/login/?next=/articles/oil-and-gas/%23comments",
        {"username": "Paul3390", "password": PASSWORD},
    )

    assertRedirects(
        response, "/articles/oil-and-gas/#comments", fetch_redirect_response=False
    )


def test_signed_in_reader_sees_the_form_with_a_fresh_idempotency_key(
    signed_in, article
):
    first = signed_in.get(article.get_absolute_url())
    second = signed_in.get(article.get_absolute_url())

    assertContains(first, 'id="comment-form"')
    assertContains(first, 'name="body"')
    assertNotContains(first, SIGN_IN_NOTICE)
    assert (
        first.context["discussion"].form["idempotency_key"].value()
        != second.context["discussion"].form["idempotency_key"].value()
    )


def test_anonymous_post_goes_to_sign_in_and_stores_nothing(client, article):
    response = client.post(post_url(article), {"body": "Hello"})

    assertRedirects(
        response,
        "/accounts/login/?next=/articles/oil-and-gas/%23comment-form",
        fetch_redirect_response=False,
    )
    assert not Comment.objects.exists()


def test_text_posted_after_the_session_ended_is_back_after_signing_in(
    client, reader, other_reader, article, make_comment
):
    answered = make_comment(article, other_reader, "The talks will fail.")
    client.force_login(reader)
    client.session.flush()  # signed out elsewhere: the session is gone

    posted = client.post(
        post_url(article),
        {"body": "Typed before <b>noticing</b>.", "reply_to": answered.pk},
    )
    sign_in_page = client.get(posted["Location"])
    signed_in = client.post(
        posted["Location"], {"username": "Paul3390", "password": PASSWORD}
    )
    back = client.get(signed_in["Location"])
    again = client.get(article.get_absolute_url())

    assert not Comment.objects.filter(author=reader).exists()
    assertContains(sign_in_page, "what you wrote will be back in the comment box")
    assert signed_in["Location"] == "/articles/oil-and-gas/#comment-form"
    assertContains(back, "Typed before &lt;b&gt;noticing&lt;/b&gt;.</textarea>")
    assertContains(back, f'name="reply_to" value="{answered.pk}"')
    assertNotContains(again, "Typed before")


def test_a_kept_text_is_offered_only_under_its_own_article(
    client, reader, article, make_article
):
    other = make_article("another")
    client.post(post_url(article), {"body": "For the oil article."})
    client.force_login(reader)

    assertNotContains(client.get(other.get_absolute_url()), "For the oil article.")
    assertContains(client.get(article.get_absolute_url()), "For the oil article.")


def test_post_without_csrf_token_is_refused(csrf_client, reader, article):
    csrf_client.force_login(reader)

    response = csrf_client.post(post_url(article), {"body": "Hello"})

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_post_with_the_pages_csrf_token_is_published_and_lands_on_it(
    csrf_client, form_token, reader, article, no_new_reader_premoderation
):
    csrf_client.force_login(reader)
    page = csrf_client.get(article.get_absolute_url())

    response = csrf_client.post(
        post_url(article),
        {"body": "Long overdue!", "csrfmiddlewaretoken": form_token(page)},
    )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/oil-and-gas/#comment-{comment.pk}"
    assert comment.status == Status.PUBLISHED
    assert comment.author == reader
    landing = csrf_client.get(response["Location"])
    assertContains(landing, f'id="comment-{comment.pk}"')
    assertContains(landing, "Long overdue!")


def test_body_is_stored_trimmed_and_unescaped(
    signed_in, article, no_new_reader_premoderation
):
    signed_in.post(post_url(article), {"body": '  \n <b>Bold</b> & "quoted"\n  '})

    assert Comment.objects.get().body == '<b>Bold</b> & "quoted"'


def test_body_keeps_line_breaks_and_links_readers_addresses(
    signed_in, article, no_new_reader_premoderation
):
    signed_in.post(
        post_url(article), {"body": "Long overdue!\r\nSee https://example.com/a"}
    )

    response = signed_in.get(article.get_absolute_url())

    assertContains(
        response,
        'Long overdue!<br>See <a href="https://example.com/a" '
        'rel="nofollow ugc noopener">https://example.com/a</a>',
    )


@pytest.mark.parametrize("body", ["", "   ", "\r\n\t \r\n"])
def test_an_empty_comment_is_refused(signed_in, article, body):
    response = signed_in.post(post_url(article), {"body": body})

    assert response.status_code == 200
    assertContains(response, "a comment can&#x27;t be empty")
    assert not Comment.objects.exists()


def test_a_too_long_comment_is_refused_and_the_text_kept(signed_in, article):
    body = "word " * 1000 + "extra"

    response = signed_in.post(post_url(article), {"body": body})

    assert response.status_code == 200
    assertContains(response, "5000 characters at most (it has 5005)")
    assertContains(response, body.strip())
    assert not Comment.objects.exists()


def test_five_thousand_characters_after_trimming_are_accepted(
    signed_in, article, no_new_reader_premoderation
):
    body = "x" * 5000

    response = signed_in.post(post_url(article), {"body": f"  {body}\n\n"})

    assert response.status_code == 302
    assert Comment.objects.get().body == body


def test_browser_line_endings_do_not_count_twice(
    signed_in, article, no_new_reader_premoderation
):
    # A textarea counts a line break as one character but sends CR LF.
    body = "x" * 2499 + "\r\n" + "x" * 2500

    response = signed_in.post(post_url(article), {"body": body})

    assert response.status_code == 302
    assert Comment.objects.get().body == "x" * 2499 + "\n" + "x" * 2500


def test_author_comes_from_the_session_never_the_form(
    signed_in, reader, other_reader, article, no_new_reader_premoderation
):
    signed_in.post(
        post_url(article),
        {"body": "Mine.", "author": other_reader.pk, "author_id": other_reader.pk},
    )

    assert Comment.objects.get().author == reader


def test_the_same_post_twice_creates_one_comment(
    signed_in, article, no_new_reader_premoderation
):
    data = {"body": "Double click.", "idempotency_key": str(uuid.uuid4())}

    first = signed_in.post(post_url(article), data)
    second = signed_in.post(post_url(article), data)

    comment = Comment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert first["Location"].endswith(f"#comment-{comment.pk}")


def test_posts_without_an_idempotency_key_still_work(
    signed_in, article, no_new_reader_premoderation
):
    signed_in.post(post_url(article), {"body": "One."})
    signed_in.post(post_url(article), {"body": "Two."})

    assert Comment.objects.count() == 2


def test_a_garbage_idempotency_key_is_a_form_error(signed_in, article):
    response = signed_in.post(
        post_url(article), {"body": "Hello", "idempotency_key": "not-a-uuid"}
    )

    assert response.status_code == 200
    assertContains(response, "Hello")
    assert not Comment.objects.exists()


def test_the_same_key_from_two_readers_makes_two_comments(
    client, reader, other_reader, article, no_new_reader_premoderation
):
    key = str(uuid.uuid4())
    client.force_login(reader)
    client.post(post_url(article), {"body": "Paul's.", "idempotency_key": key})
    client.force_login(other_reader)
    client.post(post_url(article), {"body": "Alexey's.", "idempotency_key": key})

    assert Comment.objects.count() == 2


def test_a_pending_comment_is_shown_awaiting_moderation_to_its_author_only(
    client, reader, other_reader, article
):
    client.force_login(reader)

    response = client.post(post_url(article), {"body": "My first comment."})

    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert response.status_code == 302
    assert response["Location"] == f"/articles/oil-and-gas/#comment-{comment.pk}"
    own_view = client.get(response["Location"])
    assertContains(own_view, "awaiting moderation")
    assertContains(own_view, f'id="comment-{comment.pk}"')
    assertContains(own_view, "My first comment.")
    client.force_login(other_reader)
    assertNotContains(client.get(article.get_absolute_url()), "My first comment.")
    client.logout()
    assertNotContains(client.get(article.get_absolute_url()), "My first comment.")


def test_a_new_comment_in_a_long_discussion_lands_on_its_page(
    signed_in, other_reader, article, make_comment, no_new_reader_premoderation
):
    start = timezone.now() - timedelta(hours=1)
    for minute in range(120):
        make_comment(
            article, other_reader, created_at=start + timedelta(seconds=minute)
        )

    response = signed_in.post(post_url(article), {"body": "Number 121."})

    comment = Comment.objects.get(body="Number 121.")
    assert response["Location"] == (
        f"/articles/oil-and-gas/?page=3#comment-{comment.pk}"
    )
    landing = signed_in.get(response["Location"])
    assertContains(landing, f'id="comment-{comment.pk}"')
    assertContains(landing, '<span class="comment__number">121.</span>')


def test_an_inactive_readers_session_cannot_post(client, reader, article):
    client.force_login(reader)
    reader.is_active = False
    reader.save()

    response = client.post(post_url(article), {"body": "Hello"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Comment.objects.exists()


def test_a_banned_reader_is_told_why_and_keeps_the_text(
    signed_in, reader, moderator, article
):
    Sanction.objects.create(
        reader=reader, kind=Sanction.Kind.BAN, reason="Insults", created_by=moderator
    )

    response = signed_in.post(post_url(article), {"body": "Let me speak."})

    assertContains(
        response, "You are banned from commenting. Reason: Insults", status_code=403
    )
    assertContains(response, "Let me speak.", status_code=403)
    assert not Comment.objects.exists()


def test_a_suspended_reader_is_told_until_when(signed_in, reader, moderator, article):
    until = timezone.make_aware(timezone.datetime(2099, 5, 1, 12, 0))
    Sanction.objects.create(
        reader=reader,
        kind=Sanction.Kind.SUSPENSION,
        until=until,
        reason="Flooding",
        created_by=moderator,
    )

    response = signed_in.post(post_url(article), {"body": "Let me speak."})

    assertContains(
        response,
        "suspended until 01 May 2099 12:00. Reason: Flooding",
        status_code=403,
    )
    assert not Comment.objects.exists()


def test_a_closed_discussion_says_so_and_stores_nothing(signed_in, make_article):
    closed = make_article("closed", comments_open=False)

    page = signed_in.get(closed.get_absolute_url())
    response = signed_in.post(post_url(closed), {"body": "Too late?"})

    assertContains(page, "Comments on this article are closed.")
    assertNotContains(page, 'id="comment-form"')
    assertContains(response, "Comments on this article are closed.", status_code=403)
    assert not Comment.objects.exists()


def test_commenting_paused_site_wide_says_so(signed_in, article):
    moderation = ModerationSettings.current()
    moderation.comments_paused = True
    moderation.save()

    response = signed_in.post(post_url(article), {"body": "Anyone?"})

    assertContains(response, "Commenting is paused", status_code=403)
    assert not Comment.objects.exists()


def test_posting_faster_than_the_limit_answers_429_and_keeps_the_text(
    signed_in, article, no_new_reader_premoderation
):
    for number in range(no_new_reader_premoderation.posting_limit):
        signed_in.post(post_url(article), {"body": f"Comment {number}."})

    response = signed_in.post(post_url(article), {"body": "One too many."})

    assertContains(response, "One too many.", status_code=429)
    assert int(response["Retry-After"]) > 0
    assert not Comment.objects.filter(body="One too many.").exists()


def test_posting_under_a_draft_or_unknown_article_is_not_found(signed_in, make_article):
    draft = make_article("draft", published_at=None)

    assert signed_in.post(post_url(draft), {"body": "Hi"}).status_code == 404
    assert signed_in.post("/articles/nope/comments/", {"body": "Hi"}).status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_posting_address_reloaded_leads_to_the_discussion(
    signed_in, article, method
):
    response = getattr(signed_in, method)(post_url(article))

    assertRedirects(
        response, "/articles/oil-and-gas/#comments", fetch_redirect_response=False
    )


def test_the_posting_address_of_an_unknown_article_is_not_found(client):
    assert client.get("/articles/nope/comments/").status_code == 404


def test_the_posting_address_takes_no_other_method(signed_in, article):
    assert signed_in.put(post_url(article)).status_code == 405


def test_back_then_post_again_stores_nothing_new_and_lands_on_the_first(
    signed_in, article, no_new_reader_premoderation
):
    """Chromium restores the text after Back, with the page's new key."""
    first = post(signed_in, article, "Posted once.", idempotency_key=uuid.uuid4())

    again = post(signed_in, article, "Posted once.", idempotency_key=uuid.uuid4())

    comment = Comment.objects.get()
    assert first["Location"].endswith(f"#comment-{comment.pk}")
    assert again.status_code == 302
    assert again["Location"].endswith(f"#comment-{comment.pk}")
    page = signed_in.get(again["Location"])
    assertContains(page, "You had already posted this comment")


def test_the_same_text_under_another_article_within_ten_minutes_is_refused(
    signed_in, make_article, no_new_reader_premoderation
):
    first, second = make_article("first"), make_article("second")
    post(signed_in, first, "Buy my course today!")

    response = post(signed_in, second, "buy  my COURSE today")

    assert response.status_code == 409
    assertContains(response, "You posted this same text", status_code=409)
    assertContains(response, "buy  my COURSE today", status_code=409)
    assert Comment.objects.count() == 1


def test_the_same_text_is_welcome_again_after_ten_minutes_or_after_deleting(
    signed_in, reader, article, make_article, no_new_reader_premoderation
):
    post(signed_in, article, "Worth saying twice.")
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    other = make_article("other")

    later = post(signed_in, other, "Worth saying twice.")
    Comment.objects.filter(article=other).update(status=Status.DELETED)
    after_deleting = post(signed_in, make_article("third"), "Worth saying twice.")

    assert later.status_code == 302
    assert after_deleting.status_code == 302
    assert Comment.objects.count() == 3


def test_a_post_without_words_is_not_a_repeat_of_another_without_words(
    signed_in, article, no_new_reader_premoderation
):
    post(signed_in, article, "!!!")

    response = post(signed_in, article, "???")

    assert response.status_code == 302
    assert Comment.objects.count() == 2
