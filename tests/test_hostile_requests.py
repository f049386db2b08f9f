"""Hostile input never answers 5xx, on every public URL of PRODUCT.md.

Each test sends one kind of hostile request to every URL, anonymously and as
a signed-in reader, and lists every URL that answered 5xx.
"""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from comments.models import Comment, Report

pytestmark = pytest.mark.django_db

THREE_MB = 3 * 1024 * 1024
NUL = "\x00"
FIELDS = [
    "body",
    "reply_to",
    "idempotency_key",
    "reason",
    "details",
    "username",
    "password",
    "display_name",
    "email",
    "password1",
    "password2",
    "old_password",
    "new_password1",
    "new_password2",
    "next",
    "website",
    "text",
]


@pytest.fixture
def world(article, reader, other_reader, make_article, make_comment, moderator, editor):
    other_article = make_article("other-article", title="Another piece")
    return SimpleNamespace(
        article=article,
        reader=reader,
        own=make_comment(article, reader, "My own comment."),
        rejected=make_comment(article, reader, "My rejected one.", "rejected"),
        foreign=make_comment(article, other_reader, "Someone else's comment."),
        elsewhere=make_comment(other_article, other_reader, "Under another article."),
    )


def public_urls(world) -> list[str]:
    slug = world.article.slug
    own, foreign = world.own.pk, world.foreign.pk
    return [
        "/",
        f"/articles/{slug}/",
        f"/articles/{slug}/comments/",
        f"/comments/{own}/",
        f"/comments/{own}/edit/",
        f"/comments/{foreign}/report/",
        f"/comments/{world.rejected.pk}/appeal/",
        "/accounts/signup/",
        "/accounts/login/",
        "/accounts/settings/",
        "/accounts/password_change/",
        "/accounts/password_reset/",
        "/accounts/password/change/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-set-password/",
        "/accounts/password/reset/key/done/",
        "/accounts/email/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/sessions/",
        f"/users/{world.reader.username}/",
        "/admin/",
        "/admin/login/",
        "/admin/comments/comment/",
        "/feeds/articles/",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
        "/guidelines/",
        # Last: they delete the comment and sign the reader out.
        f"/comments/{own}/delete/",
        "/accounts/logout/",
    ]


@pytest.fixture(params=["anonymous", "reader"])
def visitor(request, world):
    """Sends requests anonymously or as a reader signed in afresh each time
    (a hostile request may sign them out)."""
    client = Client(raise_request_exception=False)
    signed_in = request.param == "reader"

    def send(method: str, url: str, **kwargs):
        if signed_in:
            client.force_login(world.reader)
        return getattr(client, method)(url, **kwargs)

    return send


def server_errors(responses) -> list[str]:
    return [
        f"{method.upper()} {url} -> {response.status_code}"
        for method, url, response in responses
        if response.status_code >= 500
    ]


def test_hostile_empty_requests_never_answer_5xx(visitor, world):
    responses = [
        (method, url, visitor(method, url))
        for url in public_urls(world)
        for method in ("get", "post", "head", "options")
    ]

    assert server_errors(responses) == []


def test_hostile_nul_bytes_in_every_field_never_answer_5xx(visitor, world):
    data = dict.fromkeys(FIELDS, f"a{NUL}b")

    responses = [
        (method, url, visitor(method, url, data=data))
        for url in public_urls(world)
        for method in ("get", "post")
    ]

    assert server_errors(responses) == []


@pytest.mark.parametrize(
    "path",
    [
        "/articles/%00/",
        "/articles/oil-and-gas%00/",
        "/articles/%00/comments/",
        "/users/%00/",
        "/users/Paul3390%00/",
        "/?page=%00",
        "/admin/comments/comment/?q=%00",
    ],
)
def test_hostile_nul_bytes_in_the_url_answer_400(visitor, world, path):
    get = visitor("get", path)
    post = visitor("post", path, data={"body": "A comment."})

    assert get.status_code == 400
    assert post.status_code == 400


INVALID_UTF8 = "%FF%FE%C0%AF%ED%A0%80"


def test_hostile_invalid_utf8_in_query_and_form_never_answers_5xx(visitor, world):
    query = f"page={INVALID_UTF8}&next={INVALID_UTF8}&reply_to=%FF"
    body = "&".join(f"{field}={INVALID_UTF8}" for field in FIELDS)

    responses = [
        ("get", url, visitor("get", url, QUERY_STRING=query))
        for url in public_urls(world)
    ] + [
        (
            "post",
            url,
            visitor(
                "post",
                url,
                data=body,
                content_type="application/x-www-form-urlencoded",
                QUERY_STRING=query,
            ),
        )
        for url in public_urls(world)
    ]

    assert server_errors(responses) == []


@pytest.mark.parametrize(
    "path",
    [f"/articles/{INVALID_UTF8}/", f"/users/{INVALID_UTF8}/"],
)
def test_hostile_invalid_utf8_in_the_path_answers_404(visitor, world, path):
    response = visitor("get", path)

    assert response.status_code == 404


def test_hostile_oversized_form_answers_400_on_every_url(world):
    """A browser's POST always passes the CSRF check, which reads the form
    first: a 3 MB form is refused there, whatever the URL."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world.reader)
    client.get("/accounts/settings/")
    token = client.cookies["csrftoken"].value
    big = {"csrfmiddlewaretoken": token, "body": "x" * THREE_MB}

    responses = {
        url: (
            client.post(url, big).status_code,
            client.post(
                url,
                "body=" + "x" * THREE_MB,
                content_type="application/x-www-form-urlencoded",
                HTTP_X_CSRFTOKEN=token,
            ).status_code,
        )
        for url in public_urls(world)
    }

    assert responses == dict.fromkeys(responses, (400, 400))
    assert Comment.objects.filter(pk=world.own.pk).exists()


def test_hostile_oversized_form_answers_400_where_a_form_is_read(visitor, world):
    slug = world.article.slug
    public_forms = [
        "/accounts/signup/",
        "/accounts/login/",
        "/accounts/password/reset/",
    ]
    readers_forms = [
        f"/articles/{slug}/comments/",
        f"/comments/{world.own.pk}/edit/",
        f"/comments/{world.foreign.pk}/report/",
        f"/comments/{world.rejected.pk}/appeal/",
        "/accounts/settings/",
        "/accounts/password/change/",
        "/accounts/email/",
    ]
    big = {"body": "x" * THREE_MB}

    public = {url: visitor("post", url, data=big).status_code for url in public_forms}
    readers = {url: visitor("post", url, data=big).status_code for url in readers_forms}

    comment_post = readers.pop(f"/articles/{slug}/comments/")

    assert public == dict.fromkeys(public_forms, 400)
    # Anonymous visitors are sent to sign in before any other form is read;
    # a comment is read to be kept for them (comments.drafts).
    assert set(readers.values()) in ({400}, {302})
    assert comment_post == 400


def test_hostile_too_many_fields_never_answer_5xx(visitor, world):
    data = {f"field{number}": "x" for number in range(1500)}

    responses = [
        (method, url, visitor(method, url, data=data))
        for url in public_urls(world)
        for method in ("get", "post")
    ]

    assert server_errors(responses) == []


def test_hostile_multipart_upload_never_answers_5xx(visitor, world):
    data = {
        "body": "A comment.",
        "file": SimpleUploadedFile("upload.bin", b"\x00" * THREE_MB),
    }

    responses = [
        ("post", url, visitor("post", url, data=data)) for url in public_urls(world)
    ]

    assert server_errors(responses) == []


def test_hostile_unknown_and_foreign_ids_answer_404(client, world):
    client.force_login(world.reader)
    foreign, slug = world.foreign.pk, world.article.slug

    statuses = {
        "edit someone else's": client.get(f"/comments/{foreign}/edit/").status_code,
        "delete someone else's": client.post(
            f"/comments/{foreign}/delete/"
        ).status_code,
        "unknown comment": client.get("/comments/987654321/").status_code,
        "huge id": client.get("/comments/99999999999999999999999999/").status_code,
        "huge id edit": client.post(
            "/comments/99999999999999999999999999/edit/", {"body": "x"}
        ).status_code,
        "unknown article": client.post(
            "/articles/no-such-article/comments/", {"body": "x"}
        ).status_code,
        "unknown reader": client.get("/users/nobody-at-all/").status_code,
    }
    replies = {
        "reply under another article": client.post(
            f"/articles/{slug}/comments/",
            {"body": "A reply.", "reply_to": world.elsewhere.pk},
        ).status_code,
        "reply to a huge id": client.post(
            f"/articles/{slug}/comments/",
            {"body": "A reply.", "reply_to": "99999999999999999999999999"},
        ).status_code,
        "reply to text": client.post(
            f"/articles/{slug}/comments/", {"body": "A reply.", "reply_to": "abc"}
        ).status_code,
    }

    own_report = client.post(f"/comments/{world.own.pk}/report/", {"reason": "spam"})

    assert statuses == dict.fromkeys(statuses, 404)
    assert own_report.status_code in (403, 404)
    assert not Report.objects.exists()
    assert set(replies.values()) == {200}
    assert Comment.objects.filter(pk=foreign, status="published").exists()
    assert not Comment.objects.filter(body="A reply.").exists()


def test_hostile_wrong_methods_answer_405(client, world):
    slug = world.article.slug
    client.force_login(world.reader)

    statuses = {
        "GET logout": client.get("/accounts/logout/").status_code,
        "POST front page": client.post("/").status_code,
        "POST article": client.post(f"/articles/{slug}/").status_code,
        "POST profile": client.post(f"/users/{world.reader.username}/").status_code,
        "POST guidelines": client.post("/guidelines/").status_code,
        "POST robots": client.post("/robots.txt").status_code,
        "POST healthz": client.post("/healthz").status_code,
        "PUT front page": client.put("/").status_code,
        "DELETE article": client.delete(f"/articles/{slug}/").status_code,
        "PATCH comment post": client.patch(f"/articles/{slug}/comments/").status_code,
    }

    assert statuses == dict.fromkeys(statuses, 405)


@pytest.mark.parametrize("signed_in_reader", [False, True])
def test_hostile_posts_without_csrf_token_answer_403(
    csrf_client, world, signed_in_reader
):
    if signed_in_reader:
        csrf_client.force_login(world.reader)
    slug, own, foreign = world.article.slug, world.own.pk, world.foreign.pk
    form_urls = [
        f"/articles/{slug}/comments/",
        f"/comments/{own}/edit/",
        f"/comments/{own}/delete/",
        f"/comments/{foreign}/report/",
        f"/comments/{world.rejected.pk}/appeal/",
        "/accounts/signup/",
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/settings/",
        "/accounts/password/change/",
        "/accounts/password/reset/",
        "/accounts/email/",
        "/accounts/sessions/",
        "/admin/login/",
    ]

    statuses = {
        url: csrf_client.post(
            url, {"body": "x", "reason": "spam", "text": "x"}
        ).status_code
        for url in form_urls
    }

    assert statuses == dict.fromkeys(form_urls, 403)
    assert Comment.objects.filter(pk=own, status="published").exists()


def test_hostile_host_header_answers_400_on_every_url(visitor, world):
    statuses = {
        url: visitor("get", url, HTTP_HOST="attacker.example").status_code
        for url in public_urls(world)
    }

    assert statuses == dict.fromkeys(statuses, 400)
