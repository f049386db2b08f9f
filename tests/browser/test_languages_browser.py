"""The Russian pages in a real browser (the browser asks for Russian):
axe-core finds nothing serious, and the longer Russian words still fit a
375 px screen."""

import pytest

from .conftest import axe_violations
from .pages import PAGES
from .test_html_validity import nu_errors

pytestmark = pytest.mark.browser

# The pages as they open; the actions type into English labels.
RUSSIAN_PAGES = [spec for spec in PAGES if not spec.action]


@pytest.fixture
def open_russian_page(make_context, signed_in_state, visit):
    def open_page(spec, *, width=1280):
        context = make_context(
            locale="ru-RU",
            storage_state=signed_in_state if spec.signed_in else None,
            viewport={"width": width, "height": 900},
        )
        page = context.new_page()
        visit(page, spec)
        assert page.evaluate("() => document.documentElement.lang") == "ru"
        return page

    return open_page


@pytest.mark.parametrize("spec", RUSSIAN_PAGES, ids=str)
def test_russian_page_has_no_serious_accessibility_violation(open_russian_page, spec):
    page = open_russian_page(spec)

    assert axe_violations(page) == []


@pytest.mark.parametrize("spec", RUSSIAN_PAGES, ids=str)
def test_russian_page_does_not_scroll_sideways_at_375px(open_russian_page, spec):
    page = open_russian_page(spec, width=375)

    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth"
        " - document.documentElement.clientWidth"
    )

    assert overflow <= 0


def test_the_switch_works_without_javascript(make_context, base_url):
    context = make_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/guidelines/")

    with page.expect_navigation():
        page.get_by_role("button", name="Русский").click()

    assert page.evaluate("() => document.documentElement.lang") == "ru"
    assert page.url == base_url + "/guidelines/"
    assert page.get_by_role("heading", name="Правила сообщества").count() == 1


@pytest.fixture(scope="module")
def checked_russian_pages(
    browser, browser_context_args, signed_in_state, visit, tmp_path_factory
):
    """Each Russian page's HTML as the server sent it, checked together by
    the Nu Html Checker (test_html_validity's)."""
    folder = tmp_path_factory.mktemp("html-ru")
    files = {}
    for number, spec in enumerate(RUSSIAN_PAGES):
        context = browser.new_context(
            **{**browser_context_args, "locale": "ru-RU"},
            **({"storage_state": signed_in_state} if spec.signed_in else {}),
        )
        response = visit(context.new_page(), spec)
        files[spec.name] = folder / f"page-{number}.html"
        files[spec.name].write_bytes(response.body())
        context.close()
    errors = nu_errors(files.values())
    return {name: errors[str(path)] for name, path in files.items()}


@pytest.mark.parametrize("spec", RUSSIAN_PAGES, ids=str)
def test_russian_page_is_valid_html(checked_russian_pages, spec):
    assert checked_russian_pages[spec.name] == []
