"""Every page is valid HTML: the Nu Html Checker (vnu.jar, on the machine's
Java) reports no error on the HTML the server sends."""

import json
import shutil
import subprocess

import pytest

from .conftest import NODE_MODULES
from .pages import PAGES

pytestmark = pytest.mark.browser

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(files) -> dict[str, list[str]]:
    """The checker's errors for each file, in one Java run for them all."""
    java = shutil.which("java")
    assert java, "Java is missing: apt-get install default-jre-headless"
    checked = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(checked.stderr)
    errors = {str(path): [] for path in files}
    for message in report["messages"]:
        where = message.get("url", "").removeprefix("file:")
        errors.setdefault(where, []).append(
            f"line {message.get('lastLine')}: {message['message']} "
            f"[{message.get('extract', '').strip()}]"
        )
    return errors


@pytest.fixture(scope="module")
def checked_pages(
    browser, browser_context_args, signed_in_state, visit, tmp_path_factory
):
    """Each page's HTML as the server sent it (not the DOM after scripts),
    checked together."""
    folder = tmp_path_factory.mktemp("html")
    files = {}
    for number, spec in enumerate(PAGES):
        context = browser.new_context(
            **browser_context_args,
            **({"storage_state": signed_in_state} if spec.signed_in else {}),
        )
        response = visit(context.new_page(), spec)
        files[spec.name] = folder / f"page-{number}.html"
        files[spec.name].write_bytes(response.body())
        context.close()
    errors = nu_errors(files.values())
    return {name: errors[str(path)] for name, path in files.items()}


def test_checker_reports_invalid_html(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html><title>x</title><p><div></p></span>")

    errors = nu_errors([broken])

    assert errors[str(broken)] != []


@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_page_is_valid_html(checked_pages, spec):
    assert checked_pages[spec.name] == []
