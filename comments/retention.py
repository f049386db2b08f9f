"""When the texts of rejected comments expire, on the task worker.

Each day a comment is rejected asks for one run of the retention job
(`erasure.erase_expired_rejections`), due when that day's rejections expire:
a minute after the day ends, plus BRIEFING_REJECTED_RETENTION_DAYS. Only the
day's first rejection asks; a lost cache entry asks again, and the job is
safe to run twice.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone


def expire_rejections_later() -> None:
    """A comment is being rejected: once the commit lands, make sure a run
    of the retention job is due when today's rejections expire."""
    today = timezone.localdate()
    day_after = timezone.make_aware(datetime.combine(today, time()) + timedelta(days=1))
    due = day_after + timedelta(
        days=settings.BRIEFING_REJECTED_RETENTION_DAYS, minutes=1
    )

    def enqueue():
        if cache.add(f"comments:rejections-expire:{today.isoformat()}", 1, 2 * 86400):
            erase_expired_rejections.using(run_after=due).enqueue()

    transaction.on_commit(enqueue)


@task
def erase_expired_rejections() -> str:
    # erasure imports the moderation package, which imports this module.
    from .erasure import erase_expired_rejections

    return f"{erase_expired_rejections()} erased"
