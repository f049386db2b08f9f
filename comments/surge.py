"""The surge brake: a discussion that suddenly gets far more comments than
usual is slowed down for a while, by itself.

Each post adds one to its article's counter of the current 5-minute window
(one statement, an upsert that returns the new count), so no post counts
comments. Only a window past the minimum compares itself with the usual
rate (the median of the article's windows over the last 7 days, with the
windows nobody posted in as 0), read once per window and kept in the cache.
"""

import logging
import statistics
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import ngettext

from briefing import shared_pages
from briefing.models import Article

from .models import DiscussionActivity, ModerationSettings, SlowModePeriod

security_log = logging.getLogger("briefing.security")

WINDOW = timedelta(minutes=5)
BASELINE = timedelta(days=7)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def window_start(moment: datetime) -> datetime:
    """The start of the 5-minute window `moment` falls in."""
    return moment - (moment - EPOCH) % WINDOW


def interval_words(moderation: ModerationSettings) -> str:
    """ "2 minutes", "90 seconds": slow mode's interval between a reader's posts."""
    seconds = moderation.slow_mode_interval_seconds
    if seconds % 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = seconds // 60
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def count_post(article_id: int, moment: datetime) -> int:
    """Add a post to the article's current window; how many it now holds.

    One INSERT … ON CONFLICT … RETURNING (PostgreSQL and SQLite alike):
    concurrent posts each add one, and none of them reads then writes.
    """
    table = DiscussionActivity._meta.db_table
    field = DiscussionActivity._meta.get_field("window_start")
    start = field.get_db_prep_value(window_start(moment), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (article_id, window_start, comments) "
            "VALUES (%s, %s, 1) ON CONFLICT (article_id, window_start) "
            f"DO UPDATE SET comments = {table}.comments + 1 RETURNING comments",
            [article_id, start],
        )
        return cursor.fetchone()[0]


def usual_rate(article_id: int, current: datetime) -> float:
    """The median of the article's comments per window over the 7 days
    before the `current` window, windows without comments counting 0."""
    key = f"comments:usual-rate:{article_id}:{current.timestamp():.0f}"
    rate = cache.get(key)
    if rate is None:
        counts = list(
            DiscussionActivity.objects.filter(
                article_id=article_id,
                window_start__gte=current - BASELINE,
                window_start__lt=current,
            ).values_list("comments", flat=True)
        )
        windows = int(BASELINE / WINDOW)
        rate = statistics.median(counts + [0] * (windows - len(counts)))
        cache.set(key, rate, int(WINDOW.total_seconds()))
    return rate


def brake(article: Article, moderation: ModerationSettings) -> SlowModePeriod | None:
    """Count a new post under `article` and, when it makes a surge, turn
    slow mode on (recorded). Call it in the posting transaction."""
    now = timezone.now()
    count = count_post(article.pk, now)
    if count <= moderation.surge_min_comments or article.slow_mode_until:
        return None
    usual = usual_rate(article.pk, window_start(now))
    if count <= moderation.surge_factor * usual:
        return None
    until = now + timedelta(minutes=moderation.slow_mode_minutes)
    Article.objects.filter(pk=article.pk).update(comments_slow_until=until)
    article.comments_slow_until = until
    shared_pages.changed(article.pk)
    period = SlowModePeriod.objects.create(
        article=article,
        started_at=now,
        until=until,
        reason=(
            f"{count} comments in 5 minutes; usually {usual:g} "
            f"(more than {max(moderation.surge_min_comments, moderation.surge_factor * usual):g})"
        ),
    )
    security_log.info(
        "slow mode on article %s until %s: %s", article.pk, until, period.reason
    )
    return period


def end_slow_mode(article: Article, moderator) -> bool:
    """A moderator ends the article's slow mode now; False if it was off."""
    if article.slow_mode_until is None:
        return False
    now = timezone.now()
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(comments_slow_until=None)
        article.comments_slow_until = None
        SlowModePeriod.objects.filter(
            article=article, ended_at__isnull=True, until__gt=now
        ).update(ended_at=now, ended_by=moderator)
        shared_pages.changed(article.pk)
    security_log.info("slow mode on article %s ended by %s", article.pk, moderator)
    return True
