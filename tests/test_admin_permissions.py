"""Who gets which part of the admin: least privilege for moderators and editors."""

import pytest
from django.contrib.auth.models import Group
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments.models import Comment, Status

pytestmark = pytest.mark.django_db

MODERATION_PAGES = [
    "/admin/",
    "/admin/comments/comment/",
    "/admin/comments/comment/?queue=all",
    "/admin/comments/report/",
    "/admin/comments/sanction/",
    "/admin/comments/sanction/add/",
    "/admin/comments/word/",
    "/admin/comments/word/add/",
    "/admin/comments/articlediscussion/",
    "/admin/comments/appeal/",
    "/admin/comments/appeal/?state=waiting",
]


def test_moderators_group_holds_only_discussion_permissions():
    group = Group.objects.get(name="Moderators")

    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert labels == {"comments"}
    assert codenames == {
        "view_comment",
        "change_comment",
        "can_moderate",
        "view_commentrevision",
        "view_moderationevent",
        "view_report",
        "change_report",
        "delete_report",
        "view_word",
        "add_word",
        "change_word",
        "delete_word",
        "view_sanction",
        "add_sanction",
        "change_sanction",
        "view_moderationsettings",
        "change_moderationsettings",
        "view_articlediscussion",
        "change_articlediscussion",
        "view_moderatornote",
        "add_moderatornote",
        "view_appeal",
        "change_appeal",
    }


def test_editors_group_holds_only_article_permissions():
    group = Group.objects.get(name="Editors")

    codenames = set(group.permissions.values_list("codename", flat=True))

    assert codenames == {
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
    }


@pytest.mark.parametrize("url", MODERATION_PAGES)
def test_moderator_opens_every_moderation_page(moderator_client, url):
    response = moderator_client.get(url)

    assert response.status_code == 200


def test_moderator_opens_a_comment_and_the_settings(
    moderator_client, article, reader, make_comment
):
    comment = make_comment(article, reader)

    page = moderator_client.get(f"/admin/comments/comment/{comment.pk}/change/")
    settings_page = moderator_client.get("/admin/comments/moderationsettings/")

    assert page.status_code == 200
    assertRedirects(settings_page, "/admin/comments/moderationsettings/1/change/")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/briefing/article/",
        "/admin/briefing/article/add/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
        "/admin/accounts/attempt/",
    ],
)
def test_moderator_gets_403_outside_the_discussion(moderator_client, url):
    response = moderator_client.get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("page", ["change/", "password/", "delete/", "history/"])
def test_moderator_gets_403_on_a_readers_account(moderator_client, reader, page):
    response = moderator_client.get(f"/admin/accounts/user/{reader.pk}/{page}")

    assert response.status_code == 403


def test_moderator_cannot_change_a_password_or_grant_themselves_rights(
    moderator_client, moderator, reader
):
    password = moderator_client.post(
        f"/admin/accounts/user/{reader.pk}/password/",
        {"password1": "n3w passw0rd!!", "password2": "n3w passw0rd!!"},
    )
    promotion = moderator_client.post(
        f"/admin/accounts/user/{moderator.pk}/change/",
        {"username": "moderator", "is_superuser": "on", "is_staff": "on"},
    )

    assert password.status_code == 403
    assert promotion.status_code == 403
    moderator.refresh_from_db()
    assert not moderator.is_superuser


def test_moderator_cannot_edit_or_delete_an_article(moderator_client, article):
    change = moderator_client.post(
        f"/admin/briefing/article/{article.pk}/change/", {"title": "Hacked"}
    )
    delete = moderator_client.post(
        f"/admin/briefing/article/{article.pk}/delete/", {"post": "yes"}
    )

    assert change.status_code == 403
    assert delete.status_code == 403
    article.refresh_from_db()
    assert article.title != "Hacked"


def test_moderator_cannot_edit_a_comments_text_author_or_article(
    moderator_client, article, reader, other_reader, make_comment
):
    comment = make_comment(article, reader, "Original words.")

    response = moderator_client.post(
        f"/admin/comments/comment/{comment.pk}/change/",
        {"body": "Words put in their mouth.", "author": other_reader.pk, "_save": "1"},
    )
    page = moderator_client.get(f"/admin/comments/comment/{comment.pk}/change/")

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Original words."
    assert comment.author == reader
    assertNotContains(page, 'name="body"')
    assertNotContains(page, 'name="author"')


def test_nobody_adds_or_deletes_comments_in_the_admin(
    moderator_client, admin_client, article, reader, make_comment
):
    comment = make_comment(article, reader)

    add = moderator_client.get("/admin/comments/comment/add/")
    delete = admin_client.post(
        f"/admin/comments/comment/{comment.pk}/delete/", {"post": "yes"}
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_admin_index_shows_a_moderator_only_the_discussion(moderator_client):
    response = moderator_client.get("/admin/")

    assertContains(response, "/admin/comments/comment/")
    assertContains(response, "/admin/comments/sanction/")
    assertNotContains(response, "/admin/briefing/article/")
    assertNotContains(response, "/admin/accounts/user/")
    assertNotContains(response, "/admin/auth/group/")


@pytest.mark.parametrize(
    "url",
    [
        *MODERATION_PAGES,
        "/admin/briefing/article/",
        "/admin/accounts/user/",
        "/admin/comments/moderationsettings/",
    ],
)
def test_a_reader_gets_nothing_of_the_admin(signed_in, url):
    response = signed_in.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_readers_bulk_action_is_sent_to_sign_in(
    signed_in, article, other_reader, make_comment
):
    comment = make_comment(article, other_reader, status=Status.PENDING)

    response = signed_in.post(
        "/admin/comments/comment/",
        {"action": "approve_selected", "_selected_action": [comment.pk], "index": 0},
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_an_editor_edits_articles(client, editor, article):
    client.force_login(editor)

    listing = client.get("/admin/briefing/article/")
    change = client.get(f"/admin/briefing/article/{article.pk}/change/")

    assert listing.status_code == 200
    assertContains(change, 'name="title"')


@pytest.mark.parametrize(
    "url",
    [
        "/admin/comments/comment/",
        "/admin/comments/report/",
        "/admin/comments/sanction/",
        "/admin/comments/word/",
        "/admin/comments/moderationsettings/",
        "/admin/accounts/user/",
    ],
)
def test_an_editor_gets_403_on_the_discussion_and_accounts(client, editor, url):
    client.force_login(editor)

    response = client.get(url)

    assert response.status_code == 403


def test_an_editor_cannot_approve_comments(
    client, editor, article, reader, make_comment
):
    comment = make_comment(article, reader, status=Status.PENDING)
    client.force_login(editor)

    response = client.post(
        "/admin/comments/comment/",
        {"action": "approve_selected", "_selected_action": [comment.pk], "index": 0},
    )

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_moderator_closes_and_premoderates_a_discussion_but_not_the_article(
    moderator_client, article
):
    response = moderator_client.post(
        f"/admin/comments/articlediscussion/{article.pk}/change/",
        {
            "title": "Rewritten by a moderator",
            "comments_open": "",
            "comments_auto_close": "on",
            "comments_close_at_0": "",
            "comments_close_at_1": "",
            "premoderated": "on",
        },
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.comments_open, article.premoderated) == (False, True)
    assert article.title == "Russia enters the oil and gas sector"


def test_article_discussions_list_shows_when_each_closes(moderator_client, article):
    response = moderator_client.get("/admin/comments/articlediscussion/")

    assertContains(response, article.title)
    assertContains(response, "its comments")
    assert (
        moderator_client.get("/admin/comments/articlediscussion/add/").status_code
        == 403
    )


def test_an_editor_has_no_article_discussions_page(client, editor):
    client.force_login(editor)

    response = client.get("/admin/comments/articlediscussion/")

    assert response.status_code == 403
