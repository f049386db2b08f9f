"""The moderation queue's filters.

Each one is served by an index, and none lists a whole table: the queue
stays fast on hundreds of thousands of comments.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from briefing.models import Article

from ..models import Report, Status

# The query parameter of the list's own "status" filter.
STATUS_PICKED = "status__exact"


class QueueFilter(admin.SimpleListFilter):
    """Opens the list on the queue; "all" and narrower views on request."""

    title = _("queue")
    parameter_name = "queue"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # Picking a status means "comments in that status", not "those of
        # the queue in that status" (which would be empty for rejected ones).
        if self.value() is None and STATUS_PICKED in request.GET:
            self.used_parameters[self.parameter_name] = "all"

    @classmethod
    def shows_the_queue(cls, request) -> bool:
        """Whether the list shows what needs a decision: neither a queue nor a
        status was chosen."""
        return (
            cls.parameter_name not in request.GET and STATUS_PICKED not in request.GET
        )

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Pending only")),
            ("reported", _("Published, with open reports")),
            ("all", _("All comments")),
        ]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Needs a decision"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        match self.value():
            case None:
                return queryset.awaiting_moderation()
            case "pending":
                return queryset.filter(status=Status.PENDING)
            case "reported":
                return queryset.filter(status=Status.PUBLISHED, open_reports__gt=0)
            case "all":
                return queryset
        raise IncorrectLookupParameters(f"Unknown queue {self.value()!r}")


class ArticleFilter(admin.SimpleListFilter):
    """The latest articles to pick from (any other through its link in the
    list): listing every article ever published would not scale."""

    title = _("article")
    parameter_name = "article"
    latest = 15

    def lookups(self, request, model_admin):
        articles = list(
            Article.objects.exclude(published_at=None)
            .order_by("-published_at", "-id")
            .values_list("pk", "title")[: self.latest]
        )
        value = self.value()
        if (
            value
            and value.isdigit()
            and int(value) not in {pk for pk, _title in articles}
        ):
            articles += Article.objects.filter(pk=value).values_list("pk", "title")
        return [(str(pk), Truncator(title).chars(60)) for pk, title in articles]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(f"Bad article id {value!r}")
        return queryset.filter(article_id=value)


class ReportReasonFilter(admin.SimpleListFilter):
    title = _("open report reason")
    parameter_name = "report_reason"

    def lookups(self, request, model_admin):
        return Report.Reason.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in Report.Reason.values:
            raise IncorrectLookupParameters(f"Unknown report reason {value!r}")
        return queryset.filter(
            pk__in=Report.objects.filter(
                reason=value, dismissed_at__isnull=True
            ).values("comment_id")
        )
