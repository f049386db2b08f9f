"""WCAG 2.1 AA in a real browser: axe-core finds nothing serious, the pages
fit a 375 px screen, and a keyboard user can see and reach everything."""

from itertools import pairwise

import pytest

from .conftest import axe_violations
from .pages import DEMO_ARTICLE, PAGES, Page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("scheme", "width"),
    [("light", 1280), ("dark", 1280), ("light", 375)],
    ids=["light", "dark", "phone"],
)
@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_page_has_no_serious_accessibility_violation(open_page, spec, scheme, width):
    page, _ = open_page(spec, scheme=scheme, width=width)

    violations = axe_violations(page)

    assert violations == []


def test_axe_reports_what_it_should(page):
    page.set_content(
        '<html lang="en"><title>Broken</title><main><img src="/x.png">'
        '<input type="text" name="unlabelled"></main></html>'
    )

    violations = axe_violations(page)

    assert {"image-alt", "label"} <= {violation["rule"] for violation in violations}


@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_page_does_not_scroll_sideways_at_375px(open_page, spec):
    page, _ = open_page(spec, width=375)

    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

    assert overflow <= 0


def test_long_address_and_long_word_in_comments_wrap_at_375px(open_page):
    page, _ = open_page(Page("busy article", "{busy}"), width=375)

    overflowing = page.evaluate(
        """() => [...document.querySelectorAll(".comment__body")]
            .filter((element) => {
                const text = document.createRange();
                text.selectNodeContents(element);
                return text.getBoundingClientRect().right > window.innerWidth;
            })
            .map((element) => element.textContent.slice(0, 40))"""
    )

    assert (
        page.locator(".comment__body a[href*='very-long-unbroken-path']").count() == 1
    )
    assert page.get_by_text("x" * 40, exact=False).count() == 1
    assert overflowing == []


def test_every_form_control_has_a_label(open_page):
    page, _ = open_page(Page("sign-up", "/accounts/signup/"))

    for label in [
        "Username",
        "Display name",
        "Email address",
        "Password",
        "Password confirmation",
    ]:
        control = page.get_by_label(label, exact=True)

        assert control.count() == 1, label
        assert control.is_editable(), label


def test_form_errors_are_announced_and_tied_to_their_fields(open_page):
    page, _ = open_page(
        Page("sign-up with errors", "/accounts/signup/", action="submit")
    )
    username = page.get_by_label("Username", exact=True)

    described_by = username.get_attribute("aria-describedby").split()
    messages = [page.locator(f"[id='{ident}']").inner_text() for ident in described_by]

    assert username.get_attribute("aria-invalid") == "true"
    assert any("required" in message for message in messages)
    assert page.locator("[role=alert]").first.is_visible()


def test_keyboard_focus_is_always_visible(open_page):
    page, _ = open_page(Page("article signed in", DEMO_ARTICLE, signed_in=True))
    seen = []

    for _ in range(20):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                """() => {
                    const element = document.activeElement;
                    const style = getComputedStyle(element);
                    return {
                        tag: element.tagName + " " + (element.textContent || "").trim().slice(0, 30),
                        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
                    };
                }"""
            )
        )

    assert [item["tag"] for item in seen if not item["outline"]] == []


def test_skip_link_is_first_and_moves_focus_to_the_content(open_page):
    page, _ = open_page(Page("article", DEMO_ARTICLE))

    page.keyboard.press("Tab")
    skip = page.evaluate("() => document.activeElement.textContent")
    page.keyboard.press("Enter")

    assert skip == "Skip to content"
    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_landmarks_and_headings_are_in_order(open_page, spec):
    page, _ = open_page(spec)

    landmarks = page.evaluate(
        """() => ({
            banner: document.querySelectorAll("body > header").length,
            main: document.querySelectorAll("main").length,
            contentinfo: document.querySelectorAll("body > footer").length,
        })"""
    )
    levels = page.evaluate(
        "() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]"
        ".map((heading) => Number(heading.tagName[1]))"
    )

    assert landmarks == {"banner": 1, "main": 1, "contentinfo": 1}
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in pairwise(levels))
