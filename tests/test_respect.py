"""Respect: a reader appreciates someone else's published comment, once."""

import json
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments import conversation
from comments.models import Comment, Respect, Sanction, Status

from .test_account_deletion import ask_deletion, client_for, erase_due, grace_over
from .test_limits_across_processes import ROOT, _environment, _manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(article, other_reader, make_comment):
    return make_comment(article, other_reader, "A sharp point, well made.")


def respect(client, comment, data=None, **headers):
    return client.post(f"/comments/{comment.pk}/respect/", data or {}, **headers)


def respect_button(page, comment) -> str:
    """The Respect button of `comment` on `page`."""
    html = page.content.decode()
    start = html.index(f'id="comment-{comment.pk}"')
    match = re.compile(r"<button[^>]*respect__button.*?</button>", re.S).search(
        html, start
    )
    assert match, "the comment has no Respect button"
    return match.group(0)


def test_respect_counts_and_shows_pressed(
    csrf_client, form_token, reader, article, theirs
):
    csrf_client.force_login(reader)
    page = csrf_client.get(article.get_absolute_url())

    response = csrf_client.post(
        f"/comments/{theirs.pk}/respect/",
        {"csrfmiddlewaretoken": form_token(page)},
    )

    assertRedirects(
        response,
        f"/articles/oil-and-gas/#comment-{theirs.pk}",
        fetch_redirect_response=False,
    )
    theirs.refresh_from_db()
    assert theirs.respect_count == 1
    assert Respect.objects.get().reader == reader
    button = respect_button(csrf_client.get(article.get_absolute_url()), theirs)
    assert 'aria-pressed="true"' in button
    assert '<span class="respects">1</span>' in button


def test_respect_is_taken_back_by_the_second_post(signed_in, article, theirs):
    respect(signed_in, theirs)

    respect(signed_in, theirs)

    theirs.refresh_from_db()
    assert theirs.respect_count == 0
    assert not Respect.objects.exists()
    button = respect_button(signed_in.get(article.get_absolute_url()), theirs)
    assert 'aria-pressed="false"' in button


def respect_form(page, comment) -> dict[str, str]:
    """What the Respect form of `comment` on `page` sends, as a browser does."""
    html = page.content.decode()
    start = html.index(f'action="/comments/{comment.pk}/respect/"')
    form = html[start : html.index("</form>", start)]
    return dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    )


def test_the_respect_form_sent_twice_gives_once_then_takes_back_once(
    csrf_client, reader, article, theirs
):
    # nginx resends a POST to the next instance when the first stopped under
    # it (deploy/nginx/briefing-locations.conf); a double click does too. The
    # form says what it wants, so the repeat does not undo it.
    csrf_client.force_login(reader)
    give = respect_form(csrf_client.get(article.get_absolute_url()), theirs)
    assert give["respect"] == "give"

    for _ in "12":
        csrf_client.post(f"/comments/{theirs.pk}/respect/", give)
    theirs.refresh_from_db()
    assert theirs.respect_count == 1 == Respect.objects.count()

    withdraw = respect_form(csrf_client.get(article.get_absolute_url()), theirs)
    assert withdraw["respect"] == "withdraw"
    answers = [
        csrf_client.post(
            f"/comments/{theirs.pk}/respect/", withdraw, HTTP_ACCEPT="application/json"
        ).json()
        for _ in "12"
    ]
    theirs.refresh_from_db()
    assert theirs.respect_count == 0
    assert not Respect.objects.exists()
    assert answers == [{"respected": False, "respects": 0}] * 2


def test_giving_again_at_the_limit_is_not_refused(
    signed_in, reader, article, other_reader, make_comment
):
    # The repeat of a give that was the last the limit allowed changes
    # nothing, so it is not refused either.
    comments = [
        make_comment(article, other_reader, f"Comment {n}.")
        for n in range(conversation.RESPECT_LIMIT)
    ]
    Respect.objects.bulk_create(
        Respect(comment=comment, reader=reader) for comment in comments
    )

    response = respect(signed_in, comments[-1], data={"respect": "give"})

    assert response.status_code == 302
    assert Respect.objects.filter(comment=comments[-1]).count() == 1


def test_respect_answers_json_to_the_page_script(signed_in, theirs):
    response = respect(signed_in, theirs, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {"respected": True, "respects": 1}


def test_respect_for_ones_own_comment_is_refused(
    signed_in, article, reader, make_comment
):
    mine = make_comment(article, reader, "My own.")

    response = respect(signed_in, mine)

    assert response.status_code == 403
    assert not Respect.objects.exists()
    page = signed_in.get(article.get_absolute_url())
    assertContains(page, '<p class="respect">Respect <span class="respects">0</span>')


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.DELETED])
def test_respect_for_an_unpublished_comment_is_not_found(
    signed_in, article, other_reader, make_comment, status
):
    hidden = make_comment(article, other_reader, "Not for everyone.", status)

    response = respect(signed_in, hidden)

    assert response.status_code == 404
    assert not Respect.objects.exists()


def test_respect_needs_a_signed_in_reader(client, theirs):
    response = respect(client, theirs)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Respect.objects.exists()


def test_respect_needs_post(signed_in, theirs):
    assert signed_in.get(f"/comments/{theirs.pk}/respect/").status_code == 405


def test_respects_at_once_are_all_counted(article, theirs, make_reader):
    # Each reader acts on the comment as they loaded it: a counter written
    # back from that copy would keep only the last reader's respect.
    copies = [Comment.objects.get(pk=theirs.pk) for _ in range(3)]
    readers = [make_reader(f"fan{n}", f"Fan {n}") for n in range(3)]

    for copy, fan in zip(copies, readers, strict=True):
        conversation.toggle_respect(copy, fan)

    theirs.refresh_from_db()
    assert theirs.respect_count == 3 == Respect.objects.count()


def test_respect_is_rate_limited(
    signed_in, reader, article, other_reader, make_comment
):
    comments = [
        make_comment(article, other_reader, f"Comment {n}.")
        for n in range(conversation.RESPECT_LIMIT + 1)
    ]
    Respect.objects.bulk_create(
        Respect(comment=comment, reader=reader) for comment in comments[:-1]
    )

    response = respect(signed_in, comments[-1])

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert Respect.objects.filter(comment=comments[-1]).count() == 0


def test_respects_of_an_earlier_hour_do_not_count_against_the_limit(
    signed_in, reader, article, other_reader, make_comment
):
    comments = [
        make_comment(article, other_reader, f"Comment {n}.")
        for n in range(conversation.RESPECT_LIMIT + 1)
    ]
    earlier = timezone.now() - timedelta(hours=2)
    Respect.objects.bulk_create(
        Respect(comment=comment, reader=reader, created_at=earlier)
        for comment in comments[:-1]
    )

    response = respect(signed_in, comments[-1])

    assert response.status_code == 302


def test_rate_limits_off_lifts_the_respect_limit(
    settings, signed_in, reader, article, other_reader, make_comment
):
    settings.BRIEFING_RATE_LIMITS = False
    comments = [
        make_comment(article, other_reader, f"Comment {n}.")
        for n in range(conversation.RESPECT_LIMIT + 1)
    ]
    Respect.objects.bulk_create(
        Respect(comment=comment, reader=reader) for comment in comments[:-1]
    )

    response = respect(signed_in, comments[-1])

    assert response.status_code == 302


def test_anonymous_shared_page_shows_the_new_count(
    article, theirs, reader, django_capture_on_commit_callbacks
):
    anonymous = Client()
    before = anonymous.get(article.get_absolute_url())
    respecter = Client()
    respecter.force_login(reader)

    with django_capture_on_commit_callbacks(execute=True):
        respect(respecter, theirs)
    after = anonymous.get(article.get_absolute_url())

    assertContains(before, '<span class="respects">0</span>')
    assertContains(after, '<span class="respects">1</span>')
    assertNotContains(after, "aria-pressed")


def test_moderation_queue_shows_respect_counts(
    moderator_client, theirs, reader, make_reader
):
    conversation.toggle_respect(theirs, reader)
    conversation.toggle_respect(theirs, make_reader("fan", "Fan"))

    response = moderator_client.get("/admin/comments/comment/?queue=all")

    assertContains(response, "2 respects")


def test_profile_shows_respect_counts(client, theirs, reader, other_reader):
    conversation.toggle_respect(theirs, reader)

    response = client.get(other_reader.get_absolute_url())

    assertContains(response, '<span class="respects">1</span>')


def test_erased_account_takes_its_respects_back(reader, theirs):
    client = client_for(reader)
    respect(client, theirs)
    ask_deletion(client)
    grace_over(reader)

    erase_due()

    theirs.refresh_from_db()
    assert theirs.respect_count == 0
    assert not Respect.objects.exists()


def test_export_holds_the_readers_respects(signed_in, theirs):
    respect(signed_in, theirs)

    exported = signed_in.get("/accounts/export/").json()

    assert [r["comment"] for r in exported["respects"]] == [theirs.pk]


def test_banned_reader_cannot_respect(signed_in, reader, moderator, theirs):
    Sanction.objects.create(
        reader=reader, kind=Sanction.Kind.BAN, reason="Abuse", created_by=moderator
    )

    response = respect(signed_in, theirs)

    assert response.status_code == 403
    assertContains(response, "You are banned from commenting", status_code=403)
    assert not Respect.objects.exists()


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="threads share SQLite's in-memory test database through one "
    "table lock; on SQLite the processes test below races them",
)
@pytest.mark.django_db(transaction=True)
def test_readers_respecting_in_threads_at_once_are_all_counted(
    article, theirs, make_reader
):
    # Each reader posts from a thread of their own, on a connection of its
    # own, all released at the same moment: the database, not the test's
    # ordering, decides who writes first.
    # Three at once, with the test's own connection: the four that
    # BRIEFING_DB_POOL_SIZE gives a process.
    fans = [make_reader(f"fan{n}", f"Fan {n}") for n in range(3)]
    start = threading.Barrier(len(fans))

    def respect_at_once(fan):
        client = Client()
        client.force_login(fan)
        start.wait(timeout=30)
        try:
            return respect(client, theirs).status_code
        finally:
            connection.close()

    def everyone_at_once():
        with ThreadPoolExecutor(len(fans)) as pool:
            return list(pool.map(respect_at_once, fans))

    assert everyone_at_once() == [302] * len(fans)
    theirs.refresh_from_db()
    assert theirs.respect_count == len(fans) == Respect.objects.count()

    # And taking it back, all at once again.
    assert everyone_at_once() == [302] * len(fans)
    theirs.refresh_from_db()
    assert theirs.respect_count == 0 == Respect.objects.count()


RESPECT_SETUP = """
from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment
author = User.objects.create_user("author", "author@example.com", "pw")
article = Article.objects.create(
    title="Race", slug="race", lead="Lead", body="Body", author=author,
    published_at="2024-01-01T00:00Z",
)
Comment.objects.create(
    article=article, author=author, body="Respect me", status="published", number=1
)
for n in range(8):
    User.objects.create_user(f"fan{n}", f"fan{n}@example.com", "pw")
"""

# Each process signs in its four readers, waits for the same moment, then
# each respects the comment (sqlite3 releases the GIL while it waits on the
# file's lock, so a process's readers race the other process's too).
RESPECT_HAMMER = """
import json, threading, time
from django.db import connection
from django.test import Client
from briefing.accounts.models import User
from comments.models import Comment
comment = Comment.objects.get()
clients = []
for name in {names}:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=name))
    clients.append(client)
connection.close()
statuses = []
def respect(client):
    while time.time() < {start}:
        time.sleep(0.001)
    statuses.append(client.post(f"/comments/{{comment.pk}}/respect/").status_code)
    connection.close()
threads = [threading.Thread(target=respect, args=(c,)) for c in clients]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(statuses))
"""

RESPECT_COUNTS = """
import json
from comments.models import Comment, Respect
print(json.dumps([Comment.objects.get().respect_count, Respect.objects.count()]))
"""


def test_readers_respecting_from_two_processes_on_one_sqlite_file_are_all_counted(
    tmp_path,
):
    environment = _environment(tmp_path / "db.sqlite3")
    _manage(environment, "migrate", "--verbosity", "0")
    _manage(environment, "shell", "--command", RESPECT_SETUP)
    start = time.time() + 8  # both processes have started Django by then
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "shell",
                "--command",
                RESPECT_HAMMER.format(
                    names=[f"fan{n}" for n in range(half, 8, 2)], start=start
                ),
            ],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in (0, 1)
    ]
    statuses = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        statuses += json.loads(out.strip().splitlines()[-1])

    assert statuses == [302] * 8
    counts = _manage(environment, "shell", "--command", RESPECT_COUNTS).stdout
    assert json.loads(counts.strip().splitlines()[-1]) == [8, 8]
