"""The site's icon: named by every page, and at /favicon.ico for the rest."""

import pytest
from django.contrib.staticfiles import finders
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_pages_name_the_sites_svg_icon(client, article):
    for url in ["/", article.get_absolute_url(), "/accounts/login/", "/nope/"]:
        response = client.get(url)

        assertContains(
            response,
            '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">',
            status_code=response.status_code,
        )
    assert finders.find("favicon.svg")


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
