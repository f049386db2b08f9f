"""The public moderation note: how many of an article's comments moderators
and rules removed, counted by reason.

Counting every rejected comment of an article on each page view would cost
the discussion a statement, so the count is kept in the shared cache and
made again only when a rejection changes (`changed()`, after the commit), or
when the cache lost it. It lives under a version, as the shared pages do
(`briefing.shared_pages`): a count made from the database as it was before a
commit is kept under a version nobody reads again.
"""

from functools import partial
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils.translation import ngettext

from .models import Comment, RemovalReason, Rule, Status


def _version_key(article_id: int) -> str:
    return f"comments:removals-version:{article_id}"


def _tally_key(article_id: int, version: str) -> str:
    return f"comments:removals:{article_id}:{version}"


def count_removals(article_id: int) -> list[tuple[str, int]]:
    """(name of the reason, how many) for the article's rejected comments,
    shown before or not, most frequent first. A rule names its own reason;
    a moderator's rejection without a standard one counts as "other"."""
    totals: dict[str, int] = {}
    counted = (
        Comment.objects.filter(article_id=article_id, status=Status.REJECTED)
        .order_by()
        .values_list("removal_reason", "rule")
        .annotate(total=Count("pk"))
    )
    for removal_reason, rule, total in counted:
        if removal_reason:
            name = RemovalReason(removal_reason).label
        elif rule:
            name = f"{Rule(rule).label} (automatic)"
        else:
            name = RemovalReason.OTHER.label
        totals[name] = totals.get(name, 0) + total
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def changed(article_id: int) -> None:
    """Say that a comment of the article was rejected, or is no longer: the
    count is made again once the transaction in progress commits."""
    transaction.on_commit(partial(_recount, article_id))


def _recount(article_id: int) -> None:
    version = uuid4().hex
    cache.set(_version_key(article_id), version, timeout=None)
    cache.set(_tally_key(article_id, version), count_removals(article_id), None)


def removals(article_id: int) -> list[tuple[str, int]]:
    """The article's removals counted by reason, from the cache if it has them."""
    version = cache.get(_version_key(article_id))
    if version is None:
        # add(): of two workers starting a version at once, one wins.
        cache.add(_version_key(article_id), uuid4().hex, timeout=None)
        version = cache.get(_version_key(article_id)) or uuid4().hex
    key = _tally_key(article_id, version)
    tally = cache.get(key)
    if tally is None:
        tally = count_removals(article_id)
        cache.add(key, tally, timeout=None)
    return tally


def moderation_note(article_id: int) -> str:
    """ "6 comments removed by moderators: 4 spam, 2 abuse or harassment.",
    or "" when nothing was removed."""
    tally = removals(article_id)
    if not tally:
        return ""
    total = sum(count for _, count in tally)
    reasons = ", ".join(f"{count} {name}" for name, count in tally)
    return ngettext(
        "%(count)d comment removed by moderators: %(reasons)s.",
        "%(count)d comments removed by moderators: %(reasons)s.",
        total,
    ) % {"count": total, "reasons": reasons}
