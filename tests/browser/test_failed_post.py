"""A post that fails (empty, too fast) shows its error where the reader is
looking, keeps the text and says it to a screen reader; with and without
JavaScript, on a desktop and on a phone. (Too long a text cannot be typed
into the box, whose maxlength holds it; tests/test_posting.py posts one.)"""

import pytest

from .pages import DEMO_ARTICLE, Page

pytestmark = pytest.mark.browser

HEIGHT = 900
# The long demo article, whose form stands some 3,000 px down (4,300 px on a
# phone); a failed post stores nothing, so its discussion stays as it is.


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no script"])
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize(
    ("action", "status", "typed", "error"),
    [
        ("post nothing", 200, "", "can't be empty"),
        ("post too fast", 429, None, "Please wait a moment"),
    ],
)
def test_a_failed_post_shows_its_error_in_view_and_keeps_the_text(
    make_context, visit, action, status, typed, error, width, javascript
):
    page = make_context(
        viewport={"width": width, "height": HEIGHT}, java_script_enabled=javascript
    ).new_page()

    response = visit(page, Page(action, DEMO_ARTICLE, action=action))
    shown = page.locator("#comment-form .form-error")
    box = shown.bounding_box()
    body = page.get_by_label("Your comment")

    assert response.status == status
    assert error in shown.inner_text()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= HEIGHT
    if typed is not None:
        assert body.input_value() == typed
    else:
        assert body.input_value().startswith("Comment number ")
    assert page.locator("textarea[name=body]:focus").count() == 1


@pytest.mark.parametrize("action", ["post nothing", "post too fast"])
def test_a_failed_posts_error_is_read_with_the_field(make_context, visit, action):
    page = make_context().new_page()

    visit(page, Page(action, DEMO_ARTICLE, action=action))
    body = page.get_by_label("Your comment")
    described = [
        page.locator(f"[id='{ident}']").inner_text()
        for ident in body.get_attribute("aria-describedby").split()
    ]
    alert = page.locator("#comment-form [role=alert]")

    assert any("can't be empty" in text or "wait" in text for text in described)
    assert alert.count() == 1
    if action == "post nothing":
        assert body.get_attribute("aria-invalid") == "true"
