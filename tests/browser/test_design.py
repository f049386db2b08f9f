"""The design holds in the browser: serif text at a readable measure, a dark
scheme, a print sheet, no inline script or style; and the screenshots that
docs/browser.md shows."""

import pytest

from .conftest import save_screenshot
from .pages import DEMO_ARTICLE, PAGES, Page

pytestmark = pytest.mark.browser

ARTICLE = Page("article", DEMO_ARTICLE)


def test_article_is_set_in_serif_at_a_readable_measure(open_page):
    page, _ = open_page(ARTICLE)

    text = page.evaluate(
        """() => {
            const paragraphs = [...document.querySelectorAll(".article__body > p")];
            const longest = paragraphs.sort((a, b) => b.textContent.length - a.textContent.length)[0];
            const style = getComputedStyle(longest);
            const lines = longest.getBoundingClientRect().height / parseFloat(style.lineHeight);
            return {
                family: style.fontFamily,
                size: parseFloat(style.fontSize),
                leading: parseFloat(style.lineHeight) / parseFloat(style.fontSize),
                // The last line is partly filled: count it as half a line.
                characters: longest.textContent.length / (Math.round(lines) - 0.5),
            };
        }"""
    )

    assert text["family"].endswith("serif")
    assert "sans-serif" not in text["family"]
    assert text["size"] >= 18
    assert 1.45 <= text["leading"] <= 1.75
    assert 55 <= text["characters"] <= 78


def test_dark_scheme_follows_the_reader_system(open_page):
    light, _ = open_page(ARTICLE, scheme="light")
    dark, _ = open_page(ARTICLE, scheme="dark")
    colours = "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"

    light_background, light_text = light.evaluate(colours)
    dark_background, dark_text = dark.evaluate(colours)

    assert _luminance(light_background) > 0.8 > 0.1 > _luminance(dark_background)
    assert _luminance(light_text) < 0.1
    assert _luminance(dark_text) > 0.7


def test_print_keeps_the_article_and_drops_the_page_furniture(open_page):
    page, _ = open_page(Page("article signed in", DEMO_ARTICLE, signed_in=True))

    page.emulate_media(media="print")

    for furniture in [
        ".account-nav",
        ".site-footer",
        "#comment-form",
        ".comment__actions",
    ]:
        assert not page.locator(furniture).first.is_visible(), furniture
    assert page.locator(".article__body").is_visible()
    assert page.locator("#comments .comment").first.is_visible()


def test_no_page_asks_for_a_favicon_that_is_missing(open_page):
    icons = {}

    for spec in PAGES:
        page, _ = open_page(spec)
        icon = page.locator("link[rel=icon]").get_attribute("href")
        icons[spec.name] = page.request.get(icon).status
    fallback = page.request.get("/favicon.ico")

    assert {name: status for name, status in icons.items() if status != 200} == {}
    assert fallback.status == 200
    assert fallback.headers["content-type"] == "image/svg+xml"


@pytest.mark.parametrize("width", [1280, 375])
def test_delete_button_and_keep_it_link_stand_apart(open_page, width):
    page, _ = open_page(
        Page("delete a comment", "/comments/{own_comment}/delete/", signed_in=True),
        width=width,
    )

    delete = page.locator("main").get_by_role("button", name="Delete").bounding_box()
    keep = page.locator("main").get_by_role("link", name="Keep it").bounding_box()

    assert keep["x"] - (delete["x"] + delete["width"]) >= 12


@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_page_has_no_inline_script_or_style(open_page, spec):
    page, _ = open_page(spec)

    inline = page.evaluate(
        """() => [
            ...[...document.querySelectorAll("script:not([src])")].map((e) => "script"),
            ...[...document.querySelectorAll("style")].map((e) => "style"),
            ...[...document.querySelectorAll("[style]")].map((e) => "style= on " + e.tagName),
            ...[...document.querySelectorAll("*")].flatMap((e) =>
                e.getAttributeNames().filter((name) => name.startsWith("on")).map((name) => name)),
        ]"""
    )

    assert inline == []


def test_content_security_policy_is_never_violated(make_context, site, signed_in_state):
    context = make_context(storage_state=signed_in_state)
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));"
    )
    page = context.new_page()
    violations = {}

    for spec in PAGES:
        page.goto(spec.path.format(**site).partition("#")[0])
        if page.locator(".reply-link").count():
            page.locator(".reply-link").first.click()  # the script's DOM changes
        violations[spec.name] = page.evaluate("() => window.__violations")

    assert {name: found for name, found in violations.items() if found} == {}


def test_screenshots_of_the_article(open_page, site):
    desktop, _ = open_page(ARTICLE)
    mobile, _ = open_page(ARTICLE, width=375)
    dark, _ = open_page(ARTICLE, scheme="dark")
    busy = Page("busy article signed in", "{busy}", signed_in=True)
    discussion, _ = open_page(busy)
    discussion_mobile, _ = open_page(busy, width=375, scheme="dark")

    shots = [
        save_screenshot(desktop, "article-desktop"),
        save_screenshot(mobile, "article-mobile"),
        save_screenshot(dark, "article-dark"),
        save_screenshot(discussion.locator("#comments"), "discussion-signed-in"),
        save_screenshot(
            discussion_mobile.locator("#comments"), "discussion-mobile-dark"
        ),
    ]

    assert all(shot.stat().st_size > 10_000 for shot in shots)


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a CSS rgb()/rgba() colour."""
    red, green, blue = (
        float(part) / 255 for part in colour[colour.index("(") + 1 : -1].split(",")[:3]
    )

    def linear(channel: float) -> float:
        return (
            channel / 12.92
            if channel <= 0.04045
            else ((channel + 0.055) / 1.055) ** 2.4
        )

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
