import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment, Status

DEMO_CONTENT = Path(__file__).resolve().parents[2] / "demo_content.json"


def _demo_address(username: str) -> str:
    # example.com is reserved (RFC 2606): no mail to it reaches anyone.
    return f"{username.lower().replace(' ', '.')}@example.com"


def _reader(username: str, display_name: str, **extra) -> User:
    reader, created = User.objects.get_or_create(
        username=username,
        defaults={
            "display_name": display_name,
            "email": _demo_address(username),
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
        author = _reader(**seed["author"], is_staff=True)
        article, created = Article.objects.get_or_create(
            slug=seed["slug"],
            defaults={
                "title": seed["title"],
                "lead": seed["lead"],
                "body": seed["body"],
                "author": author,
                "published_at": moment(seed["published_at"]),
                "photo_credits": seed["photo_credits"],
                # The demo discussion stays open, so it can be tried at once.
                "comments_auto_close": False,
            },
        )
        added = 0
        for number, seed_comment in enumerate(data["comments"], start=1):
            reader = _reader(seed_comment["username"], seed_comment["display_name"])
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
