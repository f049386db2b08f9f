"""Readers' reports: the list of them, and their columns on a comment's page.

A report is the reader's words: moderators dismiss it, never rewrite it.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from .. import moderation
from ..models import Comment, Report
from .pagination import CappedCountPaginator


class ReportColumns:
    """Who filed a report and whether it is still open, wherever reports
    are listed (their own list, a comment's page)."""

    @admin.display(description=_("reporter"))
    def reporter_name(self, report):
        return report.reporter.username

    @admin.display(description=_("state"))
    def state(self, report):
        if report.dismissed_at is None:
            return pgettext("report", "open")
        closed = dateformat.format(timezone.localtime(report.dismissed_at), "d M Y H:i")
        if report.dismissed_by:
            return gettext("closed %(time)s by %(moderator)s") % {
                "time": closed,
                "moderator": report.dismissed_by.username,
            }
        return gettext("closed %(time)s") % {"time": closed}


def tell_dismissed(model_admin: admin.ModelAdmin, request, closed: int) -> None:
    """The message after dismissing reports, from the queue or their list."""
    model_admin.message_user(
        request,
        ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", closed)
        % {"count": closed},
        messages.SUCCESS if closed else messages.WARNING,
    )


class ReportStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("closed", _("Dismissed or closed"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(dismissed_at__isnull=True)
        if self.value() == "closed":
            return queryset.filter(dismissed_at__isnull=False)
        return queryset


@admin.register(Report)
class ReportAdmin(ReportColumns, admin.ModelAdmin):
    list_display = [
        "comment_excerpt",
        "reason",
        "details_excerpt",
        "reporter",
        "created_at",
        "state",
    ]
    list_filter = [
        ReportStateFilter,
        "reason",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["=reporter__username", "details"]
    list_select_related = ["comment", "reporter", "dismissed_by"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    sortable_by = ["created_at"]
    actions = ["dismiss_selected"]
    fields = [
        "comment_link",
        "reporter_name",
        "reason",
        "details",
        "created_at",
        "state",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_dismiss_permission(self, request):
        return request.user.has_perm("comments.change_report")

    @admin.display(description=_("comment"))
    def comment_excerpt(self, report):
        return Truncator(report.comment.body).chars(80)

    @admin.display(description=_("comment"))
    def comment_link(self, report):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[report.comment_id]),
            Truncator(report.comment.body).chars(200),
        )

    @admin.display(description=_("details"))
    def details_excerpt(self, report):
        return Truncator(report.details).chars(80)

    @admin.action(description=_("Dismiss selected reports"), permissions=["dismiss"])
    def dismiss_selected(self, request, queryset):
        comment_ids = set(
            queryset.filter(dismissed_at__isnull=True).values_list(
                "comment_id", flat=True
            )
        )
        closed = sum(
            moderation.dismiss_reports(comment, request.user, reports=queryset)
            for comment in Comment.objects.filter(pk__in=comment_ids)
        )
        tell_dismissed(self, request, closed)

    def delete_model(self, request, obj):
        moderation.delete_reports(Report.objects.filter(pk=obj.pk), request.user)

    def delete_queryset(self, request, queryset):
        moderation.delete_reports(queryset, request.user)
