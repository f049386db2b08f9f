"""Articles' lead images: responsive copies made at upload, shown above the
body with caption and credit, served by the application itself."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment

pytestmark = pytest.mark.django_db

DEMO_URL = "/articles/russia-enters-the-oil-and-gas-sector-of-the-dprk/"


def png(width: int, height: int) -> bytes:
    encoded = BytesIO()
    Image.new("RGB", (width, height), (120, 60, 30)).save(encoded, "PNG")
    return encoded.getvalue()


def test_demo_readers_joined_before_their_first_comment(client):
    call_command("load_demo")

    for comment in Comment.objects.select_related("author", "article"):
        assert comment.author.date_joined < comment.created_at
    assert User.objects.get(username="editor").date_joined < (
        Article.objects.get().published_at
    )
    assertContains(client.get("/users/Paul3390/"), "14 March 2019")


def test_demo_article_shows_its_drawn_lead_image_above_the_body(client):
    call_command("load_demo")

    response = client.get(DEMO_URL)

    html = response.content.decode()
    image = re.search(r"<img [^>]*>", html).group(0)
    assert 'width="1600" height="900"' in image
    assert 'fetchpriority="high"' in image
    assert "loading=" not in image
    assert 'alt="A drawing of an offshore drilling platform' in image
    widths = re.findall(r" (\d+)w", re.search(r'srcset="([^"]*)"', image).group(1))
    assert widths == ["480", "960", "1440", "1600"]
    assert html.index('<figure class="lead-image">') < html.index("article__body")
    assertContains(response, "<figcaption>Offshore exploration:")
    assertContains(response, "Used photos: Briefing illustration")


def test_lead_image_and_its_copies_are_served_with_long_caching(client):
    call_command("load_demo")
    article = Article.objects.get()
    srcset = article.image_srcset

    original = client.get(article.image.url)
    smallest = client.get(srcset.split()[0])

    assert original.status_code == 200
    assert original["Content-Type"] == "image/png"
    assert "immutable" in original["Cache-Control"]
    assert smallest.status_code == 200
    assert Image.open(BytesIO(b"".join(smallest.streaming_content))).size == (480, 270)
    assert client.get("/media/../briefing/settings.py").status_code in (400, 404)
    assert client.get("/media/articles/none.png").status_code == 404


def test_no_used_photos_line_without_an_image_shown(client, make_article):
    article = make_article(photo_credits="KCNA")

    response = client.get(article.get_absolute_url())

    assertNotContains(response, "Used photos:")
    assertNotContains(response, "<img")


def test_editor_uploads_a_lead_image_and_its_copies_are_made(client, editor, article):
    client.force_login(editor)
    form = client.get(f"/admin/briefing/article/{article.pk}/change/")
    data = {
        key: value
        for key, value in form.context["adminform"].form.initial.items()
        if value is not None
    }

    response = client.post(
        f"/admin/briefing/article/{article.pk}/change/",
        {
            **data,
            "published_at_0": article.published_at.strftime("%Y-%m-%d"),
            "published_at_1": article.published_at.strftime("%H:%M:%S"),
            "image": SimpleUploadedFile("harbour.png", png(1000, 500), "image/png"),
            "image_alt": "A harbour.",
            "image_caption": "The port of Rajin.",
            "photo_credits": "Reuters",
        },
    )

    article.refresh_from_db()
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (article.image_width, article.image_height) == (1000, 500)
    assert article.image_widths() == [480, 960]
    page = client.get(article.get_absolute_url())
    copies = [candidate.split()[0] for candidate in article.image_srcset.split(", ")]
    assert [client.get(url).status_code for url in copies] == [200, 200, 200]
    assertContains(page, f'srcset="{article.image_srcset}"')
    assertContains(page, "Used photos: Reuters")
