"""What the first paint needs comes early: the page's head preloads the text
face, regular and bold, so the browser fetches the fonts beside the
stylesheet rather than after it (HTML, then CSS and fonts: a chain of two, not
three), and once: the preload is the very request the stylesheet uses."""

import pytest

from .pages import DEMO_ARTICLE, Page

pytestmark = pytest.mark.browser

ARTICLE = Page("article", DEMO_ARTICLE)


def _fonts(page) -> list[dict]:
    """The text face's files the page fetched, and what asked for each."""
    page.evaluate("document.fonts.ready")
    return page.evaluate(
        """() => performance.getEntriesByType("resource")
            .filter((entry) => entry.name.includes("/fonts/literata/"))
            .map((entry) => ({
                name: entry.name.split("/").pop().split(".")[0],
                initiator: entry.initiatorType,
            }))"""
    )


def test_the_text_face_is_preloaded_and_fetched_once(open_page):
    page, _ = open_page(ARTICLE)

    fonts = _fonts(page)

    preloaded = [f["name"] for f in fonts if f["initiator"] == "link"]
    assert sorted(preloaded) == [
        "literata-latin-400-normal",
        "literata-latin-700-normal",
    ]
    # A preload that did not match the stylesheet's request (another URL, or
    # without crossorigin) would be fetched a second time by the CSS.
    names = [f["name"] for f in fonts]
    assert len(names) == len(set(names)), fonts


def test_a_russian_page_preloads_the_cyrillic_face_too(make_context, visit):
    page = make_context(locale="ru-RU").new_page()
    visit(page, ARTICLE)

    fonts = _fonts(page)

    assert page.locator("html").get_attribute("lang") == "ru"
    preloaded = [f["name"] for f in fonts if f["initiator"] == "link"]
    assert sorted(preloaded) == [
        "literata-cyrillic-400-normal",
        "literata-cyrillic-700-normal",
        "literata-latin-400-normal",
        "literata-latin-700-normal",
    ]
    names = [f["name"] for f in fonts]
    assert len(names) == len(set(names)), fonts
