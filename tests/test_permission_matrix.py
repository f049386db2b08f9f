"""Who may do what to a comment, through the real URLs.

The comment acted on belongs to "author". Nobody reaches another reader's
comment by putting its id in a URL: edit and delete answer 404 for anyone
but its author, moderators included (they moderate in the admin).
"""

import pytest

from briefing.accounts.models import User
from comments import moderation
from comments.models import Appeal, Comment, Report, Sanction, Status

pytestmark = pytest.mark.django_db

SIGN_IN = "sign in"
ACTORS = [
    "anonymous",
    "author",
    "other",
    "sanctioned",
    "moderator",
    "sanctioned_author",
]

# action -> actor -> (answer, whether the action took effect)
MATRIX = {
    "post": {
        "anonymous": (SIGN_IN, False),
        "author": (302, True),
        "other": (302, True),
        "sanctioned": (403, False),
        "moderator": (302, True),
        "sanctioned_author": (403, False),
    },
    "reply": {
        "anonymous": (SIGN_IN, False),
        "author": (302, True),
        "other": (302, True),
        "sanctioned": (403, False),
        "moderator": (302, True),
        "sanctioned_author": (403, False),
    },
    "edit": {
        "anonymous": (SIGN_IN, False),
        "author": (302, True),
        "other": (404, False),
        "sanctioned": (404, False),
        "moderator": (404, False),
        "sanctioned_author": (403, False),
    },
    "delete": {
        "anonymous": (SIGN_IN, False),
        "author": (302, True),
        "other": (404, False),
        "sanctioned": (404, False),
        "moderator": (404, False),
        # Withdrawing one's own words stays possible under a ban; the
        # moderators keep the comment and its history.
        "sanctioned_author": (302, True),
    },
    "report": {
        "anonymous": (SIGN_IN, False),
        "author": (403, False),
        "other": (302, True),
        "sanctioned": (403, False),
        "moderator": (302, True),
        "sanctioned_author": (403, False),
    },
    # Of the comment once a moderator rejected it.
    "appeal": {
        "anonymous": (SIGN_IN, False),
        "author": (302, True),
        "other": (404, False),
        "sanctioned": (404, False),
        "moderator": (404, False),
        # A sanction stops a reader posting, not contesting a decision.
        "sanctioned_author": (302, True),
    },
}


@pytest.fixture
def target(article, reader, make_comment):
    return make_comment(article, reader, "The author's comment.")


@pytest.fixture
def actor(request, client, reader, other_reader, make_reader, moderator):
    """The client signed in as the actor named by the test's parameter."""
    ban = {"kind": Sanction.Kind.BAN, "reason": "Insults", "created_by": moderator}
    match request.param:
        case "anonymous":
            return client
        case "author":
            user = reader
        case "other":
            user = other_reader
        case "sanctioned":
            user = make_reader("banned", "Banned")
            Sanction.objects.create(reader=user, **ban)
        case "moderator":
            user = moderator
        case "sanctioned_author":
            user = reader
            Sanction.objects.create(reader=user, **ban)
    client.force_login(user)
    return client


def act(client, action, article, target):
    match action:
        case "post":
            return client.post(
                f"/articles/{article.slug}/comments/", {"body": "A new comment."}
            )
        case "reply":
            return client.post(
                f"/articles/{article.slug}/comments/",
                {"body": "A new reply.", "reply_to": target.pk},
            )
        case "edit":
            return client.post(f"/comments/{target.pk}/edit/", {"body": "Edited."})
        case "delete":
            return client.post(f"/comments/{target.pk}/delete/")
        case "report":
            return client.post(f"/comments/{target.pk}/report/", {"reason": "spam"})
        case "appeal":
            moderation.reject(target, User.objects.get(username="moderator"), "Rude")
            return client.post(f"/comments/{target.pk}/appeal/", {"text": "Unfair."})


def took_effect(action, target) -> bool:
    target.refresh_from_db()
    match action:
        case "post":
            return Comment.objects.filter(body="A new comment.").exists()
        case "reply":
            return Comment.objects.filter(body="A new reply.", reply_to=target).exists()
        case "edit":
            return target.body == "Edited."
        case "delete":
            return target.status == Status.DELETED
        case "report":
            return Report.objects.filter(comment=target).exists()
        case "appeal":
            return Appeal.objects.filter(comment=target).exists()


@pytest.mark.parametrize(
    ("actor", "action"),
    [(who, action) for action in MATRIX for who in ACTORS],
    indirect=["actor"],
)
def test_permission_matrix(actor, action, request, article, target, moderator):
    who = request.node.callspec.params["actor"]
    answer, effect = MATRIX[action][who]

    response = act(actor, action, article, target)

    if answer == SIGN_IN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == answer
    assert took_effect(action, target) is effect


def test_matrix_covers_every_actor_and_action():
    assert all(sorted(row) == sorted(ACTORS) for row in MATRIX.values())
    assert sorted(MATRIX) == ["appeal", "delete", "edit", "post", "reply", "report"]
