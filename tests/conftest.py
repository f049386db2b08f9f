"""Fixtures shared by the whole suite: readers, an article, a moderator."""

import itertools
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment, ModerationSettings, Status

PASSWORD = "correct horse battery staple"


def post(client, article, body: str, **fields):
    """Post `body` under `article` as the comment form does; `fields` adds
    form fields (reply_to, idempotency_key) or request headers (REMOTE_ADDR)."""
    headers = {name: fields.pop(name) for name in list(fields) if name.isupper()}
    return client.post(
        reverse("comments:post", args=[article.slug]),
        {"body": body, **fields},
        **headers,
    )


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives a test's database transaction: start each one empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_reader(db):
    def make(username="reader", display_name="Reader", **extra):
        extra.setdefault("email", f"{username.replace(' ', '.')}@example.com")
        return User.objects.create_user(
            username=username, password=PASSWORD, display_name=display_name, **extra
        )

    return make


@pytest.fixture
def reader(make_reader):
    return make_reader("Paul3390", "Paul")


@pytest.fixture
def other_reader(make_reader):
    return make_reader("Fizik13", "Alexey")


@pytest.fixture
def editor(make_reader):
    user = make_reader("editor", "The Editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator(make_reader):
    user = make_reader("moderator", "The Moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(moderator):
    """The moderator's browser, signed in, beside any reader's (`client`)."""
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def told():
    """The messages a response left for the next page, as the user reads them."""

    def read(response) -> list[str]:
        return [str(message) for message in get_messages(response.wsgi_request)]

    return read


@pytest.fixture
def make_article(db, make_reader):
    def make(slug="oil-and-gas", **extra):
        author = (
            extra.pop("author", None)
            or User.objects.filter(username="desk").first()
            or make_reader("desk", "News desk", is_staff=True)
        )
        extra.setdefault("published_at", timezone.now() - timedelta(hours=1))
        return Article.objects.create(
            slug=slug,
            title=extra.pop("title", "Russia enters the oil and gas sector"),
            lead=extra.pop("lead", "Moscow and Pyongyang expand cooperation."),
            body=extra.pop("body", "A paragraph.\n\n> A quotation\n— he said."),
            author=author,
            **extra,
        )

    return make


@pytest.fixture
def article(make_article):
    return make_article()


@pytest.fixture
def no_new_reader_premoderation(db):
    """Most tests are about published comments: trust new readers."""
    moderation = ModerationSettings.current()
    moderation.new_reader_premoderation = 0
    moderation.save()
    return moderation


@pytest.fixture
def make_comment(db):
    """A comment as if it had gone through the rules: a published one (or
    one deleted after publication) takes the discussion's next number."""

    def make(article, author, body="A comment.", status=Status.PUBLISHED, **extra):
        if status in (Status.PUBLISHED, Status.DELETED):
            extra.setdefault("number", Comment.objects.next_number(article.pk))
        return Comment.objects.create(
            article=article, author=author, body=body, status=status, **extra
        )

    return make


@pytest.fixture
def signed_in(client, reader):
    client.force_login(reader)
    return client


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run what a block leaves for after commit, as the commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def form_token():
    """Read the CSRF token a page's form carries, as a browser sends it back."""

    def token(response) -> str:
        match = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()
        )
        assert match, "the page has no form with a CSRF token"
        return match.group(1)

    return token


@pytest.fixture(autouse=True, scope="session")
def _private_file_cache(tmp_path_factory):
    """Give this test run a file cache of its own.

    The default file cache, var/cache, is also the running demo's and every
    other test run's on the machine: clearing it there (_empty_cache) would
    empty theirs, and their clearing would change what this run counts (a
    query budget measured on a warm cache). Redis (CACHE_URL) stays as set.
    """
    cache_settings = settings.CACHES["default"]
    if not cache_settings["BACKEND"].endswith("FileBasedCache"):
        yield
        return
    location = str(tmp_path_factory.mktemp("cache"))
    with override_settings(
        CACHES={"default": {**cache_settings, "LOCATION": location}}
    ):
        yield


@pytest.fixture
def make_discussion(db):
    """`size` published comments under `article` by `authors` in turn, each
    answering the one before, one in 17 deleted by its author, as a real
    discussion would have them; a millisecond apart from `start`."""

    def make(article, authors, size, *, start=None):
        start = start or timezone.now() - timedelta(hours=2)
        first_number = Comment.objects.next_number(article.pk)
        comments = Comment.objects.bulk_create(
            Comment(
                article=article,
                author=authors[n % len(authors)],
                body=f"Comment number {n}, see https://example.com/{n}\nsecond line",
                status=Status.DELETED if n % 17 == 16 else Status.PUBLISHED,
                created_at=start + timedelta(milliseconds=n),
                number=first_number + n,
            )
            for n in range(size)
        )
        for earlier, later in itertools.pairwise(comments):
            later.reply_to = earlier
        Comment.objects.bulk_update(comments[1:], ["reply_to"])
        return comments

    return make
