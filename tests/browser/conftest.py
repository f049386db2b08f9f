"""Browser tests: Debian's Chromium, driven by Playwright, against Briefing
served by a real gunicorn with its own SQLite database.

The test process never touches that database through pytest-django: readers,
moderators and comments are made by `server.python()` (Django in a
subprocess, against the server's database) or through the pages themselves.
"""

import itertools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .pages import LONG_URL
from .server import REPO, Server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NODE_MODULES = REPO / "node_modules"
PASSWORD = "correct horse battery staple"
AXE_SOURCE = NODE_MODULES / "axe-core" / "axe.min.js"
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# On the word list of the server's moderators: a comment holding it is rejected.
BANNED_WORD = "scoundrel"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run the browser tests last.

    Playwright's synchronous API keeps an asyncio loop running in this thread
    while it is alive, and Django refuses database calls from a thread with a
    running loop (SynchronousOnlyOperation). Once the browser has started, no
    test that uses pytest-django's database may follow. Last among the hooks,
    after pytest's own reordering by fixture parameters.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install chromium")
    if not (NODE_MODULES / "axe-core").is_dir():
        pytest.fail("node_modules is missing: make browser-deps (npm ci)")
    briefing = Server(tmp_path_factory.mktemp("briefing-server"))
    briefing.start()
    yield briefing
    briefing.stop()


@pytest.fixture(autouse=True)
def _no_server_errors(request):
    """A browser test fails if the server logged a 500 while it ran."""
    if "server" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("server")
    before = len(server.errors_logged())
    yield
    assert server.errors_logged()[before:] == []


@pytest.fixture(scope="session")
def browser_type_launch_args():
    # Playwright cannot download its own browser here: Debian's Chromium,
    # headless, with nothing that would reach the network by itself.
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(server):
    return server.base_url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, base_url):
    return {
        **browser_context_args,
        "base_url": base_url,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-GB",
        "color_scheme": "light",
        "reduced_motion": "reduce",
    }


@pytest.fixture(scope="session")
def demo_article_url(server) -> str:
    return server.python(
        "from briefing.models import Article\n"
        "result = Article.objects.get(slug=data['slug']).get_absolute_url()",
        slug="russia-enters-the-oil-and-gas-sector-of-the-dprk",
    )


@dataclass
class Reader:
    username: str
    display_name: str
    password: str = PASSWORD

    @property
    def profile_url(self) -> str:
        return f"/users/{self.username}/"


_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def make_reader(server):
    """Readers in the server's database; `trusted` ones skip the first-comment
    premoderation (they already have a published comment), `groups` and
    `is_staff` make moderators, `sanction` a ban or suspension."""

    def make(prefix="reader", display_name=None, *, trusted=False, **extra) -> Reader:
        username = f"{prefix}{next(_numbers)}"
        display_name = display_name or username.title()
        server.python(
            """
from django.contrib.auth.models import Group
from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment, Sanction

extra = data["extra"]
groups = extra.pop("groups", [])
sanction = extra.pop("sanction", None)
reader = User.objects.create_user(
    username=data["username"],
    display_name=data["display_name"],
    email=data["username"] + "@example.com",
    password=data["password"],
    **extra,
)
reader.groups.set(Group.objects.filter(name__in=groups))
if data["trusted"]:
    archive, _ = Article.objects.get_or_create(
        slug="archive",
        defaults={
            "title": "From the archive",
            "lead": "Where trusted readers made their first comments.",
            "body": "An older article.",
            "author": User.objects.get(username="editor"),
            "published_at": "2024-01-01T09:00:00+03:00",
        },
    )
    Comment.objects.create(
        article=archive,
        author=reader,
        body="An earlier, approved comment.",
        status="published",
    )
if sanction:
    Sanction.objects.create(reader=reader, **sanction)
""",
            username=username,
            display_name=display_name,
            password=PASSWORD,
            trusted=trusted,
            extra=extra,
        )
        return Reader(username, display_name)

    return make


@pytest.fixture(scope="session")
def make_article(server):
    """A published article of its own, so a test's comments stay out of the
    demo article (which the accessibility checks and screenshots use)."""

    def make(title="A quiet day in the markets", **extra) -> str:
        number = next(_numbers)
        return server.python(
            """
from datetime import timedelta
from django.utils import timezone
from briefing.accounts.models import User
from briefing.models import Article

article = Article.objects.create(
    slug=data["slug"],
    title=data["title"],
    lead="Traders waited for the central bank's decision.",
    body="Shares barely moved.\\n\\n> Nobody wants to bet before Thursday\\n— a trader said.",
    author=User.objects.get(username="editor"),
    published_at=timezone.now() - timedelta(hours=2),
    comments_auto_close=False,
    **data["extra"],
)
result = article.get_absolute_url()
""",
            slug=f"article-{number}",
            title=title,
            extra=extra,
        )

    return make


@pytest.fixture
def sign_in(page):
    """Sign `reader` in through the sign-in page, as a person would."""

    def sign_in(reader: Reader, next_url: str = "/") -> None:
        page.goto(f"/accounts/login/?next={next_url}")
        page.get_by_label("Username").fill(reader.username)
        page.get_by_label("Password").fill(reader.password)
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: urlsplit(url).path == urlsplit(next_url).path)

    return sign_in


def axe_violations(
    page, *, impacts=("serious", "critical"), tags=WCAG_21_AA
) -> list[dict]:
    """Run axe-core's rules with `tags` (WCAG 2.1 A and AA by default) on the
    page; the violations of the given impacts, with a few offending nodes."""
    # Evaluated through the DevTools protocol, which the page's CSP
    # (script-src 'self') does not govern; a <script> tag it would block.
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    results = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        list(tags),
    )
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["html"][:200] for node in violation["nodes"]][:5],
        }
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]


@pytest.fixture(scope="session")
def site(server, make_reader, make_article):
    """A signed-in reader and an article whose discussion shows every state a
    comment can be in; the values fill the "{...}" parts of pages.PAGES."""
    own = make_reader("Anna", "Anna Petrova", trusted=True)
    others = [make_reader("Oleg", "Oleg"), make_reader("Lena", "Лена")]
    busy = make_article("Discussion in every state")
    posting = make_article("Where readers post")
    server.python(
        "from comments.models import Word\n"
        "Word.objects.get_or_create(word=data['word'], action=Word.Action.BANNED)",
        word=BANNED_WORD,
    )
    ids = server.python(
        """
from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment

article = Article.objects.get(slug=data["slug"])
oleg, lena, anna = (User.objects.get(username=name) for name in data["names"])
first = Comment.objects.create(article=article, number=Comment.objects.next_number(article.pk), author=oleg, body="First!\\nTwo lines.", status="published")
reply = Comment.objects.create(article=article, number=Comment.objects.next_number(article.pk), author=lena, body="Agreed.", status="published", reply_to=first)
Comment.objects.create(article=article, number=Comment.objects.next_number(article.pk), author=oleg, body="Regrettable.", status="deleted")
Comment.objects.create(article=article, number=Comment.objects.next_number(article.pk), author=lena, body="Source: " + data["long_url"], status="published")
Comment.objects.create(article=article, number=Comment.objects.next_number(article.pk), author=oleg, body="Word: " + "x" * 300, status="published")
own = Comment.objects.create(article=article, number=Comment.objects.next_number(article.pk), author=anna, body="My own comment.", status="published")
Comment.objects.create(article=article, author=anna, body="Waiting for a moderator.", status="pending")
Comment.objects.create(article=article, author=anna, body="Off topic.", status="rejected", moderation_reason="Off topic")
# A moderator's pick, shown above the discussion too.
Comment.objects.filter(pk=reply.pk).update(featured_at=reply.created_at)
result = {"comment": first.pk, "reply": reply.pk, "own_comment": own.pk}
""",
        slug=busy.strip("/").rsplit("/", 1)[-1],
        names=[others[0].username, others[1].username, own.username],
        long_url=LONG_URL,
    )
    return {
        "busy": busy,
        "posting": posting,
        "own": own.username,
        "reader": own,
        **ids,
    }


@pytest.fixture(scope="session")
def signed_in_state(browser, base_url, site, tmp_path_factory) -> str:
    """The cookies of `site["reader"]` signed in once, for the pages that
    need a reader (signing in each time would cost a password hash)."""
    reader = site["reader"]
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(reader.username)
    page.get_by_label("Password").fill(reader.password)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    path = tmp_path_factory.mktemp("state") / "reader.json"
    context.storage_state(path=path)
    context.close()
    return str(path)


@pytest.fixture
def make_context(browser, browser_context_args):
    """New browser contexts whose options override the defaults (the
    plugin's `new_context` cannot override an option that is set by default)."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{**browser_context_args, **options})
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def open_page(make_context, signed_in_state, visit):
    """Open one of pages.PAGES in a fresh context (signed in when it says so),
    at `width` px and in `scheme`; returns (page, the HTML response)."""

    def open_page(spec, *, width=1280, scheme="light"):
        context = make_context(
            storage_state=signed_in_state if spec.signed_in else None,
            viewport={"width": width, "height": 900},
            color_scheme=scheme,
        )
        page = context.new_page()
        return page, visit(page, spec)

    return open_page


@pytest.fixture(scope="session")
def visit(server, site, make_reader):
    """Go to one of pages.PAGES in `page` and do its action there; the HTML
    response of the page it ends on (not the DOM after scripts).

    Each action has a reader of its own, made for the one visit: the states
    are reached afresh however often a page is checked, and no visit counts
    against another's rate limit or repeats another's text.
    """

    def sign_in(page, reader: Reader) -> None:
        # A session made on the server, as Django's test client makes one:
        # what is checked here is the page after the action, not sign-in.
        cookie = server.python(
            """
from django.conf import settings
from django.test import Client
from briefing.accounts.models import User

client = Client()
client.force_login(User.objects.get(username=data["username"]))
name = settings.SESSION_COOKIE_NAME
result = {"name": name, "value": client.cookies[name].value}
""",
            username=reader.username,
        )
        page.context.add_cookies([{**cookie, "url": server.base_url}])

    def navigation(page, act):
        with page.expect_navigation() as navigated:
            act()
        return navigated.value

    def submit(page):
        return navigation(
            page, page.locator("main form").get_by_role("button").first.click
        )

    def post(page, text=None, *, reader=None):
        sign_in(page, reader or make_reader("poster", trusted=True))
        page.reload()
        page.get_by_label("Your comment").fill(
            f"Comment number {next(_numbers)}." if text is None else text
        )
        return navigation(page, page.get_by_role("button", name="Post comment").click)

    def post_too_fast(page):
        reader = make_reader("hasty", trusted=True)
        server.python(
            """
from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment, ModerationSettings

reader = User.objects.get(username=data["username"])
for number in range(ModerationSettings.current().posting_limit):
    Comment.objects.create(
        article=Article.objects.get(slug="archive"),
        author=reader,
        body=f"Quick comment {number}.",
        status="published",
    )
""",
            username=reader.username,
        )
        return post(page, reader=reader)

    def post_and_delete(page):
        post(page)
        navigation(
            page, page.locator("main").get_by_role("link", name="Delete").first.click
        )
        return submit(page)

    def report(page):
        sign_in(page, make_reader("reporter", trusted=True))
        comment = server.python(
            """
from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment

result = Comment.objects.create(
    article=Article.objects.get(slug=data["slug"]),
    author=User.objects.get(username=data["author"]),
    body="Buy cheap watches.",
    status="published",
).pk
""",
            slug=site["posting"].strip("/").rsplit("/", 1)[-1],
            author=make_reader("seller", trusted=True).username,
        )
        page.goto(f"/comments/{comment}/report/")
        page.get_by_label("spam", exact=True).check()
        return submit(page)

    def sign_out(page):
        sign_in(page, make_reader("leaving"))
        page.reload()
        return navigation(
            page, page.locator("nav").get_by_role("button", name="Sign out").click
        )

    actions = {
        "submit": submit,
        "post": post,
        "post as a newcomer": lambda page: post(page, reader=make_reader("newcomer")),
        "post a banned word": lambda page: post(page, f"You {BANNED_WORD}!"),
        "post nothing": lambda page: post(page, ""),
        "post too fast": post_too_fast,
        "post and delete": post_and_delete,
        "report": report,
        "sign out": sign_out,
    }

    def visit(page, spec):
        response = page.goto(spec.path.format(**site))
        if spec.action:
            response = actions[spec.action](page)
        return response

    return visit


# A test run leaves the repository as it found it: its screenshots go to an
# ignored folder. `make screenshots` points SCREENSHOTS_DIR at docs/screenshots
# to refresh the committed ones that docs/browser.md shows.
SCREENSHOTS = REPO / os.environ.get("SCREENSHOTS_DIR", "var/screenshots")


def save_screenshot(target, name: str, **options) -> Path:
    """Save a page or element screenshot as <name>.png in SCREENSHOTS."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    target.screenshot(path=path, animations="disabled", **options)
    return path


def post_comment(page, text: str) -> str:
    """Type `text` into the comment form and post it; the new comment's
    anchor id ("comment-<id>"), from the address the post redirects to."""
    page.get_by_label("Your comment").fill(text)
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**#comment-*")
    return page.url.rsplit("#", 1)[1]
