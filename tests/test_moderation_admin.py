"""The moderation queue in the admin, worked as a moderator works it.

Everything goes through the admin's real URLs with the test client, signed in
as a moderator who is not a superuser.
"""

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments import moderation
from comments.admin import CappedCountPaginator
from comments.models import (
    Comment,
    CommentRevision,
    ModerationEvent,
    ModerationSettings,
    Report,
    Rule,
    Sanction,
    Status,
    Word,
)

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"


@pytest.fixture
def reader_client(reader):
    """The reader's own browser, beside the moderator's."""
    client = Client()
    client.force_login(reader)
    return client


def ids(response) -> list[int]:
    return [comment.pk for comment in response.context["cl"].result_list]


def act(client, action, comments, url=QUEUE, **data):
    """Choose `action` for `comments` in the list, as the Run button does."""
    return client.post(
        url,
        {
            "action": action,
            "_selected_action": [comment.pk for comment in comments],
            "index": 0,
            **data,
        },
    )


def confirm(client, action, comments, url=QUEUE, **data):
    """Submit an action's intermediate page (the reason and terms)."""
    return client.post(
        url,
        {
            "action": action,
            "_selected_action": [comment.pk for comment in comments],
            "apply": "1",
            **data,
        },
    )


def report(comment, *readers, reason=Report.Reason.ABUSE):
    for reader in readers:
        moderation.report_comment(comment, reader, reason, "details")


@pytest.fixture
def readers(make_reader):
    return [make_reader(f"reader{n}", f"Reader {n}") for n in range(4)]


@pytest.fixture
def mixed(article, reader, make_comment, readers):
    """One comment in each state the queue must tell apart, oldest first."""
    now = timezone.now()
    made = {
        "pending": make_comment(
            article,
            reader,
            "Waiting for a decision.",
            Status.PENDING,
            created_at=now - timedelta(minutes=50),
        ),
        "published": make_comment(
            article, reader, "Plain and fine.", created_at=now - timedelta(minutes=40)
        ),
        "reported": make_comment(
            article,
            reader,
            "Reported but still shown.",
            created_at=now - timedelta(minutes=30),
        ),
        "rejected": make_comment(
            article,
            reader,
            "Already refused.",
            Status.REJECTED,
            created_at=now - timedelta(minutes=20),
        ),
        "deleted": make_comment(
            article,
            reader,
            "Withdrawn.",
            Status.DELETED,
            created_at=now - timedelta(minutes=10),
        ),
        "new pending": make_comment(article, reader, "Newest waiting.", Status.PENDING),
    }
    report(made["reported"], readers[0], reason=Report.Reason.SPAM)
    return made


def test_queue_opens_on_pending_and_reported_comments_oldest_first(
    moderator_client, mixed
):
    response = moderator_client.get(QUEUE)

    assert ids(response) == [
        mixed["pending"].pk,
        mixed["reported"].pk,
        mixed["new pending"].pk,
    ]
    assertContains(response, "Needs a decision")


def test_queue_choice_all_shows_every_comment_newest_first(moderator_client, mixed):
    response = moderator_client.get(QUEUE, {"queue": "all"})

    assert ids(response) == [comment.pk for comment in reversed(mixed.values())]


@pytest.mark.parametrize(
    ("queue", "expected"),
    [("pending", ["pending", "new pending"]), ("reported", ["reported"])],
)
def test_queue_narrows_to_pending_or_reported(moderator_client, mixed, queue, expected):
    response = moderator_client.get(QUEUE, {"queue": queue})

    assert set(ids(response)) == {mixed[name].pk for name in expected}


def test_status_filter_shows_that_status_outside_the_queue(moderator_client, mixed):
    response = moderator_client.get(QUEUE, {"status__exact": "rejected"})

    assert ids(response) == [mixed["rejected"].pk]


def test_unknown_queue_value_is_an_admin_error_not_a_500(moderator_client, mixed):
    response = moderator_client.get(QUEUE, {"queue": "<script>"})

    assertRedirects(response, f"{QUEUE}?e=1", fetch_redirect_response=False)


def test_article_filter_keeps_one_articles_comments(
    moderator_client, make_article, reader, make_comment
):
    first = make_article("first")
    second = make_article("second", title="Another story")
    kept = make_comment(first, reader, status=Status.PENDING)
    make_comment(second, reader, status=Status.PENDING)

    response = moderator_client.get(QUEUE, {"article": first.pk})
    bad = moderator_client.get(QUEUE, {"article": "x"})

    assert ids(response) == [kept.pk]
    assertContains(response, "Another story")  # offered among the latest
    assertRedirects(bad, f"{QUEUE}?e=1", fetch_redirect_response=False)


def test_rule_filter_keeps_what_that_rule_held(
    moderator_client, article, reader, make_comment
):
    linked = make_comment(
        article,
        reader,
        "Links",
        Status.PENDING,
        rule=Rule.LINKS,
        moderation_reason="3 links",
    )
    make_comment(article, reader, "New", Status.PENDING, rule=Rule.NEW_READER)

    response = moderator_client.get(QUEUE, {"rule__exact": Rule.LINKS})

    assert ids(response) == [linked.pk]


def test_report_reason_filter_keeps_comments_with_such_open_reports(
    moderator_client, article, reader, make_comment, readers
):
    spam = make_comment(article, reader, "Buy now")
    abuse = make_comment(article, reader, "You fool")
    report(spam, readers[0], reason=Report.Reason.SPAM)
    report(abuse, readers[0], reason=Report.Reason.ABUSE)

    response = moderator_client.get(QUEUE, {"report_reason": "spam"})
    bad = moderator_client.get(QUEUE, {"report_reason": "nonsense"})

    assert ids(response) == [spam.pk]
    assertRedirects(bad, f"{QUEUE}?e=1", fetch_redirect_response=False)


def test_date_filter_keeps_todays_comments(
    moderator_client, article, reader, make_comment
):
    today = make_comment(article, reader, status=Status.PENDING)
    make_comment(
        article,
        reader,
        status=Status.PENDING,
        created_at=timezone.now() - timedelta(days=40),
    )
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)

    response = moderator_client.get(
        QUEUE,
        {
            "created_at__gte": start.isoformat(" "),
            "created_at__lt": (start + timedelta(days=1)).isoformat(" "),
        },
    )

    assert ids(response) == [today.pk]


def test_search_finds_words_of_the_text(
    moderator_client, article, reader, make_comment
):
    found = make_comment(article, reader, "The pipeline goes north.", Status.PENDING)
    make_comment(article, reader, "Nothing to see.", Status.PENDING)

    response = moderator_client.get(QUEUE, {"q": "PIPELINE"})

    assert ids(response) == [found.pk]


def test_search_by_username_ignores_case_and_look_alikes(
    moderator_client, article, reader, other_reader, make_comment
):
    theirs = make_comment(article, reader, "Mine.", Status.PENDING)
    make_comment(article, other_reader, "Paul3390 is wrong.", Status.PENDING)

    # "раul3390" with a Cyrillic "р" and "а".
    response = moderator_client.get(QUEUE, {"q": "раul3390"})

    assert ids(response) == [theirs.pk]


def test_queue_shows_excerpt_author_history_article_reports_and_rule(
    moderator_client, article, reader, make_comment, readers, moderator
):
    make_comment(article, reader, "Earlier one.")
    make_comment(article, reader, "Refused one.", Status.REJECTED)
    held = make_comment(
        article,
        reader,
        "A long comment " * 20,
        Status.PENDING,
        rule=Rule.SUSPECT_WORD,
        moderation_reason="Suspect word: fool",
    )
    report(held, readers[0], readers[1], reason=Report.Reason.ABUSE)
    report(held, readers[2], reason=Report.Reason.OFF_TOPIC)
    moderation.sanction_reader(
        reader, moderator, kind=Sanction.Kind.PREMODERATION, reason="Trolling"
    )

    response = moderator_client.get(QUEUE)

    # The whole text, not an excerpt.
    assertContains(response, "A long comment " * 20)
    assertContains(response, "Paul3390 (Paul)")
    assertContains(response, "1 published, 1 pending, 1 rejected")
    assertContains(response, "always premoderated")
    assertContains(response, article.title)
    assertContains(
        response, "<strong>3</strong> abuse or harassment (2), off topic (1)"
    )
    assertContains(response, "<strong>suspect word</strong>: Suspect word: fool")


def test_queue_escapes_what_readers_wrote(
    moderator_client, article, make_reader, make_comment
):
    author = make_reader("mallory", "<b>Mallory</b>")
    make_comment(article, author, "<script>alert(1)</script>", Status.PENDING)

    response = moderator_client.get(QUEUE)

    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(response, "<b>Mallory</b>")


def test_queue_never_counts_the_whole_table(
    moderator_client, article, reader, make_comment, monkeypatch
):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for _ in range(5):
        make_comment(article, reader, status=Status.PENDING)

    response = moderator_client.get(QUEUE)

    assertContains(response, "More than 3 comments")
    assert response.context["cl"].full_result_count is None


def test_capped_search_and_select_all_say_more_than_the_cap(
    moderator_client, article, reader, make_comment, monkeypatch
):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for _ in range(5):
        make_comment(article, reader, "Same words again.", Status.PENDING)

    response = moderator_client.get(QUEUE, {"q": "same words"})

    assertContains(response, "more than 3 results")
    assertContains(response, "All matching comments (more than 3) selected")
    assertContains(response, "Select all matching comments (more than 3)")


def _seed_queue(article, authors, reporters, size: int) -> None:
    """`size` more comments by `authors`: pending, and published but reported."""
    for n in range(size):
        reported = n % 3 == 0
        comment = Comment.objects.create(
            article=article,
            author=authors[n % len(authors)],
            body=f"Comment {n}",
            status=Status.PUBLISHED if reported else Status.PENDING,
            rule="" if reported else Rule.NEW_READER,
            open_reports=len(reporters) if reported else 0,
        )
        if reported:
            Report.objects.bulk_create(
                Report(comment=comment, reporter=reporter, reason=Report.Reason.SPAM)
                for reporter in reporters
            )


QUEUE_QUERY_BUDGET = 12


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"queue": "all"},
        {"status__exact": "pending"},
        {"q": "Comment"},
        {"q": "author0"},
    ],
)
def test_queue_query_count_does_not_grow_with_the_comments(
    moderator_client, article, make_reader, django_assert_max_num_queries, params
):
    authors = [make_reader(f"author{n}", f"Author {n}") for n in range(40)]
    reporters = [make_reader(f"reporter{n}", "R") for n in range(2)]
    _seed_queue(article, authors[:1], reporters, 3)
    moderator_client.get(QUEUE, params)  # session and settings warm
    with django_assert_max_num_queries(QUEUE_QUERY_BUDGET) as small:
        moderator_client.get(QUEUE, params)

    _seed_queue(article, authors, reporters, 150)
    with django_assert_max_num_queries(QUEUE_QUERY_BUDGET) as large:
        response = moderator_client.get(QUEUE, params)

    assert len(response.context["cl"].result_list) > 3
    assert len(large.captured_queries) <= len(small.captured_queries) + 1


# Bulk actions.


def test_approve_publishes_the_selection_and_records_who(
    moderator_client, moderator, article, reader, make_comment
):
    first = make_comment(article, reader, status=Status.PENDING, rule=Rule.NEW_READER)
    second = make_comment(article, reader, status=Status.PENDING, rule=Rule.LINKS)

    response = act(moderator_client, "approve_selected", [first, second])

    assertRedirects(response, QUEUE, fetch_redirect_response=False)
    for comment in (first, second):
        comment.refresh_from_db()
        assert comment.status == Status.PUBLISHED
        event = comment.events.get()
        assert (event.actor, event.from_status, event.to_status, event.reason) == (
            moderator,
            Status.PENDING,
            Status.PUBLISHED,
            "Approved",
        )


def test_approve_leaves_a_comment_its_author_deleted(
    moderator_client, article, reader, make_comment
):
    deleted = make_comment(article, reader, status=Status.DELETED)

    response = act(
        moderator_client, "approve_selected", [deleted], url=f"{QUEUE}?queue=all"
    )

    deleted.refresh_from_db()
    assert deleted.status == Status.DELETED
    assert not deleted.events.exists()
    messages = [str(message) for message in response.wsgi_request._messages]
    assert "0 comments approved. 1 left as it was" in messages[0]


def test_approve_counts_what_it_published_and_what_it_left(
    moderator_client, article, reader, make_comment, told
):
    pending = make_comment(article, reader, status=Status.PENDING)
    deleted = [make_comment(article, reader, status=Status.DELETED) for _ in range(2)]

    response = act(
        moderator_client,
        "approve_selected",
        [pending, *deleted],
        url=f"{QUEUE}?queue=all",
    )

    assert told(response) == [
        "1 comment approved. 2 left as they were "
        "(deleted by the author, or nothing to do)."
    ]


def test_reject_asks_for_a_reason_first(
    moderator_client, article, reader, make_comment
):
    comment = make_comment(article, reader, "Rude words here.", Status.PENDING)

    page = act(moderator_client, "reject_selected", [comment])
    empty = confirm(moderator_client, "reject_selected", [comment], reason="  ")

    assert page.status_code == 200
    assertContains(page, "Rude words here.")
    assertContains(page, 'name="reason"')
    assertContains(page, f'name="_selected_action" value="{comment.pk}"')
    assertContains(empty, "This field is required.")
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_reject_with_a_reason_records_it_and_shows_it_to_the_author(
    moderator_client, reader_client, moderator, article, reader, make_comment
):
    comment = make_comment(article, reader, "Rude words here.", Status.PENDING)

    response = confirm(
        moderator_client, "reject_selected", [comment], reason="Personal attack"
    )

    assertRedirects(response, QUEUE, fetch_redirect_response=False)
    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == (
        Status.REJECTED,
        "Personal attack",
    )
    event = comment.events.get()
    assert (event.actor, event.to_status, event.reason) == (
        moderator,
        Status.REJECTED,
        "Personal attack",
    )
    assertContains(reader_client.get(article.get_absolute_url()), "Personal attack")


def test_reject_and_ban_asks_for_the_terms(
    moderator_client, article, reader, make_comment
):
    comment = make_comment(article, reader, status=Status.PENDING)

    page = act(moderator_client, "reject_and_ban", [comment])

    assertContains(page, 'name="reason"')
    assertContains(page, 'name="until"')
    assertContains(page, 'name="reject_all"')
    assert not Sanction.objects.exists()


def test_reject_and_ban_rejects_and_records_the_ban(
    moderator_client, moderator, article, reader, make_comment
):
    comment = make_comment(article, reader, status=Status.PENDING)
    other = make_comment(article, reader, "Elsewhere, fine.")

    confirm(moderator_client, "reject_and_ban", [comment], reason="Hate speech")

    comment.refresh_from_db()
    other.refresh_from_db()
    assert comment.status == Status.REJECTED
    assert other.status == Status.PUBLISHED
    ban = Sanction.objects.get(reader=reader)
    assert (ban.kind, ban.reason, ban.created_by, ban.until) == (
        Sanction.Kind.BAN,
        "Hate speech",
        moderator,
        None,
    )


def test_reject_and_ban_can_reject_everything_they_wrote_until_a_date(
    moderator_client, moderator, article, reader, other_reader, make_comment
):
    comment = make_comment(article, reader, status=Status.PENDING)
    published = make_comment(article, reader, "Old and published.")
    deleted = make_comment(article, reader, "Withdrawn.", Status.DELETED)
    bystander = make_comment(article, other_reader, "Not theirs.")
    until = timezone.localtime() + timedelta(days=30)

    confirm(
        moderator_client,
        "reject_and_ban",
        [comment],
        reason="Spam campaign",
        until=until.strftime("%Y-%m-%dT%H:%M"),
        reject_all="on",
    )

    published.refresh_from_db()
    deleted.refresh_from_db()
    bystander.refresh_from_db()
    assert published.status == Status.REJECTED
    assert published.moderation_reason == "Author banned: Spam campaign"
    assert published.events.get().actor == moderator
    assert published.events.get().rule == Rule.BAN
    assert deleted.status == Status.DELETED
    assert bystander.status == Status.PUBLISHED
    ban = Sanction.objects.get(reader=reader)
    assert timezone.localtime(ban.until).strftime("%Y-%m-%d %H:%M") == until.strftime(
        "%Y-%m-%d %H:%M"
    )


def test_reject_and_ban_bans_each_author_once_and_says_so(
    moderator_client, moderator, article, reader, other_reader, make_comment, told
):
    first = make_comment(article, reader, "One.", Status.PENDING)
    second = make_comment(article, reader, "Two.", Status.PENDING)
    theirs = make_comment(article, other_reader, "Three.", Status.PENDING)
    moderation.sanction_reader(
        other_reader, moderator, kind=Sanction.Kind.BAN, reason="Earlier"
    )

    response = confirm(
        moderator_client, "reject_and_ban", [first, second, theirs], reason="Spam"
    )

    assert told(response) == ["3 comments rejected; 1 author banned."]
    assert Comment.objects.filter(status=Status.REJECTED).count() == 3
    assert Sanction.objects.filter(reader=reader).count() == 1
    assert Sanction.objects.get(reader=other_reader).reason == "Earlier"


def test_reject_and_ban_of_everything_they_wrote_says_so(
    moderator_client, article, reader, make_comment, told
):
    comment = make_comment(article, reader, status=Status.PENDING)

    response = confirm(
        moderator_client, "reject_and_ban", [comment], reason="Spam", reject_all="on"
    )

    assert told(response) == [
        "1 comment rejected; 1 author banned and all their comments rejected."
    ]


def test_ban_end_in_the_past_is_refused(
    moderator_client, article, reader, make_comment
):
    comment = make_comment(article, reader, status=Status.PENDING)

    response = confirm(
        moderator_client,
        "reject_and_ban",
        [comment],
        reason="Spam",
        until="2001-01-01T10:00",
    )

    assertContains(response, "The end of a ban must be in the future.")
    assert not Sanction.objects.exists()


def test_dismiss_reports_publishes_what_they_held(
    moderator_client, moderator, article, reader, make_comment, readers
):
    comment = make_comment(article, reader, "Unpopular but fair.")
    report(comment, *readers[:3])
    comment.refresh_from_db()
    assert comment.status == Status.PENDING

    act(moderator_client, "dismiss", [comment])

    comment.refresh_from_db()
    assert (comment.status, comment.open_reports) == (Status.PUBLISHED, 0)
    assert not Report.objects.filter(comment=comment, dismissed_at=None).exists()
    assert set(Report.objects.values_list("dismissed_by", flat=True)) == {moderator.pk}
    last = comment.events.last()
    assert (last.actor, last.to_status, last.reason) == (
        moderator,
        Status.PUBLISHED,
        "Reports dismissed",
    )
    assert comment.pk not in ids(moderator_client.get(QUEUE))


@pytest.mark.parametrize(
    ("reports", "note"),
    [
        (0, "0 reports dismissed."),
        (1, "1 report dismissed."),
        (2, "2 reports dismissed."),
    ],
)
def test_dismiss_says_how_many_reports_it_closed(
    moderator_client, article, reader, make_comment, readers, told, reports, note
):
    comment = make_comment(article, reader, "Reported, or not.")
    report(comment, *readers[:reports])

    response = act(moderator_client, "dismiss", [comment], url=f"{QUEUE}?queue=all")

    assert told(response) == [note]


def test_select_across_approves_every_match_of_the_filters(
    moderator_client, article, reader, make_comment
):
    pending = [make_comment(article, reader, status=Status.PENDING) for _ in range(3)]
    rejected = make_comment(article, reader, status=Status.REJECTED)

    moderator_client.post(
        QUEUE,
        {
            "action": "approve_selected",
            "_selected_action": [pending[0].pk],
            "select_across": "1",
            "index": 0,
        },
    )

    assert Comment.objects.filter(status=Status.PUBLISHED).count() == 3
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED


def test_select_across_reject_carries_the_selection_through_the_reason_page(
    moderator_client, article, reader, make_comment
):
    pending = [make_comment(article, reader, status=Status.PENDING) for _ in range(3)]

    page = moderator_client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [pending[0].pk],
            "select_across": "1",
            "index": 0,
        },
    )
    moderator_client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [pending[0].pk],
            "select_across": "1",
            "apply": "1",
            "reason": "Off topic thread",
        },
    )

    assertContains(page, 'name="select_across" value="1"')
    assert Comment.objects.filter(status=Status.REJECTED).count() == 3


# A comment's own page.


def test_comment_page_shows_trail_versions_and_reports(
    moderator_client, moderator, article, reader, make_comment, readers
):
    comment = make_comment(article, reader, "First words.")
    moderation.edit_comment(comment, "Second words.")
    report(comment, readers[0], reason=Report.Reason.OFF_TOPIC)
    moderation.reject(comment, moderator, "Derailing")

    response = moderator_client.get(f"{QUEUE}{comment.pk}/change/")

    assertContains(response, "Second words.")
    assertContains(response, "Audit trail")
    assertContains(response, "Derailing")
    assertContains(response, "Earlier versions")
    assertContains(response, "First words.")
    assertContains(response, "off topic")
    assertContains(response, "reader0")
    assertContains(response, f"/admin/comments/sanction/add/?reader={reader.pk}")


def test_comment_page_approves_through_its_actions(
    moderator_client, moderator, article, reader, make_comment
):
    comment = make_comment(article, reader, status=Status.PENDING)
    url = f"{QUEUE}{comment.pk}/change/"

    response = moderator_client.post(
        url, {"CHANGE_FORM-action": "approve_selected", "_selected_action": comment.pk}
    )

    assertRedirects(response, url, fetch_redirect_response=False)
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert comment.events.get().actor == moderator


def test_comment_page_rejects_with_a_reason(
    moderator_client, article, reader, make_comment
):
    comment = make_comment(article, reader, status=Status.PENDING)
    url = f"{QUEUE}{comment.pk}/change/"

    page = moderator_client.post(
        url, {"CHANGE_FORM-action": "reject_selected", "_selected_action": comment.pk}
    )
    moderator_client.post(
        url,
        {
            "CHANGE_FORM-action": "reject_selected",
            "_selected_action": comment.pk,
            "apply": "1",
            "reason": "Spam link",
        },
    )

    assertContains(page, 'name="CHANGE_FORM-action" value="reject_selected"')
    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == (Status.REJECTED, "Spam link")


def test_comment_page_rejects_and_bans_on_the_same_terms(
    moderator_client, moderator, article, reader, make_comment
):
    comment = make_comment(article, reader, status=Status.PENDING)
    url = f"{QUEUE}{comment.pk}/change/"

    page = moderator_client.post(
        url, {"CHANGE_FORM-action": "reject_and_ban", "_selected_action": comment.pk}
    )
    moderator_client.post(
        url,
        {
            "CHANGE_FORM-action": "reject_and_ban",
            "_selected_action": comment.pk,
            "apply": "1",
            "reason": "Threats",
        },
    )

    assertContains(page, 'name="CHANGE_FORM-action" value="reject_and_ban"')
    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == (Status.REJECTED, "Threats")
    ban = Sanction.objects.get(reader=reader)
    assert (ban.kind, ban.reason, ban.created_by) == (
        Sanction.Kind.BAN,
        "Threats",
        moderator,
    )


def test_decisions_are_written_to_the_security_log(
    moderator_client, article, reader, make_comment, caplog
):
    comment = make_comment(article, reader, status=Status.PENDING)

    with caplog.at_level(logging.INFO, logger="briefing.security"):
        confirm(moderator_client, "reject_and_ban", [comment], reason="Threats")

    lines = [r.getMessage() for r in caplog.records if r.name == "briefing.security"]
    assert f"comment {comment.pk} pending -> rejected by moderator: Threats" in lines
    assert any(
        line.startswith("sanction ban of Paul3390 by moderator") for line in lines
    )


# Word lists and settings.


def test_moderator_adds_a_banned_word_that_then_rejects(
    moderator_client, reader_client, article, no_new_reader_premoderation
):
    response = moderator_client.post(
        "/admin/comments/word/add/", {"word": "Idiot", "action": "banned"}
    )
    reader_client.post(
        f"/articles/{article.slug}/comments/", {"body": "What an IDIOT."}
    )

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.rule, comment.moderation_reason) == (
        Status.REJECTED,
        Rule.BANNED_WORD,
        "Banned word: Idiot",
    )


@pytest.mark.parametrize(
    ("word", "error"),
    [
        ("two words", "Enter one word of letters or digits"),
        ("idiоt", "“idiot” is already listed"),  # Cyrillic "о"
    ],
)
def test_word_list_refuses_phrases_and_look_alike_duplicates(
    moderator_client, word, error
):
    Word.objects.create(word="idiot", action=Word.Action.BANNED)

    response = moderator_client.post(
        "/admin/comments/word/add/", {"word": word, "action": "suspect"}
    )

    assertContains(response, error)
    assert Word.objects.count() == 1


def test_settings_are_one_row_that_cannot_be_added_or_deleted(
    moderator_client, admin_client
):
    ModerationSettings.current()

    add = admin_client.get("/admin/comments/moderationsettings/add/")
    delete = admin_client.post(
        "/admin/comments/moderationsettings/1/delete/", {"post": "yes"}
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert ModerationSettings.objects.count() == 1


def test_moderator_pauses_the_site_and_readers_are_told(
    moderator_client, reader_client, article
):
    data = {
        "comments_paused": "on",
        "auto_close_days": 14,
        "new_reader_premoderation": 1,
        "max_links": 2,
        "report_threshold": 3,
        "posting_limit": 5,
        "posting_window_seconds": 60,
        "reporting_limit": 20,
        "surge_min_comments": 30,
        "surge_factor": 5,
        "slow_mode_minutes": 30,
        "slow_mode_interval_seconds": 120,
    }
    ModerationSettings.current()  # cached, as on a live site

    saved = moderator_client.post("/admin/comments/moderationsettings/1/change/", data)
    response = reader_client.post(
        f"/articles/{article.slug}/comments/", {"body": "Hello"}
    )

    assert saved.status_code == 302
    assertContains(response, "Commenting is paused across the site", status_code=403)
    assert not Comment.objects.exists()


def test_report_admin_dismisses_selected_reports(
    moderator_client, moderator, article, reader, make_comment, readers
):
    comment = make_comment(article, reader)
    report(comment, *readers[:3])
    first, *rest = Report.objects.order_by("pk")

    moderator_client.post(
        "/admin/comments/report/",
        {"action": "dismiss_selected", "_selected_action": [first.pk], "index": 0},
    )
    comment.refresh_from_db()
    held_after_one = comment.status
    moderator_client.post(
        "/admin/comments/report/",
        {
            "action": "dismiss_selected",
            "_selected_action": [r.pk for r in rest],
            "index": 0,
        },
    )

    comment.refresh_from_db()
    assert held_after_one == Status.PENDING
    assert (comment.status, comment.open_reports) == (Status.PUBLISHED, 0)


def test_report_admin_delete_keeps_the_open_count_true(
    moderator_client, article, reader, make_comment, readers
):
    comment = make_comment(article, reader)
    report(comment, *readers[:2])
    doomed = Report.objects.filter(reporter=readers[0]).get()

    moderator_client.post(
        "/admin/comments/report/",
        {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"},
    )

    comment.refresh_from_db()
    assert comment.open_reports == 1
    assert Report.objects.count() == 1


def test_moderation_pages_do_not_list_revision_or_event_models(moderator_client):
    # The trail and the versions are read on a comment's page, never edited.
    assert moderator_client.get("/admin/comments/moderationevent/").status_code == 404
    assert moderator_client.get("/admin/comments/commentrevision/").status_code == 404
    assert ModerationEvent.objects.count() == CommentRevision.objects.count() == 0


def test_rejecting_with_a_standard_reason_names_it_in_the_placeholder(
    moderator_client, client, article, reader, make_comment
):
    comment = make_comment(article, reader, "Buy cheap watches.")

    response = confirm(
        moderator_client,
        "reject_selected",
        [comment],
        url=f"{QUEUE}?status__exact=published",
        removal_reason="spam",
        reason="Advertising",
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.removal_reason) == (Status.REJECTED, "spam")
    page = client.get(article.get_absolute_url())
    assertContains(page, "This comment was removed by a moderator: spam.")
    assertNotContains(page, "Buy cheap watches.")
