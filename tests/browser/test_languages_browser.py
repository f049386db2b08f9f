"""The Russian pages in a real browser (the browser asks for Russian):
axe-core finds nothing serious, and the longer Russian words still fit a
375 px screen."""

import pytest

from .conftest import axe_violations
from .pages import PAGES

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
