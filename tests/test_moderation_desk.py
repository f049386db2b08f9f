"""The moderator's desk: the queue's one-click decisions, the history beside
each comment (how many readers ignore its author) and moderators' notes on
readers, through the admin's real URLs."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments import moderation
from comments.models import (
    FEATURED_LIMIT,
    Comment,
    Ignore,
    ModeratorNote,
    RemovalReason,
    Report,
    Status,
)

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"


def decide(client, comment_or_id, decision: str, filters: str = "", **data):
    """Press one of a queue row's buttons, as its form posts."""
    pk = getattr(comment_or_id, "pk", comment_or_id)
    return client.post(
        f"{QUEUE}{pk}/{decision}/", {"_changelist_filters": filters, **data}
    )


@pytest.fixture
def pending(article, reader, make_comment):
    return make_comment(article, reader, "Is this allowed?", Status.PENDING)


@pytest.fixture
def reported(article, reader, make_comment, other_reader):
    comment = make_comment(article, reader, "You are all liars.")
    moderation.report_comment(comment, other_reader, Report.Reason.ABUSE, "Rude")
    comment.refresh_from_db()
    return comment


def test_admin_is_branded_as_briefings_moderation(moderator_client):
    response = moderator_client.get("/admin/")

    assertContains(response, "<title>The moderator&#x27;s desk | Briefing moderation")
    assertContains(response, '<a href="/admin/">Briefing moderation</a>')
    assertNotContains(response, "Django administration")


def test_queue_row_has_its_own_forms_outside_the_list_form(moderator_client, pending):
    response = moderator_client.get(QUEUE, {"queue": "pending"})

    html = response.content.decode()
    list_form_ends = html.index("</form>", html.index('id="changelist-form"'))
    own_form = html.index(f'<form id="desk-{pending.pk}" method="post"')
    assert own_form > list_form_ends
    assertContains(response, f'formaction="{QUEUE}{pending.pk}/approve/"')
    assertContains(response, f'formaction="{QUEUE}{pending.pk}/feature/"')
    for reason in RemovalReason:
        if reason != RemovalReason.OTHER:
            assertContains(response, f'name="removal_reason" value="{reason.value}"')
    assertContains(response, 'name="_changelist_filters" value="queue=pending"')


def test_one_click_approve_publishes_and_goes_back_to_the_same_queue(
    moderator_client, moderator, pending, told
):
    response = decide(moderator_client, pending, "approve", "queue=pending&p=2")

    assertRedirects(
        response, f"{QUEUE}?queue=pending&p=2", fetch_redirect_response=False
    )
    pending.refresh_from_db()
    assert pending.status == Status.PUBLISHED
    event = pending.events.get()
    assert (event.actor, event.to_status) == (moderator, Status.PUBLISHED)
    assert told(response) == ["Approved: “Is this allowed?” by Paul3390 (Paul)."]


def test_one_click_approve_of_a_reported_comment_closes_its_reports(
    moderator_client, reported
):
    decide(moderator_client, reported, "approve")

    reported.refresh_from_db()
    assert (reported.status, reported.open_reports) == (Status.PUBLISHED, 0)
    assert not reported.reports.filter(dismissed_at__isnull=True).exists()


def test_one_click_reject_for_a_standard_reason(
    moderator_client, moderator, reported, told
):
    response = decide(
        moderator_client, reported, "reject", "queue=reported", removal_reason="abuse"
    )

    assertRedirects(response, f"{QUEUE}?queue=reported", fetch_redirect_response=False)
    reported.refresh_from_db()
    assert (reported.status, reported.removal_reason) == (
        Status.REJECTED,
        RemovalReason.ABUSE,
    )
    assert reported.events.get().actor == moderator
    assert reported.open_reports == 0
    assert told(response) == [
        "Rejected (abuse or harassment): “You are all liars.” by Paul3390 (Paul)."
    ]


def test_one_click_reject_as_other_needs_a_note(moderator_client, pending, told):
    refused = decide(moderator_client, pending, "reject", removal_reason="other")
    pending.refresh_from_db()
    status_after_refusal = pending.status

    decide(
        moderator_client,
        pending,
        "reject",
        removal_reason="other",
        reason="Advertises a shop",
    )

    assert status_after_refusal == Status.PENDING
    assert "was not rejected" in told(refused)[0]
    pending.refresh_from_db()
    assert (pending.status, pending.removal_reason, pending.moderation_reason) == (
        Status.REJECTED,
        RemovalReason.OTHER,
        "Advertises a shop",
    )


def test_unknown_reason_is_refused_not_a_500(moderator_client, pending, told):
    response = decide(moderator_client, pending, "reject", removal_reason="<bogus>")

    assert response.status_code == 302
    assert "was not rejected" in told(response)[0]
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_one_click_feature_approves_and_features(moderator_client, pending, told):
    response = decide(moderator_client, pending, "feature")

    pending.refresh_from_db()
    assert pending.status == Status.PUBLISHED
    assert pending.featured_at is not None
    assert told(response) == ["Featured: “Is this allowed?” by Paul3390 (Paul)."]


def test_feature_keeps_the_articles_limit(
    moderator_client, moderator, article, reader, make_comment, told
):
    for _ in range(FEATURED_LIMIT):
        moderation.feature(make_comment(article, reader), moderator)
    one_more = make_comment(article, reader)

    response = decide(moderator_client, one_more, "feature")

    one_more.refresh_from_db()
    assert one_more.featured_at is None
    assert f"already features {FEATURED_LIMIT} comments" in told(response)[0]


def test_decisions_check_the_comments_state(
    moderator_client, article, reader, make_comment, told
):
    deleted = make_comment(article, reader, "Withdrawn.", Status.DELETED)
    rejected = make_comment(article, reader, "Refused.", Status.REJECTED)

    approving = decide(moderator_client, deleted, "approve")
    rejecting = decide(moderator_client, deleted, "reject", removal_reason="spam")
    featuring = decide(moderator_client, rejected, "feature")

    deleted.refresh_from_db()
    rejected.refresh_from_db()
    assert deleted.status == Status.DELETED
    assert (rejected.status, rejected.featured_at) == (Status.REJECTED, None)
    assert told(approving)[0].startswith("Nothing to approve")
    assert told(rejecting)[-1].startswith("Nothing to reject")
    assert told(featuring)[-1].startswith("Nothing to feature")
    assert not Comment.objects.filter(events__isnull=False).exists()


@pytest.mark.parametrize("decision", ["approve", "reject", "feature", "note"])
def test_bad_ids_are_not_found(moderator_client, decision):
    missing = moderator_client.post(f"{QUEUE}987654/{decision}/")
    malformed = moderator_client.post(f"{QUEUE}12abc/{decision}/", follow=True)
    huge = moderator_client.post(f"{QUEUE}{'9' * 30}/{decision}/")

    assert missing.status_code == 404
    assert malformed.status_code in (200, 404)
    assert huge.status_code == 404


@pytest.mark.parametrize("decision", ["approve", "reject", "feature", "note"])
def test_decisions_answer_only_posts(moderator_client, pending, decision):
    response = moderator_client.get(f"{QUEUE}{pending.pk}/{decision}/")

    assert response.status_code == 405
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


@pytest.mark.parametrize("decision", ["approve", "reject", "feature", "note"])
def test_readers_are_sent_to_sign_in_and_editors_refused(
    signed_in, editor, pending, decision
):
    as_editor = Client()
    as_editor.force_login(editor)

    by_reader = decide(signed_in, pending, decision, removal_reason="spam", text="x")
    by_editor = decide(as_editor, pending, decision, removal_reason="spam", text="x")

    assert by_reader.status_code == 302
    assert "/admin/login/" in by_reader["Location"]
    assert by_editor.status_code == 403
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert not ModeratorNote.objects.exists()


def test_decisions_need_the_csrf_token(csrf_client, moderator, pending, form_token):
    csrf_client.force_login(moderator)

    forged = decide(csrf_client, pending, "approve")
    token = form_token(csrf_client.get(QUEUE))
    genuine = decide(csrf_client, pending, "approve", csrfmiddlewaretoken=token)

    assert forged.status_code == 403
    assert genuine.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.PUBLISHED


def test_the_way_back_stays_on_the_queue(moderator_client, pending):
    response = decide(moderator_client, pending, "approve", "//evil.example/x?q=1")

    assert response["Location"].startswith(f"{QUEUE}?")
    assert "//evil.example" not in response["Location"].split("?", 1)[0]


def test_queue_shows_the_whole_text_and_opens_the_rest_of_a_long_one(
    moderator_client, article, reader, make_comment
):
    long_text = "Word " * 200 + "THE END"
    make_comment(article, reader, long_text, Status.PENDING)

    response = moderator_client.get(QUEUE)

    assertContains(response, '<details class="comment-rest">')
    assertContains(response, "Show the rest")
    assertContains(response, "THE END")


def test_history_says_how_many_readers_ignore_the_author(
    moderator_client, pending, reader, make_reader
):
    for n in range(3):
        Ignore.objects.create(ignorer=make_reader(f"ignorer{n}", "I"), ignored=reader)

    response = moderator_client.get(QUEUE)

    assertContains(response, "ignored by 3 readers")


def test_ignore_counts_and_notes_cost_one_query_each_for_the_page(
    moderator_client,
    moderator,
    article,
    make_reader,
    make_comment,
    django_assert_max_num_queries,
):
    def seed(count: int, start: int) -> None:
        for n in range(start, start + count):
            author = make_reader(f"author{n}", f"Author {n}")
            make_comment(article, author, f"Comment {n}", Status.PENDING)
            ignorer = make_reader(f"ignorer{n}", "I")
            Ignore.objects.create(ignorer=ignorer, ignored=author)
            moderation.note_reader(author, moderator, f"Note {n}")

    seed(2, 0)
    moderator_client.get(QUEUE)
    with django_assert_max_num_queries(12) as small:
        moderator_client.get(QUEUE)
    seed(30, 2)

    with django_assert_max_num_queries(12) as large:
        response = moderator_client.get(QUEUE)

    assertContains(response, "ignored by 1 reader", count=32)
    assertContains(response, "Note 31")
    assert len(large.captured_queries) <= len(small.captured_queries)


# Moderator notes.


def test_moderator_notes_a_reader_from_the_queue(
    moderator_client, moderator, pending, reader, article, make_comment, told
):
    other_comment = make_comment(article, reader, "Another one.", Status.PENDING)

    response = decide(
        moderator_client,
        pending,
        "note",
        "queue=pending",
        text="Warned by mail on <b>3 May</b>",
    )
    queue = moderator_client.get(QUEUE)

    assertRedirects(response, f"{QUEUE}?queue=pending", fetch_redirect_response=False)
    note = ModeratorNote.objects.get()
    assert (note.reader, note.author, note.text) == (
        reader,
        moderator,
        "Warned by mail on <b>3 May</b>",
    )
    assert told(response) == ["Note kept on Paul3390 (Paul)."]
    logged = LogEntry.objects.get(object_id=str(note.pk))
    assert (logged.user, logged.action_flag) == (moderator, ADDITION)
    # Beside each of the reader's comments, escaped.
    assertContains(queue, "Warned by mail on &lt;b&gt;3 May&lt;/b&gt;", count=2)
    assertContains(queue, f'href="{QUEUE}{other_comment.pk}/change/"')


def test_an_empty_or_overlong_note_is_refused(moderator_client, pending, told):
    empty = decide(moderator_client, pending, "note", text="   ")
    overlong = decide(moderator_client, pending, "note", text="x" * 1001)

    assert "not kept" in told(empty)[0]
    assert "not kept" in told(overlong)[-1]
    assert not ModeratorNote.objects.exists()


def test_moderator_notes_a_reader_from_the_notes_admin(
    moderator_client, moderator, reader
):
    form = moderator_client.get(
        f"/admin/comments/moderatornote/add/?reader={reader.pk}"
    )

    response = moderator_client.post(
        "/admin/comments/moderatornote/add/",
        {"reader": reader.username, "text": "Same person as reader42."},
    )

    assertContains(form, f'value="{reader.username}"')
    assert response.status_code == 302
    note = ModeratorNote.objects.get()
    assert (note.reader, note.author) == (reader, moderator)


def test_comment_page_lists_the_notes_and_links_to_add_one(
    moderator_client, moderator, pending, reader
):
    moderation.note_reader(reader, moderator, "Asked to cite sources.")

    response = moderator_client.get(f"{QUEUE}{pending.pk}/change/")

    assertContains(response, "Asked to cite sources.")
    assertContains(
        response, f'href="/admin/comments/moderatornote/add/?reader={reader.pk}"'
    )


def test_notes_are_for_moderators_only(
    client, signed_in, editor, moderator, reader, make_reader
):
    moderation.note_reader(reader, moderator, "Known troll.")
    as_editor = Client()
    as_editor.force_login(editor)

    profile = client.get(f"/users/{reader.username}/")
    own_profile = signed_in.get(f"/users/{reader.username}/")
    editors_list = as_editor.get("/admin/comments/moderatornote/")
    readers_list = signed_in.get("/admin/comments/moderatornote/")

    assertNotContains(profile, "Known troll.")
    assertNotContains(own_profile, "Known troll.")
    assert editors_list.status_code == 403
    assert readers_list.status_code == 302


def test_notes_are_kept_as_written(moderator_client, moderator, reader):
    note = moderation.note_reader(reader, moderator, "First impression.")

    change = moderator_client.post(
        f"/admin/comments/moderatornote/{note.pk}/change/", {"text": "Rewritten."}
    )
    delete = moderator_client.post(
        f"/admin/comments/moderatornote/{note.pk}/delete/", {"post": "yes"}
    )

    note.refresh_from_db()
    assert note.text == "First impression."
    assert change.status_code == 403
    assert delete.status_code == 403


def test_notes_older_than_the_latest_three_are_counted(
    moderator_client, moderator, pending, reader
):
    now = timezone.now()
    for n in range(5):
        ModeratorNote.objects.create(
            reader=reader,
            author=moderator,
            text=f"Note number {n}",
            created_at=now - timedelta(days=5 - n),
        )

    response = moderator_client.get(QUEUE)

    assertContains(response, "Note number 4")
    assertNotContains(response, "Note number 1")
    assertContains(response, "and 2 older notes")
    listed = moderator_client.get("/admin/comments/moderatornote/", {"q": "paul3390"})
    assertContains(listed, "Note number 0")


def test_each_row_offers_a_note_on_its_author(moderator_client, pending):
    queue = moderator_client.get(QUEUE)

    assertContains(queue, "<summary>Add a note on Paul3390</summary>", count=1)
    assertContains(queue, f'<textarea id="desk-{pending.pk}-note-text"')
    assertContains(queue, f'form="desk-{pending.pk}-note"', count=2)
