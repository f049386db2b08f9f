"""The paginator of every list in the moderators' admin."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts matching rows up to `cap` only.

    An exact COUNT(*) over a huge table reads all of it; "more than 10,000"
    is all a moderator needs to know, and costs at most `cap` index entries.
    The templates under `templates/admin/comments/` say "more than" where
    `capped` is true.
    """

    cap = 10_000

    @cached_property
    def counted(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.counted > self.cap

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)
