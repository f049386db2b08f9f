import json
from datetime import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw

from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment, Status

DEMO_CONTENT = Path(__file__).resolve().parents[2] / "demo_content.json"


def _demo_address(username: str) -> str:
    # example.com is reserved (RFC 2606): no mail to it reaches anyone.
    return f"{username.lower().replace(' ', '.')}@example.com"


def _reader(username: str, display_name: str, joined: datetime, **extra) -> User:
    reader, created = User.objects.get_or_create(
        username=username,
        defaults={
            "display_name": display_name,
            "email": _demo_address(username),
            "date_joined": joined,
            **extra,
        },
    )
    if created:
        reader.set_unusable_password()
        reader.save(update_fields=["password"])
    if reader.email:
        # The demo readers' addresses count as verified, as a real reader's
        # would after following the link (notifications go only to those).
        EmailAddress.objects.update_or_create(
            user=reader,
            email=reader.email.lower(),
            defaults={"primary": True, "verified": True},
        )
    return reader


def draw_lead_image(width: int = 1600, height: int = 900) -> ContentFile:
    """The demo article's lead image, drawn here rather than downloaded: a
    drilling platform on a sea at dusk, a tanker on the horizon (PNG)."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.62)
    for y in range(horizon):  # dusk: deep blue above, amber at the horizon
        share = y / horizon
        draw.line(
            [(0, y), (width, y)],
            fill=(int(40 + 200 * share), int(52 + 110 * share), int(96 + 20 * share)),
        )
    for y in range(horizon, height):  # the sea darkens towards the viewer
        share = (y - horizon) / (height - horizon)
        draw.line(
            [(0, y), (width, y)],
            fill=(int(38 - 20 * share), int(70 - 30 * share), int(92 - 30 * share)),
        )
    sun = (int(width * 0.72), horizon - 40)
    draw.ellipse(
        [sun[0] - 70, sun[1] - 70, sun[0] + 70, sun[1] + 70], fill=(250, 196, 120)
    )
    for row in range(12):  # the sun's glitter on the water
        y = horizon + 12 + row * 22
        half = 90 - row * 6
        draw.line(
            [(sun[0] - half, y), (sun[0] + half, y)], fill=(214, 150, 92), width=3
        )
    ink = (22, 24, 30)
    # The tanker far off, and the platform: legs, deck, derrick, crane.
    draw.polygon(
        [
            (170, horizon - 6),
            (420, horizon - 6),
            (400, horizon + 6),
            (185, horizon + 6),
        ],
        fill=ink,
    )
    draw.rectangle([360, horizon - 26, 395, horizon - 6], fill=ink)
    left, deck = int(width * 0.22), int(height * 0.46)
    for leg in range(4):
        x = left + 40 + leg * 110
        draw.polygon(
            [(x - 14, height), (x + 14, height), (x + 8, deck), (x - 8, deck)], fill=ink
        )
    draw.rectangle([left, deck - 40, left + 460, deck + 18], fill=ink)
    tower = left + 300
    draw.polygon(
        [
            (tower - 50, deck - 40),
            (tower + 50, deck - 40),
            (tower + 8, deck - 330),
            (tower - 8, deck - 330),
        ],
        fill=ink,
    )
    for step in range(1, 7):
        y = deck - 40 - step * 46
        spread = 50 - step * 7
        draw.line(
            [(tower - spread, y), (tower + spread, y + 40)],
            fill=(250, 196, 120),
            width=2,
        )
    draw.line([(left + 60, deck - 40), (left - 120, deck - 210)], fill=ink, width=10)
    draw.line([(left - 120, deck - 210), (left - 120, deck - 120)], fill=ink, width=3)
    draw.rectangle([left + 20, deck - 110, left + 140, deck - 40], fill=ink)
    encoded = BytesIO()
    image.save(encoded, "PNG", optimize=True)
    return ContentFile(encoded.getvalue(), name="demo-offshore-platform.png")


class Command(BaseCommand):
    help = (
        "Load the demo article and its eight comments (from "
        "briefing/demo_content.json). Running it again changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        data = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))
        zone = ZoneInfo(data["time_zone"])

        def moment(text: str) -> datetime:
            return datetime.strptime(text, "%d %B %Y %H:%M").replace(tzinfo=zone)

        seed = data["article"]
        desk = seed["author"]
        author = _reader(
            desk["username"],
            desk["display_name"],
            moment(desk["joined"]),
            is_staff=True,
        )
        article, created = Article.objects.get_or_create(
            slug=seed["slug"],
            defaults={
                "title": seed["title"],
                "lead": seed["lead"],
                "body": seed["body"],
                "author": author,
                "published_at": moment(seed["published_at"]),
                "image_alt": seed["image_alt"],
                "image_caption": seed["image_caption"],
                "photo_credits": seed["photo_credits"],
                # The demo discussion stays open, so it can be tried at once.
                "comments_auto_close": False,
            },
        )
        if created:
            article.image.save("demo-offshore-platform.png", draw_lead_image())
            article.make_image_renditions()
        added = 0
        for number, seed_comment in enumerate(data["comments"], start=1):
            reader = _reader(
                seed_comment["username"],
                seed_comment["display_name"],
                moment(seed_comment["joined"]),
            )
            _, comment_created = Comment.objects.get_or_create(
                article=article,
                number=number,
                defaults={
                    "author": reader,
                    "created_at": moment(seed_comment["time"]),
                    "body": seed_comment["body"],
                    "status": Status.PUBLISHED,
                },
            )
            added += comment_created
        self.stdout.write(
            f"Demo article {'created' if created else 'already there'}: "
            f"{article.get_absolute_url()} ({added} comments added)."
        )
