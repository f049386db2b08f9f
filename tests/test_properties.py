"""Property-based tests: any text a reader posts round-trips and renders inert."""

from html.parser import HTMLParser

import pytest
from django.utils.html import escape
from django.utils.text import normalize_newlines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.models import Comment

pytestmark = pytest.mark.django_db

# Fragments that have broken comment systems before, mixed into random text.
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "<a href='javascript:alert(1)'>x</a>",
    "</div></li><li class=comment>",
    "<!--",
    "]]>",
    "&lt;script&gt;",
    "&amp;",
    "{{ request }}",
    "{% csrf_token %}",
    'https://example.com/?q=<b>&x="y"',
    "www.example.com<script>",
    "reader@example.com",
    "\u202egnp.exe",
    "\r\n",
    "\n\n",
]

# Readers type any character a browser can send (UTF-8) except NUL, which
# forms refuse outright.
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
    min_size=1,
    max_size=200,
)
bodies = (
    st.lists(st.one_of(text, st.sampled_from(HOSTILE)), min_size=1, max_size=6)
    .map("".join)
    .filter(lambda body: body.strip())
)
fixtures_per_example = settings(
    max_examples=60,
    deadline=None,
    # The reader, the article and the client serve every example; each
    # example adds its own comment, found by its id.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


class CommentBody(HTMLParser):
    """The tags and text inside one comment's `comment__body`."""

    def __init__(self, comment_id: int):
        super().__init__(convert_charrefs=True)
        self.anchor = f"comment-{comment_id}"
        self.depth = 0  # > 0 inside the body element
        self.in_comment = False
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id") == self.anchor:
            self.in_comment = True
        elif self.depth:
            self.tags.append((tag, attributes))
            if tag == "br":
                self.text.append("\n")
            else:
                self.depth += 1
        elif self.in_comment and attributes.get("class") == "comment__body":
            self.depth = 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if not self.depth:
                self.in_comment = False

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def post(client, article, body: str) -> Comment:
    response = client.post(f"/articles/{article.slug}/comments/", {"body": body})
    assert response.status_code == 302, response.content[:500]
    return Comment.objects.latest("pk")


@fixtures_per_example
@given(body=bodies)
def test_posted_text_is_stored_exactly_as_typed_trimmed(
    signed_in, article, no_new_reader_premoderation, settings, body
):
    settings.BRIEFING_RATE_LIMITS = False
    # Examples share the database: an earlier example's text could make
    # this one a repeat, which the rules refuse.
    Comment.objects.all().delete()
    comment = post(signed_in, article, body)

    # A textarea shows a line break as one character and sends it as CR LF
    # (or CR): what the reader typed is the text with line feeds.
    assert comment.body == normalize_newlines(body).strip()


@fixtures_per_example
@given(body=bodies)
def test_posted_text_renders_inert(
    signed_in, article, no_new_reader_premoderation, settings, body
):
    settings.BRIEFING_RATE_LIMITS = False
    # Examples share the database: an earlier example's text could make
    # this one a repeat, which the rules refuse.
    Comment.objects.all().delete()
    comment = post(signed_in, article, body)

    # The permalink leads to the page of the discussion the comment is on.
    page = signed_in.get(f"/comments/{comment.pk}/", follow=True).content.decode()
    parser = CommentBody(comment.pk)
    parser.feed(page)

    # Only line breaks and links marked as written by a reader, to the web.
    for tag, attributes in parser.tags:
        assert tag in ("br", "a"), (tag, attributes)
        if tag == "a":
            assert set(attributes) == {"href", "rel"}
            assert attributes["rel"] == "nofollow ugc noopener"
            assert attributes["href"].startswith(("http://", "https://", "mailto:"))
    shown = "".join(parser.text)
    if not any(tag == "a" for tag, _ in parser.tags):
        # Without links, what is shown is exactly what was typed.
        assert shown == comment.body
        assert escape(comment.body.splitlines()[0]) in page
