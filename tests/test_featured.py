"""Featured comments: moderators pick up to three per article, shown above
the discussion and kept in it."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import FEATURED_LIMIT, Comment, ModerationEvent, Status

from .test_moderation_admin import QUEUE, act

pytestmark = pytest.mark.django_db


def feature(client, action, comments):
    """Run `action` from the queue's view of every comment."""
    return act(client, action, comments, url=f"{QUEUE}?queue=all")


def featured_section(response) -> str:
    html = response.content.decode()
    start = html.index('id="featured"')
    return html[start : html.index("</section>", start)]


def test_featured_comment_shows_above_the_discussion(
    moderator_client, client, article, other_reader, make_comment
):
    make_comment(article, other_reader, "An ordinary one.")
    chosen = make_comment(article, other_reader, "The newsroom picked this.")

    feature(moderator_client, "feature_selected", [chosen])
    page = client.get(article.get_absolute_url())

    featured = featured_section(page)
    assert "The newsroom picked this." in featured
    assert "An ordinary one." not in featured
    assert f'href="/comments/{chosen.pk}/#comment-{chosen.pk}"' in featured
    assert '<span class="featured__number">2</span>' in featured
    html = page.content.decode()
    assert html.index('id="featured"') < html.index('class="comment-list"')
    assertContains(page, f'id="comment-{chosen.pk}"', count=1)


def test_featuring_is_recorded_in_the_trail(
    moderator_client, moderator, article, other_reader, make_comment
):
    chosen = make_comment(article, other_reader)

    feature(moderator_client, "feature_selected", [chosen])

    event = ModerationEvent.objects.get(comment=chosen)
    assert (event.actor, event.reason, event.to_status) == (
        moderator,
        "Featured",
        Status.PUBLISHED,
    )


def test_featuring_a_pending_comment_approves_it(
    moderator_client, client, article, other_reader, make_comment
):
    held = make_comment(article, other_reader, "Held then picked.", Status.PENDING)

    feature(moderator_client, "feature_selected", [held])

    held.refresh_from_db()
    assert held.status == Status.PUBLISHED
    assert held.number == 1
    assert held.featured_at is not None
    assert [e.reason for e in held.events.order_by("id")] == ["Approved", "Featured"]
    assertContains(client.get(article.get_absolute_url()), "Held then picked.", count=2)


def test_featured_limit_is_three_per_article(
    moderator_client, article, make_article, other_reader, make_comment, told
):
    chosen = [make_comment(article, other_reader) for _ in range(FEATURED_LIMIT + 1)]
    elsewhere = make_comment(make_article("elsewhere"), other_reader)

    feature(moderator_client, "feature_selected", chosen[:FEATURED_LIMIT])
    response = feature(moderator_client, "feature_selected", [chosen[-1], elsewhere])

    assert Comment.objects.featured().filter(article=article).count() == FEATURED_LIMIT
    assert Comment.objects.featured().filter(pk=elsewhere.pk).exists()
    assert any("already features 3 comments" in note for note in told(response))


def test_rejected_comment_leaves_the_featured(
    moderator_client, moderator, client, article, other_reader, make_comment
):
    from comments import moderation

    chosen = make_comment(article, other_reader, "Picked, then removed.")
    feature(moderator_client, "feature_selected", [chosen])

    moderation.reject(chosen, moderator, "Abuse")

    assertNotContains(client.get(article.get_absolute_url()), 'id="featured"')


def test_unfeaturing_takes_it_off(
    moderator_client, client, article, other_reader, make_comment
):
    chosen = make_comment(article, other_reader)
    feature(moderator_client, "feature_selected", [chosen])

    feature(moderator_client, "unfeature_selected", [chosen])

    assertNotContains(client.get(article.get_absolute_url()), 'id="featured"')
    assert chosen.events.order_by("id").last().reason == "No longer featured"


def test_comment_page_features_through_its_actions(
    moderator_client, article, other_reader, make_comment
):
    chosen = make_comment(article, other_reader)

    moderator_client.post(
        f"{QUEUE}{chosen.pk}/change/",
        {"CHANGE_FORM-action": "feature_selected", "_selected_action": chosen.pk},
    )

    chosen.refresh_from_db()
    assert chosen.featured_at is not None


def test_readers_cannot_feature(signed_in, article, other_reader, make_comment):
    chosen = make_comment(article, other_reader)

    feature(signed_in, "feature_selected", [chosen])

    chosen.refresh_from_db()
    assert chosen.featured_at is None
