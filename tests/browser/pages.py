"""The pages every accessibility and HTML check visits."""

from dataclasses import dataclass

DEMO_ARTICLE = "/articles/russia-enters-the-oil-and-gas-sector-of-the-dprk/"
LONG_URL = "https://example.com/" + "very-long-unbroken-path-" * 12 + "end"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    signed_in: bool = False
    # What a reader of their own does first, to reach a state of the page
    # (a message, a form with errors): one of conftest.ACTIONS.
    action: str = ""

    def __str__(self) -> str:
        return self.name


# "{...}" parts are filled from the `site` fixture: `busy` is an article whose
# discussion holds a comment in every state (a reply, a deleted one, a very
# long web address, a 300-letter word, and the signed-in reader's own
# published, pending and rejected ones); `own` the signed-in reader; `comment` someone else's comment;
# `own_comment` one of the reader's own, still editable; `posting` an
# article where the actions' readers post.
PAGES = [
    Page("front page", "/"),
    Page("article", DEMO_ARTICLE),
    Page("busy article", "{busy}"),
    Page("article signed in", DEMO_ARTICLE, signed_in=True),
    Page("busy article signed in", "{busy}", signed_in=True),
    Page("busy article, newest first", "{busy}?sort=newest", signed_in=True),
    Page("article, most respected first", DEMO_ARTICLE + "?sort=respected"),
    Page("sign-in", "/accounts/login/"),
    Page("sign-up", "/accounts/signup/"),
    Page("sign-up with errors", "/accounts/signup/", action="submit"),
    Page("profile", "/users/Paul3390/"),
    Page("own profile", "/users/{own}/", signed_in=True),
    Page("sign-in with errors", "/accounts/login/", action="submit"),
    Page("password reset", "/accounts/password/reset/"),
    Page("another reader's profile signed in", "/users/Paul3390/", signed_in=True),
    Page("account settings", "/accounts/settings/", signed_in=True),
    Page("delete the account", "/accounts/delete/", signed_in=True),
    Page("notifications", "/notifications/", signed_in=True),
    Page("e-mail notification settings", "/accounts/notifications/", signed_in=True),
    Page("e-mail address", "/accounts/email/", signed_in=True),
    Page("password change", "/accounts/password/change/", signed_in=True),
    Page("two-factor sign-in", "/accounts/2fa/", signed_in=True),
    Page("confirm it is you", "/accounts/reauthenticate/", signed_in=True),
    Page("sessions", "/accounts/sessions/", signed_in=True),
    Page("report a comment", "/comments/{comment}/report/", signed_in=True),
    Page("edit a comment", "/comments/{own_comment}/edit/", signed_in=True),
    Page("delete a comment", "/comments/{own_comment}/delete/", signed_in=True),
    Page("guidelines", "/guidelines/"),
    Page("not found", "/no-such-page/"),
    # Every state of a page with a message, or an error, after a reader acts.
    Page("comment posted", "{posting}", action="post"),
    Page("comment awaiting moderation", "{posting}", action="post as a newcomer"),
    Page("comment rejected", "{posting}", action="post a banned word"),
    Page("post with errors", "{posting}", action="post nothing"),
    Page("post refused", "{posting}", action="post too fast"),
    Page("comment deleted", "{posting}", action="post and delete"),
    Page("comment reported", "{posting}", action="report"),
    Page("signed out", "/", action="sign out"),
]
