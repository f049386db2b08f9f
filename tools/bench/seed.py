"""Seed the benchmark database: readers, and discussions of 50, 500 and
5,000 comments under articles that read like the demo one."""

import functools
import json
import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from briefing.accounts.models import User
from briefing.models import Article
from briefing.text import skeleton
from comments.models import Comment, ModerationSettings, Status

from .corpus import comment_body

SIZES = (50, 500, 5000)
READERS = 300
PASSWORD = "bench password, not a secret"
WRITES_SLUG = "writes"
# The comment the benchmark's replies answer: by another reader than the
# poster, so each reply notifies its author and enqueues a mail.
ANSWERED_BODY = "The comment the benchmark's replies answer."


def discussion_slug(size: int) -> str:
    return f"discussion-{size}"


def seed() -> dict:
    """Fill an empty, migrated database; return what the benchmark needs."""
    rng = random.Random(7)
    demo = json.loads(
        (Path(settings.BASE_DIR) / "briefing" / "demo_content.json").read_text()
    )["article"]
    now = timezone.now()
    password = make_password(PASSWORD)
    desk = User.objects.create_user(
        username="desk", password=PASSWORD, display_name="News desk", is_staff=True
    )
    readers = User.objects.bulk_create(
        User(
            username=f"reader{n}",
            username_key=skeleton(f"reader{n}"),
            display_name=f"Reader number {n}" if n % 3 else "",
            email=f"reader{n}@example.com",
            password=password,
            # A third of them were seen a moment ago: Online.
            last_seen=now - timedelta(minutes=1 if n % 3 == 0 else 90),
        )
        for n in range(READERS)
    )
    moderation = ModerationSettings.current()
    moderation.new_reader_premoderation = 0
    # The benchmark's posts come faster than any discussion's: the surge
    # brake would slow the writes article down and refuse them.
    moderation.surge_min_comments = 1_000_000
    moderation.save()

    for slug in [*map(discussion_slug, SIZES), WRITES_SLUG]:
        Article.objects.create(
            slug=slug,
            title=f"{demo['title']} ({slug})",
            lead=demo["lead"],
            body=demo["body"],
            photo_credits="Reuters, TASS",
            author=desk,
            published_at=now - timedelta(days=2),
            comments_auto_close=False,
        )
    for size in SIZES:
        _seed_discussion(
            Article.objects.get(slug=discussion_slug(size)), size, readers, rng
        )
    Comment.objects.create(
        article=Article.objects.get(slug=WRITES_SLUG),
        author=readers[2],
        body=ANSWERED_BODY,
        status=Status.PUBLISHED,
        number=1,
    )
    return {"readers": [reader.pk for reader in readers]}


@functools.cache
def answered_comment_id() -> int:
    """Looked up once: the timed replies must not pay for it."""
    return Comment.objects.get(body=ANSWERED_BODY).pk


def _status(n: int, size: int) -> str:
    if n >= size:
        return Status.PENDING if n % 2 else Status.REJECTED
    return Status.DELETED if n % 50 == 49 else Status.PUBLISHED


def _seed_discussion(article, size, readers, rng) -> None:
    """`size` visible comments (a few deleted by their authors), plus the
    pending and rejected ones a real discussion also holds, a fifth of them
    replies to an earlier comment."""
    start = article.published_at + timedelta(minutes=5)
    extra = size // 20
    comments = Comment.objects.bulk_create(
        Comment(
            article=article,
            author=rng.choice(readers),
            body=comment_body(rng, n),
            status=_status(n, size),
            created_at=start + timedelta(seconds=30 * n),
            # The visible ones were published in this order.
            number=n + 1 if n < size else None,
        )
        for n in range(size + extra)
    )
    replies = []
    for n, comment in enumerate(comments[1:size], start=1):
        if n % 5 == 0:
            comment.reply_to = comments[rng.randrange(max(0, n - 60), n)]
            replies.append(comment)
    Comment.objects.bulk_update(replies, ["reply_to"], batch_size=500)
