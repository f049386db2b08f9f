"""The anonymous readers' shared article page (briefing.views.ArticleView).

Every test warms the cache with an anonymous view first, then changes the
discussion through the real URLs or the moderation functions, and reads the
page again as another reader would. Commit callbacks run where the commit
would be (`django_capture_on_commit_callbacks`): the discussion version is
replaced only after commit, so what a test sees is what the next request on
any worker sees.
"""

import uuid
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments import moderation
from comments.discussion import COMMENTS_PER_PAGE
from comments.models import Comment, ModerationSettings, Status

from .conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return Client()


def _post(client, article, body: str):
    return post(client, article, body, idempotency_key=uuid.uuid4())


def test_cache_new_comment_shows_at_once_to_anonymous(
    anonymous,
    signed_in,
    article,
    make_comment,
    other_reader,
    committing,
    no_new_reader_premoderation,
):
    make_comment(article, other_reader, "Already there.")
    assertContains(anonymous.get(article.get_absolute_url()), "Already there.")

    with committing():
        response = _post(signed_in, article, "Brand new comment.")

    assert response.status_code == 302
    page = anonymous.get(article.get_absolute_url())
    assertContains(page, "Brand new comment.")
    assertContains(page, '<span class="count">(2)</span>', html=True)
    assertContains(page, '<span class="comment__number">2.</span>', html=True)


def test_cache_edit_shows_at_once_to_anonymous(
    anonymous, signed_in, article, reader, make_comment, committing
):
    comment = make_comment(article, reader, "Before the edit.")
    assertContains(anonymous.get(article.get_absolute_url()), "Before the edit.")

    with committing():
        response = signed_in.post(
            reverse("comments:edit", args=[comment.pk]), {"body": "After the edit."}
        )

    assert response.status_code == 302
    page = anonymous.get(article.get_absolute_url())
    assertContains(page, "After the edit.")
    assertNotContains(page, "Before the edit.")
    assertContains(page, '<span class="comment__edited">(edited)</span>', html=True)


def test_cache_delete_shows_at_once_to_anonymous(
    anonymous, signed_in, article, reader, make_comment, committing
):
    comment = make_comment(article, reader, "Soon withdrawn.")
    assertContains(anonymous.get(article.get_absolute_url()), "Soon withdrawn.")

    with committing():
        response = signed_in.post(reverse("comments:delete", args=[comment.pk]))

    assert response.status_code == 302
    page = anonymous.get(article.get_absolute_url())
    assertNotContains(page, "Soon withdrawn.")
    assertContains(page, "This comment was deleted by its author.")


def test_cache_approval_shows_at_once_to_anonymous(
    anonymous, article, reader, moderator, make_comment, committing
):
    held = make_comment(article, reader, "Held for a moderator.", Status.PENDING)
    assertNotContains(
        anonymous.get(article.get_absolute_url()), "Held for a moderator."
    )

    with committing():
        assert moderation.approve(held, moderator)

    page = anonymous.get(article.get_absolute_url())
    assertContains(page, "Held for a moderator.")
    assertContains(page, '<span class="count">(1)</span>', html=True)


def test_cache_rejection_shows_at_once_to_anonymous(
    anonymous, article, reader, moderator, make_comment, committing
):
    comment = make_comment(article, reader, "Crosses the line.")
    assertContains(anonymous.get(article.get_absolute_url()), "Crosses the line.")

    with committing():
        assert moderation.reject(comment, moderator, "Insults")

    page = anonymous.get(article.get_absolute_url())
    assertNotContains(page, "Crosses the line.")
    assertContains(page, "This comment was removed by a moderator.")


def test_cache_ban_of_a_whole_history_shows_at_once_to_anonymous(
    anonymous, make_article, reader, moderator, make_comment, committing
):
    first, second = make_article("first"), make_article("second")
    make_comment(first, reader, "Spam one.")
    make_comment(second, reader, "Spam two.")
    for article in (first, second):
        assertContains(anonymous.get(article.get_absolute_url()), "Spam")

    with committing():
        moderation.change_status_of_all(
            Comment.objects.filter(author=reader),
            Status.REJECTED,
            actor=moderator,
            reason="Spam",
        )

    assertNotContains(anonymous.get(first.get_absolute_url()), "Spam one.")
    assertNotContains(anonymous.get(second.get_absolute_url()), "Spam two.")


def test_cache_is_stale_only_until_commit(
    anonymous,
    article,
    reader,
    moderator,
    make_comment,
    django_capture_on_commit_callbacks,
):
    comment = make_comment(article, reader, "Still shown.")
    anonymous.get(article.get_absolute_url())

    with django_capture_on_commit_callbacks() as after_commit:
        moderation.reject(comment, moderator, "Insults")
    # Not committed yet: a reader rendering now must not store the new state
    # under the old version, and the old version must still be current.
    before_commit = anonymous.get(article.get_absolute_url())
    for callback in after_commit:
        callback()

    assertContains(before_commit, "Still shown.")
    assertNotContains(anonymous.get(article.get_absolute_url()), "Still shown.")


def test_cache_signed_in_reader_never_gets_the_anonymous_listing(
    anonymous, signed_in, article, other_reader, make_comment
):
    make_comment(article, other_reader, "Words of someone else.")
    assertNotContains(anonymous.get(article.get_absolute_url()), "Report</a>")

    page = signed_in.get(article.get_absolute_url())

    assertContains(page, "Words of someone else.")
    assertContains(page, "Report</a>")
    assertContains(page, 'class="reply-link"')


def test_cache_one_readers_parts_never_reach_another(
    client, article, reader, other_reader, make_comment
):
    own = make_comment(article, reader, "Published words of Paul.")
    make_comment(article, reader, "Held words of Paul.", Status.PENDING)
    edit_link = reverse("comments:edit", args=[own.pk])
    client.force_login(reader)
    as_author = client.get(article.get_absolute_url())
    client.logout()

    as_anonymous = client.get(article.get_absolute_url())
    client.force_login(other_reader)
    as_other = client.get(article.get_absolute_url())

    assertContains(as_author, "Held words of Paul.")
    assertContains(as_author, edit_link)
    for page in (as_anonymous, as_other):
        assertContains(page, "Published words of Paul.")
        assertNotContains(page, "Held words of Paul.")
        assertNotContains(page, edit_link)
    assertNotContains(as_anonymous, "comment__actions")
    assertNotContains(as_anonymous, 'id="comment-form"')


def test_cache_pages_are_cached_apart(anonymous, article, reader, make_comment):
    start = timezone.now() - timedelta(hours=1)
    for n in range(COMMENTS_PER_PAGE + 3):
        make_comment(
            article, reader, f"Comment {n:03}.", created_at=start + timedelta(seconds=n)
        )
    url = article.get_absolute_url()

    first = anonymous.get(url)
    second = anonymous.get(f"{url}?page=2")
    first_again = anonymous.get(url)

    assertContains(first, "Comment 000.")
    assertNotContains(first, "Comment 050.")
    assertContains(second, "Comment 050.")
    assertContains(second, '<span class="comment__number">51.</span>', html=True)
    assertNotContains(second, "Comment 000.")
    assertContains(second, "Page 2 of 2")
    assert first_again.content == first.content
    for page in (first, second):
        assertContains(
            page, f'<span class="count">({COMMENTS_PER_PAGE + 3})</span>', html=True
        )


def test_cache_out_of_range_page_shows_the_last_one(
    anonymous, article, reader, make_comment
):
    start = timezone.now() - timedelta(hours=1)
    for n in range(COMMENTS_PER_PAGE + 1):
        make_comment(
            article, reader, f"Comment {n:03}.", created_at=start + timedelta(seconds=n)
        )
    url = article.get_absolute_url()
    anonymous.get(f"{url}?page=2")

    response = anonymous.get(f"{url}?page=99")

    assertContains(response, "Comment 050.")
    assertContains(response, "Page 2 of 2")


def test_cache_sign_in_and_closed_notices_stay_outside(
    anonymous, article, make_comment, reader, committing
):
    make_comment(article, reader, "Said before closing.")
    assertContains(anonymous.get(article.get_absolute_url()), "notice--sign-in")
    article.comments_open = False
    with committing():
        article.save()

    page = anonymous.get(article.get_absolute_url())

    assertContains(page, "Said before closing.")
    assertContains(page, "Comments on this article are closed.")
    assertNotContains(page, "notice--sign-in")


def test_cache_site_wide_pause_shows_at_once_to_anonymous(
    anonymous, article, committing
):
    assertContains(anonymous.get(article.get_absolute_url()), "notice--sign-in")
    moderation_settings = ModerationSettings.current()
    moderation_settings.comments_paused = True

    with committing():
        moderation_settings.save()
    page = anonymous.get(article.get_absolute_url())

    assertContains(page, "Commenting is paused across the site for now.")


def test_cache_article_edit_shows_at_once_to_anonymous(anonymous, article, committing):
    anonymous.get(article.get_absolute_url())
    article.title = "A corrected headline"
    with committing():
        article.save(update_fields=["title"])

    page = anonymous.get(article.get_absolute_url())

    assertContains(page, "A corrected headline")


def test_cache_a_waiting_message_is_never_shared(anonymous, article, rf):
    anonymous.get(article.get_absolute_url())
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.INFO, "A message for this reader alone.")
    carrier = HttpResponse()
    storage.update(carrier)
    with_message = Client()
    with_message.cookies["messages"] = carrier.cookies["messages"].value

    own_page = with_message.get(article.get_absolute_url())
    page = anonymous.get(article.get_absolute_url())

    assertContains(own_page, "A message for this reader alone.")
    assertNotContains(page, "A message for this reader alone.")


def test_cache_closing_from_the_article_discussion_admin_shows_at_once(
    anonymous, article, moderator, committing
):
    """The moderators' switch saves only the discussion's fields: the
    article's text is unchanged, its shared page still renews."""
    assertContains(anonymous.get(article.get_absolute_url()), "notice--sign-in")
    staff = Client()
    staff.force_login(moderator)

    with committing():
        response = staff.post(
            f"/admin/comments/articlediscussion/{article.pk}/change/",
            {
                "comments_open": "",
                "comments_auto_close": "on",
                "comments_close_at_0": "",
                "comments_close_at_1": "",
            },
        )
    page = anonymous.get(article.get_absolute_url())

    assert response.status_code == 302
    assertContains(page, "Comments on this article are closed.")


def test_cache_a_change_shows_only_after_it_commits(anonymous, article, committing):
    anonymous.get(article.get_absolute_url())

    with committing():
        article.title = "Renamed"
        article.save(update_fields=["title"])
        # Inside the transaction the old page is still the current one.
        assertNotContains(anonymous.get(article.get_absolute_url()), "Renamed")

    assertContains(anonymous.get(article.get_absolute_url()), "Renamed")


# A hit answers from the cache alone: the article itself is not read, so
# every way an article stops being what its page shows (edited, unpublished,
# rescheduled, renamed, deleted) must renew its version.


class _CacheCalls:
    """The calls made to the cache backend, outermost only (the file cache's
    get_many asks its own get for each key)."""

    METHODS = ["get", "get_many", "add", "set", "set_many", "delete", "touch"]

    def __init__(self, monkeypatch):
        self.calls = []
        self._depth = 0
        backend = caches["default"]
        for name in self.METHODS:
            monkeypatch.setattr(backend, name, self._spy(name, getattr(backend, name)))

    def _spy(self, name, method):
        def spy(*args, **kwargs):
            if self._depth == 0:
                self.calls.append(name)
            self._depth += 1
            try:
                return method(*args, **kwargs)
            finally:
                self._depth -= 1

        return spy


def test_cache_a_hit_is_one_cache_read_and_no_statement(
    anonymous, article, reader, make_comment, monkeypatch
):
    make_comment(article, reader, "Read from the cache.")
    first = anonymous.get(article.get_absolute_url())
    cache_calls = _CacheCalls(monkeypatch)

    with CaptureQueriesContext(connection) as statements:
        hit = anonymous.get(article.get_absolute_url())

    assert hit.status_code == 200
    assert hit.content == first.content
    assert hit["ETag"] == first["ETag"]
    assertContains(hit, "Read from the cache.")
    assert statements.captured_queries == []
    assert cache_calls.calls == ["get_many"]


def test_cache_unknown_slug_is_still_not_found_with_a_warm_cache(anonymous, article):
    anonymous.get(article.get_absolute_url())

    for _ in range(2):
        assert anonymous.get("/articles/no-such-story/").status_code == 404
        assert anonymous.get(f"/articles/{article.slug}x/").status_code == 404


@pytest.mark.parametrize(
    "published_at",
    [None, timezone.now() + timedelta(days=1)],
    ids=["back to a draft", "rescheduled"],
)
def test_cache_article_unpublished_is_gone_at_once(
    anonymous, article, committing, published_at
):
    assert anonymous.get(article.get_absolute_url()).status_code == 200
    article.published_at = published_at

    with committing():
        article.save()

    assert anonymous.get(article.get_absolute_url()).status_code == 404
    assert anonymous.get(article.get_absolute_url()).status_code == 404


def test_cache_article_deleted_is_gone_at_once(anonymous, article, committing):
    url = article.get_absolute_url()
    assert anonymous.get(url).status_code == 200

    with committing():
        article.delete()

    assert anonymous.get(url).status_code == 404


def test_cache_articles_deleted_together_from_the_admin_are_gone_at_once(
    anonymous, make_article, editor, committing
):
    articles = [make_article("first-story"), make_article("second-story")]
    for article in articles:
        assert anonymous.get(article.get_absolute_url()).status_code == 200
    staff = Client()
    staff.force_login(editor)

    with committing():
        response = staff.post(
            "/admin/briefing/article/",
            {
                "action": "delete_selected",
                "_selected_action": [article.pk for article in articles],
                "post": "yes",
            },
        )

    assert response.status_code == 302
    for article in articles:
        assert anonymous.get(article.get_absolute_url()).status_code == 404


def test_cache_article_renamed_is_served_under_its_new_slug_only(
    anonymous, article, make_article, committing
):
    old_url = article.get_absolute_url()
    assertContains(anonymous.get(old_url), article.title)
    article.slug = "a-new-slug"
    article.title = "Renamed and retitled"

    with committing():
        article.save()

    assert anonymous.get(old_url).status_code == 404
    assertContains(anonymous.get(article.get_absolute_url()), "Renamed and retitled")
    # The old slug given to another article: that article's page.
    with committing():
        make_article(old_url.split("/")[2], title="Another story under the old slug")
    page = anonymous.get(old_url)
    assertContains(page, "Another story under the old slug")
    assertNotContains(page, "Renamed and retitled")


def test_cache_article_edited_shows_on_every_cached_page_at_once(
    anonymous, article, reader, make_comment, committing
):
    start = timezone.now() - timedelta(hours=1)
    for n in range(COMMENTS_PER_PAGE + 1):
        make_comment(
            article, reader, f"Comment {n:03}.", created_at=start + timedelta(seconds=n)
        )
    urls = [
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?page=2",
        f"{article.get_absolute_url()}?sort=newest",
    ]
    for url in urls:
        assertContains(anonymous.get(url), article.title)
    article.title = "Corrected on every page"

    with committing():
        article.save(update_fields=["title"])

    for url in urls:
        assertContains(anonymous.get(url), "Corrected on every page")
