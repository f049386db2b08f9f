"""What a comment's page shows beneath it: its audit trail, its earlier
versions and its reports, all read-only."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import CommentRevision, ModerationEvent, Report
from .reports import ReportColumns


class ReadOnlyInline(admin.TabularInline):
    """A record nobody edits from here: the trail, the versions, the reports."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ModerationEventInline(ReadOnlyInline):
    model = ModerationEvent
    verbose_name = _("status change")
    verbose_name_plural = _("audit trail")
    fields = ["created_at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("by"))
    def by(self, event):
        if event.actor is not None:
            return event.actor.username
        if event.rule:
            return gettext("rule: %(rule)s") % {"rule": event.get_rule_display()}
        return "—"


class CommentRevisionInline(ReadOnlyInline):
    model = CommentRevision
    verbose_name = _("earlier version")
    verbose_name_plural = _("earlier versions")
    fields = ["written_at", "body"]
    readonly_fields = fields


class ReportInline(ReportColumns, ReadOnlyInline):
    model = Report
    fields = ["created_at", "reporter_name", "reason", "details", "state"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reporter", "dismissed_by")
