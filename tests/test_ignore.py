"""Ignoring a reader: their comments fold for the ignorer, undone from the
account settings; staff cannot be ignored."""

import re

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments.models import Comment, Ignore

from .test_account_deletion import ask_deletion, client_for, erase_due, grace_over

pytestmark = pytest.mark.django_db


def ignore(client, user, **data):
    return client.post(f"/users/{user.username}/ignore/", data)


def test_ignore_from_the_profile_folds_their_comments(
    csrf_client, form_token, reader, other_reader, article, make_comment
):
    theirs = make_comment(article, other_reader, "Something you would rather not read.")
    csrf_client.force_login(reader)
    profile = csrf_client.get(other_reader.get_absolute_url())

    response = csrf_client.post(
        f"/users/{other_reader.username}/ignore/",
        {"csrfmiddlewaretoken": form_token(profile)},
    )
    page = csrf_client.get(article.get_absolute_url())

    assertContains(profile, "Ignore Fizik13")
    assertRedirects(response, other_reader.get_absolute_url(), target_status_code=200)
    assert Ignore.objects.ignores(reader, other_reader)
    html = page.content.decode()
    start = html.index(
        f'<li id="comment-{theirs.pk}" class="comment comment--published ignored">'
    )
    folded = html[start : html.index("</li>", start)]
    assert '<details class="comment__fold"><summary>' in folded
    assert "a comment by a reader you ignore</summary>" in folded
    assert folded.index("</summary>") < folded.index(
        "Something you would rather not read."
    )
    assert "<details open" not in folded


def test_ignored_comments_fold_only_for_the_ignorer(
    client, signed_in, reader, other_reader, make_reader, article, make_comment
):
    make_comment(article, other_reader, "Still there for others.")
    ignore(signed_in, other_reader)

    anonymous = client.__class__().get(article.get_absolute_url())
    someone = client_for(make_reader("someone", "Someone")).get(
        article.get_absolute_url()
    )

    for page in (anonymous, someone):
        assertNotContains(page, "a reader you ignore")
        assertContains(page, "Still there for others.")


def test_ignore_again_stops_ignoring(
    signed_in, reader, other_reader, article, make_comment
):
    make_comment(article, other_reader, "Back in view.")
    ignore(signed_in, other_reader)

    ignore(signed_in, other_reader)

    assert not Ignore.objects.exists()
    assertNotContains(signed_in.get(article.get_absolute_url()), "a reader you ignore")
    assertContains(signed_in.get(other_reader.get_absolute_url()), "Ignore Fizik13")


def hidden_fields(page, action) -> dict[str, str]:
    html = page.content.decode()
    start = html.index(f'action="{action}"')
    form = html[start : html.index("</form>", start)]
    return dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    )


def test_the_ignore_buttons_sent_twice_do_not_undo_themselves(
    signed_in, reader, other_reader
):
    # A form resent (nginx fails over a POST, a double click) says what it
    # wants: ignoring twice ignores, stopping twice stops.
    action = f"/users/{other_reader.username}/ignore/"
    start = hidden_fields(signed_in.get(other_reader.get_absolute_url()), action)
    assert start["ignore"] == "start"
    for _ in "12":
        signed_in.post(action, start)
    assert Ignore.objects.ignores(reader, other_reader)

    stop = hidden_fields(signed_in.get(other_reader.get_absolute_url()), action)
    assert stop["ignore"] == "stop"
    listed = hidden_fields(signed_in.get("/accounts/settings/"), action)
    assert listed["ignore"] == "stop"
    for fields in (stop, listed):
        signed_in.post(action, fields)
    assert not Ignore.objects.ignores(reader, other_reader)


def test_ignoring_staff_is_forbidden(signed_in, moderator):
    response = ignore(signed_in, moderator)

    assert response.status_code == 403
    assert not Ignore.objects.exists()
    assertNotContains(signed_in.get(moderator.get_absolute_url()), "Ignore moderator")


def test_ignoring_oneself_is_forbidden(signed_in, reader):
    assert ignore(signed_in, reader).status_code == 403
    assertNotContains(signed_in.get(reader.get_absolute_url()), "Ignore Paul3390")


def test_ignore_needs_a_signed_in_reader_and_a_post(client, signed_in, other_reader):
    anonymous = client.__class__().post(f"/users/{other_reader.username}/ignore/")

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert signed_in.get(f"/users/{other_reader.username}/ignore/").status_code == 405
    assert not Ignore.objects.exists()


def test_ignore_of_an_unknown_reader_is_not_found(signed_in):
    assert signed_in.post("/users/nobody-here/ignore/").status_code == 404


def test_settings_list_the_ignored_and_undo(signed_in, reader, other_reader):
    ignore(signed_in, other_reader)
    settings_page = signed_in.get("/accounts/settings/")

    response = ignore(signed_in, other_reader, next="/accounts/settings/#ignored")

    assertContains(settings_page, "Readers you ignore")
    assertContains(settings_page, "Stop ignoring Fizik13")
    assertRedirects(
        response, "/accounts/settings/#ignored", fetch_redirect_response=False
    )
    assert not Ignore.objects.exists()


def test_ignore_goes_back_only_to_this_site(signed_in, other_reader):
    response = ignore(signed_in, other_reader, next="https://evil.example/")

    assert response["Location"] == other_reader.get_absolute_url()


def test_erased_account_leaves_no_ignore(reader, other_reader):
    client = client_for(reader)
    ignore(client, other_reader)
    ask_deletion(client)
    grace_over(reader)

    erase_due()

    assert not Ignore.objects.exists()


def test_export_names_the_ignored_readers(signed_in, other_reader):
    ignore(signed_in, other_reader)

    exported = signed_in.get("/accounts/export/").json()

    assert exported["ignored_readers"] == ["Fizik13"]


def test_featured_comment_of_an_ignored_reader_is_folded_too(
    signed_in, reader, other_reader, article, make_comment
):
    picked = make_comment(article, other_reader, "Picked by the newsroom.")
    Comment.objects.filter(pk=picked.pk).update(featured_at=timezone.now())
    ignore(signed_in, other_reader)

    page = signed_in.get(article.get_absolute_url())

    html = page.content.decode()
    featured = html[html.index('id="featured"') : html.index("</section>")]
    assert "a comment by a reader you ignore</summary>" in featured
