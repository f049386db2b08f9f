"""Appeals: the author of a rejected comment appeals once, within 14 days, in
up to 1,000 characters; a moderator other than the one who rejected it
upholds or reverses the rejection with a reason; the author is told and the
trail records it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.erasure import erase_author, erase_expired_rejections
from comments.models import (
    Appeal,
    AppealState,
    Comment,
    ModerationEvent,
    Rule,
    Status,
    Word,
)
from notifications.models import Kind, Notification
from notifications.tasks import send_notification_mail
from tests.conftest import post

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/?queue=all"
APPEALS = "/admin/comments/appeal/"


def appeal_url(comment) -> str:
    return f"/comments/{comment.pk}/appeal/"


def decision_url(appeal) -> str:
    return f"{APPEALS}{appeal.pk}/change/"


def reject(client, comment, removal_reason="abuse", reason="Insults a reader"):
    """Reject `comment` from the queue, as a moderator does."""
    response = client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [comment.pk],
            "apply": "1",
            "removal_reason": removal_reason,
            "reason": reason,
        },
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.REJECTED


def decide(client, appeal, decision, reason="Read again"):
    return client.post(
        decision_url(appeal), {"decision": decision, "decision_reason": reason}
    )


@pytest.fixture
def second_moderator(make_reader):
    user = make_reader("moderator2", "Second Moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def second_moderator_client(second_moderator):
    client = Client()
    client.force_login(second_moderator)
    return client


@pytest.fixture
def rejected(article, reader, make_comment, moderator_client):
    """The reader's published comment, rejected by `moderator` from the queue."""
    comment = make_comment(article, reader, "Sharp, but fair.")
    reject(moderator_client, comment)
    return comment


@pytest.fixture
def appealed(rejected, signed_in):
    signed_in.post(appeal_url(rejected), {"text": "I quoted the article."})
    return Appeal.objects.get(comment=rejected)


def test_author_appeals_a_rejected_comment(
    signed_in, rejected, moderator, told, article
):
    form = signed_in.get(appeal_url(rejected))

    response = signed_in.post(appeal_url(rejected), {"text": "I quoted  the article."})

    assertContains(form, 'name="text"')
    assertContains(form, "It was rejected: abuse or harassment. Insults a reader.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{rejected.pk}")
    assert "Your appeal was sent." in told(response)[0]
    appeal = Appeal.objects.get(comment=rejected)
    assert appeal.text == "I quoted  the article."
    assert appeal.state == AppealState.OPEN
    assert appeal.rejected_by == moderator
    assert appeal.rejection_reasons == "abuse or harassment. Insults a reader."
    assert rejected.events.last().reason == "Appealed by its author"


def test_rejected_comment_links_to_its_appeal_on_the_article_and_the_profile(
    signed_in, reader, article, make_comment, moderator_client
):
    never_shown = make_comment(article, reader, "Held, then rejected.", Status.PENDING)
    reject(moderator_client, never_shown)

    page = signed_in.get(article.get_absolute_url())
    profile = signed_in.get(f"/users/{reader.username}/")
    signed_in.post(appeal_url(never_shown), {"text": "Please look again."})
    after = signed_in.get(article.get_absolute_url())

    link = f'href="{appeal_url(never_shown)}" class="appeal-link">Appeal this decision'
    assertContains(page, link)
    assertContains(profile, link)
    assertContains(after, "Your appeal is waiting for a moderator")


def test_numbered_rejected_comment_shows_its_appeal_state_in_its_place(
    signed_in, appealed, article, second_moderator_client
):
    waiting = signed_in.get(article.get_absolute_url())
    decide(second_moderator_client, appealed, "uphold")
    upheld = signed_in.get(article.get_absolute_url())

    assert appealed.comment.number is not None
    assertContains(waiting, "Your appeal is waiting for a moderator")
    assertContains(upheld, "Your appeal was turned down")


def test_others_see_no_appeal_link(client, rejected, article, other_reader):
    client.force_login(other_reader)

    page = client.get(article.get_absolute_url())

    assertNotContains(page, appeal_url(rejected))


def test_empty_or_too_long_appeal_comes_back_with_its_error_and_text(
    signed_in, rejected
):
    empty = signed_in.post(appeal_url(rejected), {"text": "   "})
    long_text = "x" * 1001
    too_long = signed_in.post(appeal_url(rejected), {"text": long_text})

    assertContains(empty, "an appeal can&#x27;t be empty")
    assertContains(too_long, "1000 characters at most (it has 1001)")
    assertContains(too_long, long_text)
    assertContains(too_long, 'aria-describedby="id_text_helptext id_text_error"')
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    "data", [{}, {"text": "Null\x00byte"}, {"body": "The wrong field."}], ids=str
)
def test_malformed_appeal_is_refused_at_the_form(signed_in, rejected, data):
    response = signed_in.post(appeal_url(rejected), data)

    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert not Appeal.objects.exists()


def test_appeal_of_exactly_1000_characters_is_accepted(signed_in, rejected):
    response = signed_in.post(appeal_url(rejected), {"text": "y" * 1000})

    assert response.status_code == 302
    assert len(Appeal.objects.get().text) == 1000


def test_a_comment_is_appealed_once(signed_in, appealed):
    page = signed_in.get(appeal_url(appealed.comment))
    again = signed_in.post(appeal_url(appealed.comment), {"text": "And again."})

    assert page.status_code == 200
    assertContains(page, "I quoted the article.")
    assertContains(page, "A moderator will look at it")
    assertNotContains(page, 'name="text"')
    assert again.status_code == 403
    assertContains(again, "already appealed", status_code=403)
    assert Appeal.objects.count() == 1


def test_appeal_closes_14_days_after_the_rejection(signed_in, rejected):
    rejection = rejected.events.get(to_status=Status.REJECTED)
    rejection.created_at = timezone.now() - timedelta(days=14, minutes=1)
    rejection.save()

    page = signed_in.get(appeal_url(rejected))
    response = signed_in.post(appeal_url(rejected), {"text": "Too late?"})

    assertContains(page, "The 14 days for appealing", status_code=403)
    assertContains(response, "The 14 days for appealing", status_code=403)
    assert not Appeal.objects.exists()


def test_appeal_is_open_until_the_14th_day(signed_in, rejected):
    rejection = rejected.events.get(to_status=Status.REJECTED)
    rejection.created_at = timezone.now() - timedelta(days=13, hours=23)
    rejection.save()

    response = signed_in.post(appeal_url(rejected), {"text": "Just in time."})

    assert response.status_code == 302
    assert Appeal.objects.exists()


def test_only_a_rejected_comment_is_appealed(signed_in, article, reader, make_comment):
    published = make_comment(article, reader)

    response = signed_in.post(appeal_url(published), {"text": "Why not?"})

    assertContains(response, "Only a rejected comment", status_code=403)
    assert not Appeal.objects.exists()


def test_another_readers_comment_cannot_be_appealed(client, other_reader, rejected):
    client.force_login(other_reader)

    page = client.get(appeal_url(rejected))
    response = client.post(appeal_url(rejected), {"text": "On their behalf."})

    assert page.status_code == 404
    assert response.status_code == 404
    assert not Appeal.objects.exists()


def test_appealing_needs_signing_in(client, rejected):
    response = client.post(appeal_url(rejected), {"text": "Anonymous."})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("pk", ["999999", "0"])
def test_appeal_of_no_comment_is_404(signed_in, pk):
    response = signed_in.get(f"/comments/{pk}/appeal/")

    assert response.status_code == 404


def test_appeal_needs_the_csrf_token(csrf_client, reader, rejected):
    csrf_client.force_login(reader)

    response = csrf_client.post(appeal_url(rejected), {"text": "Forged."})

    assert response.status_code == 403
    assert not Appeal.objects.exists()


def test_appeal_text_is_escaped(signed_in, rejected, second_moderator_client):
    signed_in.post(appeal_url(rejected), {"text": "<script>alert(1)</script>"})
    appeal = Appeal.objects.get()

    page = signed_in.get(appeal_url(rejected))
    admin_page = second_moderator_client.get(decision_url(appeal))
    queue = second_moderator_client.get(APPEALS)

    for response in (page, admin_page, queue):
        assertNotContains(response, "<script>alert(1)</script>")
        assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")


def test_second_moderator_reverses_and_the_comment_is_back_in_its_place(
    appealed, second_moderator, second_moderator_client, client, article
):
    number = appealed.comment.number

    response = decide(second_moderator_client, appealed, "reverse", "It quotes.")

    assert response.status_code == 302
    assert response["Location"] == f"{APPEALS}?state=waiting"
    appealed.refresh_from_db()
    comment = appealed.comment
    comment.refresh_from_db()
    assert (appealed.state, appealed.decided_by) == (
        AppealState.REVERSED,
        second_moderator,
    )
    assert appealed.decision_reason == "It quotes."
    assert (comment.status, comment.number) == (Status.PUBLISHED, number)
    assertContains(client.get(article.get_absolute_url()), "Sharp, but fair.")
    event = comment.events.last()
    assert (event.actor, event.from_status, event.to_status) == (
        second_moderator,
        Status.REJECTED,
        Status.PUBLISHED,
    )
    assert event.reason == "Appeal reversed the rejection: It quotes."


def test_reversing_a_never_shown_comment_numbers_it_last(
    signed_in, reader, article, make_comment, moderator_client, second_moderator_client
):
    make_comment(article, reader, "One.")
    held = make_comment(article, reader, "Held.", Status.PENDING)
    make_comment(article, reader, "Two.")
    reject(moderator_client, held)
    signed_in.post(appeal_url(held), {"text": "It was fine."})

    decide(second_moderator_client, Appeal.objects.get(), "reverse")

    held.refresh_from_db()
    assert (held.status, held.number) == (Status.PUBLISHED, 3)


def test_second_moderator_upholds_and_the_comment_stays_rejected(
    appealed, second_moderator, second_moderator_client, signed_in
):
    response = decide(second_moderator_client, appealed, "uphold", "It insults.")

    assert response.status_code == 302
    appealed.refresh_from_db()
    comment = Comment.objects.get(pk=appealed.comment_id)
    assert appealed.state == AppealState.UPHELD
    assert comment.status == Status.REJECTED
    # The author's statement of reasons is the rejection's, as before.
    assert comment.statement_of_reasons() == "abuse or harassment. Insults a reader."
    event = comment.events.last()
    assert (event.actor, event.to_status) == (second_moderator, Status.REJECTED)
    assert event.reason == "Appeal upheld the rejection: It insults."
    page = signed_in.get(appeal_url(comment))
    assertContains(page, "Turned down on")
    assertContains(page, "It insults.")


@pytest.mark.parametrize(
    ("decision", "told"),
    [
        ("reverse", "Your appeal was accepted: your comment is published again."),
        ("uphold", "Your appeal was turned down: your comment stays rejected."),
    ],
)
def test_author_is_notified_of_the_decision(
    appealed, second_moderator, second_moderator_client, reader, decision, told
):
    decide(second_moderator_client, appealed, decision, "Read again")

    notification = Notification.objects.get(recipient=reader, kind=Kind.APPEAL_DECIDED)
    assert notification.text == f"{told} Read again."
    assert notification.actor == second_moderator
    assert notification.url == appealed.comment.get_absolute_url()


def test_decision_is_mailed_by_default(appealed, second_moderator_client, mailoutbox):
    decide(second_moderator_client, appealed, "reverse")
    notification = Notification.objects.get(kind=Kind.APPEAL_DECIDED)

    outcome = send_notification_mail.call(notification.pk)

    assert outcome == "sent"
    (message,) = mailoutbox
    assert message.to == ["paul3390@example.com"]
    assert "Your appeal was accepted" in message.body


def test_moderator_who_rejected_cannot_decide_the_appeal(appealed, moderator_client):
    page = moderator_client.get(decision_url(appealed))
    response = decide(moderator_client, appealed, "reverse")

    assertContains(page, "You rejected this comment: another moderator decides")
    assertNotContains(page, 'name="decision"')
    assert response.status_code == 403
    appealed.refresh_from_db()
    assert appealed.state == AppealState.OPEN
    assert Comment.objects.get(pk=appealed.comment_id).status == Status.REJECTED


def test_any_moderator_decides_when_a_rule_rejected(
    signed_in, article, no_new_reader_premoderation, moderator, moderator_client
):
    Word.objects.create(word="scoundrel", action=Word.Action.BANNED)
    post(signed_in, article, "You scoundrel.")
    comment = Comment.objects.get()
    assert (comment.status, comment.rule) == (Status.REJECTED, Rule.BANNED_WORD)
    signed_in.post(appeal_url(comment), {"text": "A quotation."})
    appeal = Appeal.objects.get()

    response = decide(moderator_client, appeal, "uphold")

    assert (appeal.rejected_by, appeal.rejected_by_rule) == (None, Rule.BANNED_WORD)
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.state, appeal.decided_by) == (AppealState.UPHELD, moderator)


def test_decision_needs_a_reason_and_a_choice(appealed, second_moderator_client):
    no_reason = decide(second_moderator_client, appealed, "reverse", "")
    no_choice = decide(second_moderator_client, appealed, "", "Because.")

    assertContains(no_reason, "Give the reason for the decision.")
    assertContains(no_choice, "Choose whether to uphold or reverse.")
    appealed.refresh_from_db()
    assert appealed.state == AppealState.OPEN


def test_decided_appeal_is_read_only(appealed, second_moderator_client, make_reader):
    decide(second_moderator_client, appealed, "uphold")
    third = make_reader("moderator3", "Third", is_staff=True)
    third.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(third)

    again = decide(client, appealed, "reverse")

    assert again.status_code == 403
    appealed.refresh_from_db()
    assert appealed.state == AppealState.UPHELD
    assert Comment.objects.get(pk=appealed.comment_id).status == Status.REJECTED


def test_appeal_on_a_comment_no_longer_rejected_leaves_the_queue(
    appealed, signed_in, second_moderator_client
):
    signed_in.post(f"/comments/{appealed.comment_id}/delete/")

    queue = second_moderator_client.get(f"{APPEALS}?state=waiting")
    response = decide(second_moderator_client, appealed, "reverse")

    assertNotContains(queue, "I quoted the article.")
    assert response.status_code == 403
    assert Comment.objects.get(pk=appealed.comment_id).status == Status.DELETED


def test_appeals_queue_shows_open_ones_first_oldest_first(
    article, reader, make_comment, moderator_client, second_moderator_client, signed_in
):
    comments = [make_comment(article, reader, f"Comment {n}.") for n in range(3)]
    for age, comment in zip([1, 3, 2], comments, strict=True):
        reject(moderator_client, comment)
        signed_in.post(appeal_url(comment), {"text": f"Appeal {age} days old"})
        Appeal.objects.filter(comment=comment).update(
            created_at=timezone.now() - timedelta(days=age)
        )
    oldest = Appeal.objects.get(text__startswith="Appeal 3")
    decide(second_moderator_client, oldest, "uphold")

    queue = second_moderator_client.get(APPEALS)

    order = [appeal.text for appeal in queue.context["cl"].result_list]
    assert order == ["Appeal 2 days old", "Appeal 1 days old", "Appeal 3 days old"]
    assertContains(queue, "Comment 1.")
    assertContains(queue, "abuse or harassment. Insults a reader.<br>by moderator")
    assertContains(queue, '<td class="field-waiting">2\xa0days</td>')


def test_appeal_page_shows_what_the_moderator_decides_on(
    appealed, moderator, second_moderator_client
):
    page = second_moderator_client.get(decision_url(appealed))

    assertContains(page, "Sharp, but fair.")
    assertContains(page, "I quoted the article.")
    assertContains(page, "abuse or harassment. Insults a reader.")
    assertContains(page, moderator.username)
    assertContains(page, 'name="decision"')
    assertNotContains(page, 'name="_continue"')


def test_front_page_counts_waiting_appeals(appealed, second_moderator_client):
    Appeal.objects.filter(pk=appealed.pk).update(
        created_at=timezone.now() - timedelta(hours=3)
    )

    page = second_moderator_client.get("/admin/")

    assertContains(page, 'class="queue-state__appeals">1</a>')
    assertContains(page, "waiting 3\xa0hours")


def test_moderators_may_not_add_or_delete_appeals(appealed, second_moderator_client):
    add = second_moderator_client.get(f"{APPEALS}add/")
    delete = second_moderator_client.post(
        f"{APPEALS}{appealed.pk}/delete/", {"post": "yes"}
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert Appeal.objects.filter(pk=appealed.pk).exists()


def test_readers_and_editors_cannot_open_the_appeals(appealed, client, editor, reader):
    client.force_login(editor)
    editor_response = client.get(decision_url(appealed))
    client.force_login(reader)
    reader_response = client.get(APPEALS)

    assert editor_response.status_code == 403
    assert reader_response.status_code == 302


def test_moderator_cannot_decide_an_appeal_on_their_own_comment(
    article, moderator, make_comment, second_moderator_client, moderator_client
):
    own = make_comment(article, moderator, "A moderator's own words.")
    reject(second_moderator_client, own)
    moderator_client.post(appeal_url(own), {"text": "Mine."})

    response = decide(moderator_client, Appeal.objects.get(), "reverse")

    assert response.status_code == 403
    assert Comment.objects.get(pk=own.pk).status == Status.REJECTED


def test_appeals_are_in_the_export_and_erased_with_the_account(
    appealed, signed_in, reader
):
    export = signed_in.get("/accounts/export/").json()
    erase_author(reader)

    assert [appeal["text"] for appeal in export["appeals"]] == ["I quoted the article."]
    assert export["appeals"][0]["state"] == "open"
    assert Appeal.objects.get().text == ""


def test_trail_records_filing_and_deciding(appealed, second_moderator_client, reader):
    decide(second_moderator_client, appealed, "reverse", "Fair quote.")

    reasons = list(
        ModerationEvent.objects.filter(comment=appealed.comment_id).values_list(
            "actor__username", "reason"
        )
    )

    assert reasons[-2:] == [
        (reader.username, "Appealed by its author"),
        ("moderator2", "Appeal reversed the rejection: Fair quote."),
    ]


def test_retention_erases_an_old_appeal_with_its_comment(appealed, settings):
    settings.BRIEFING_REJECTED_RETENTION_DAYS = 30
    ModerationEvent.objects.filter(comment=appealed.comment_id).update(
        created_at=timezone.now() - timedelta(days=31)
    )

    erased = erase_expired_rejections()

    assert erased == 1
    appealed.refresh_from_db()
    assert appealed.text == ""
    assert appealed.rejection_reasons == "abuse or harassment. Insults a reader."


def decide_selected(client, appeals, action, reason):
    data = {"action": action, "_selected_action": [appeal.pk for appeal in appeals]}
    if reason is not None:
        data |= {"apply": "1", "decision_reason": reason}
    return client.post(APPEALS, data)


def test_appeals_chosen_in_the_list_are_decided_with_one_reason(
    article,
    reader,
    make_comment,
    moderator_client,
    second_moderator_client,
    signed_in,
    told,
):
    comments = [make_comment(article, reader, f"Comment {n}.") for n in range(2)]
    for comment in comments:
        reject(moderator_client, comment)
        signed_in.post(appeal_url(comment), {"text": "Please."})
    appeals = list(Appeal.objects.all())

    asked = decide_selected(second_moderator_client, appeals, "reverse_selected", None)
    done = decide_selected(
        second_moderator_client, appeals, "reverse_selected", "Both fair."
    )

    assertContains(asked, 'name="decision_reason"')
    assertContains(asked, "Comment 1.")
    assert done.status_code == 302
    assert "2 appeals reversed" in told(done)[0]
    assert set(Appeal.objects.values_list("state", "decision_reason")) == {
        (AppealState.REVERSED, "Both fair.")
    }
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list(
            "status", flat=True
        )
    ) == {Status.PUBLISHED}


def test_list_decision_needs_a_reason(appealed, second_moderator_client):
    response = decide_selected(
        second_moderator_client, [appealed], "uphold_selected", " "
    )

    assertContains(response, "Give the reason for the decision.")
    appealed.refresh_from_db()
    assert appealed.state == AppealState.OPEN


def test_list_decision_leaves_what_the_moderator_rejected(
    article,
    reader,
    make_comment,
    moderator_client,
    second_moderator_client,
    signed_in,
    told,
):
    theirs = make_comment(article, reader, "Rejected by the second.")
    other = make_comment(article, reader, "Rejected by the first.")
    reject(second_moderator_client, theirs)
    reject(moderator_client, other)
    for comment in (theirs, other):
        signed_in.post(appeal_url(comment), {"text": "Please."})

    response = decide_selected(
        second_moderator_client, Appeal.objects.all(), "uphold_selected", "No."
    )

    messages = told(response)
    assert any("You rejected this comment" in message for message in messages)
    assert any("1 appeal upheld" in message for message in messages)
    assert Appeal.objects.get(comment=theirs).state == AppealState.OPEN
    assert Appeal.objects.get(comment=other).state == AppealState.UPHELD
