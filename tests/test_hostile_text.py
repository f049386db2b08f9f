"""Whatever a reader types, in a comment or a display name, is shown as text."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
FSI, PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE, POP DIRECTIONAL ISOLATE

# (typed, what the page must contain instead)
HOSTILE = [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    (
        '"><img src=x onerror=alert(1)>',
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
    ),
    (
        "<a href='javascript:alert(1)'>click</a>",
        "&lt;a href=&#x27;javascript:alert(1)&#x27;&gt;click&lt;/a&gt;",
    ),
    (
        "&lt;b&gt;bold&lt;/b&gt; &amp; &#60;",
        "&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; &amp;amp; &amp;#60;",
    ),
    (
        "</textarea><script>x()</script>",
        "&lt;/textarea&gt;&lt;script&gt;x()&lt;/script&gt;",
    ),
    (
        "{{ request.user.password }} {% csrf_token %}",
        "{{ request.user.password }} {% csrf_token %}",
    ),
]


@pytest.mark.parametrize(("typed", "shown"), HOSTILE)
def test_markup_in_a_comment_is_shown_as_text(
    signed_in, article, no_new_reader_premoderation, typed, shown
):
    signed_in.post(f"/articles/{article.slug}/comments/", {"body": typed})

    comment = Comment.objects.get()
    response = signed_in.get(article.get_absolute_url())

    assert comment.body == typed
    assertContains(response, f'<div class="comment__body" dir="auto">{shown}</div>')
    if typed != shown:
        assertNotContains(response, typed)


@pytest.mark.parametrize(("typed", "shown"), HOSTILE)
def test_markup_in_a_refused_comment_is_kept_as_text(signed_in, article, typed, shown):
    response = signed_in.post(
        f"/articles/{article.slug}/comments/",
        {"body": typed, "reply_to": "not-a-comment"},
    )

    assertContains(response, f"{shown}</textarea>")
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("typed", "shown"), HOSTILE)
def test_markup_in_a_display_name_is_shown_as_text(
    client, make_reader, article, make_comment, typed, shown
):
    author = make_reader("mallory", typed)
    make_comment(article, author, "Hello.")

    page = client.get(article.get_absolute_url())
    profile = client.get("/users/mallory/")

    # As parsed HTML: the comment list (Jinja2) writes &#34; where Django's
    # templates write &quot;, the same text.
    assertContains(page, f'<span class="comment__name">({shown})</span>', html=True)
    assertContains(profile, f'<span class="profile__name">({shown})</span>', html=True)
    assertNotContains(page, "<script>")
    assertNotContains(profile, "<script>")
    assertNotContains(page, "onerror=alert(1)>")


@pytest.mark.parametrize(("typed", "shown"), HOSTILE)
def test_markup_on_the_edit_delete_and_report_pages_is_text(
    client, reader, other_reader, article, make_comment, typed, shown
):
    mine = make_comment(article, reader, typed)
    client.force_login(reader)
    edit = client.get(f"/comments/{mine.pk}/edit/")
    delete = client.get(f"/comments/{mine.pk}/delete/")
    client.force_login(other_reader)
    report = client.get(f"/comments/{mine.pk}/report/")

    assertContains(edit, f"{shown}</textarea>")
    assertContains(delete, shown)
    assertContains(report, shown)
    if typed != shown:
        for page in (edit, delete, report):
            assertNotContains(page, typed)


def test_a_javascript_address_is_never_a_link(
    signed_in, article, no_new_reader_premoderation
):
    signed_in.post(
        f"/articles/{article.slug}/comments/",
        {"body": "javascript:alert(document.cookie) and JaVaScRiPt://x%0Aalert(1)"},
    )

    response = signed_in.get(article.get_absolute_url())

    assertContains(response, "javascript:alert(document.cookie)")
    assertNotContains(response, 'href="javascript')
    assertNotContains(response, 'href="JaVaScRiPt')


def test_an_address_cannot_break_out_of_its_link(
    signed_in, article, no_new_reader_premoderation
):
    signed_in.post(
        f"/articles/{article.slug}/comments/",
        {"body": 'https://example.com/"onmouseover="alert(1) and www.example.com/<b>'},
    )

    response = signed_in.get(article.get_absolute_url())

    html = response.content.decode()
    assert 'onmouseover="alert(1)' not in html
    assert "<b>" not in html
    assert 'rel="nofollow ugc noopener"' in html


def test_a_very_long_unbroken_address_is_linked_and_shortened(
    signed_in, article, no_new_reader_premoderation
):
    address = "https://example.com/" + "a" * 1500

    signed_in.post(f"/articles/{article.slug}/comments/", {"body": address})

    response = signed_in.get(article.get_absolute_url())
    assertContains(
        response,
        f'<a href="{address}" rel="nofollow ugc noopener">{address[:59]}…</a>',
    )


def test_an_address_longer_than_browsers_take_stays_text(
    signed_in, article, no_new_reader_premoderation
):
    address = "https://example.com/" + "a" * 3000

    signed_in.post(f"/articles/{article.slug}/comments/", {"body": address})

    response = signed_in.get(article.get_absolute_url())
    assertContains(response, f'<div class="comment__body" dir="auto">{address}</div>')
    assertNotContains(response, 'href="https://example.com/aaa')


def test_a_right_to_left_override_in_a_comment_stays_inside_it(
    signed_in, article, no_new_reader_premoderation
):
    signed_in.post(
        f"/articles/{article.slug}/comments/", {"body": f"Look: {RLO}gnp.exe"}
    )

    response = signed_in.get(article.get_absolute_url())

    # The body is its own isolated block: the override cannot reach the
    # author's name or the time shown around it.
    assertContains(
        response, f'<div class="comment__body" dir="auto">Look: {RLO}gnp.exe</div>'
    )


def test_a_right_to_left_override_in_a_display_name_is_isolated(
    client, make_reader, article, make_comment
):
    author = make_reader("mallory", f"Paul{RLO}gnp.exe")
    make_comment(article, author, "Hello.")

    page = client.get(article.get_absolute_url())
    profile = client.get("/users/mallory/")

    isolated = f"({FSI}Paul{RLO}gnp.exe{PDI})"
    assertContains(page, f'<span class="comment__name">{isolated}</span>')
    assertContains(profile, f'<span class="profile__name">{isolated}</span>')


@pytest.mark.parametrize(
    "control", ["\u202a", "\u202b", "\u202d", RLO, "\u2066", "\u2069"]
)
def test_display_names_with_text_direction_controls_are_refused(
    signed_in, reader, control
):
    response = signed_in.post(
        "/accounts/settings/",
        {"display_name": f"Paul{control}gnp.exe", "email": reader.email},
    )

    assert response.context["form"].has_error("display_name")
    reader.refresh_from_db()
    assert reader.display_name == "Paul"


def test_an_arabic_display_name_is_accepted_as_is(signed_in, reader):
    signed_in.post(
        "/accounts/settings/", {"display_name": "محمد", "email": reader.email}
    )

    reader.refresh_from_db()
    assert reader.display_name == "محمد"
