"""What the first paint needs comes early: the page's head preloads the text
face, regular and bold, so the browser fetches the fonts beside the
stylesheet rather than after it (HTML, then CSS and fonts: a chain of two, not
three), and once: the preload is the very request the stylesheet uses."""

import pytest

from .pages import DEMO_ARTICLE, Page

pytestmark = pytest.mark.browser

ARTICLE = Page("article", DEMO_ARTICLE)


def test_the_text_face_is_preloaded_and_fetched_once(open_page):
    page, _ = open_page(ARTICLE)
    page.evaluate("document.fonts.ready")

    fonts = page.evaluate(
        """() => performance.getEntriesByType("resource")
            .filter((entry) => entry.name.includes("/fonts/literata/"))
            .map((entry) => ({
                name: entry.name.split("/").pop().split(".")[0],
                initiator: entry.initiatorType,
            }))"""
    )

    preloaded = [f["name"] for f in fonts if f["initiator"] == "link"]
    assert sorted(preloaded) == [
        "literata-latin-400-normal",
        "literata-latin-700-normal",
    ]
    # A preload that did not match the stylesheet's request (another URL, or
    # without crossorigin) would be fetched a second time by the CSS.
    names = [f["name"] for f in fonts]
    assert len(names) == len(set(names)), fonts
