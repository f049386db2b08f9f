"""What moderators set rather than decide: the word lists, the site-wide
moderation settings and each article's discussion switches."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import moderation, surge
from ..models import ArticleDiscussion, ModerationSettings, SlowModePeriod, Word
from .pagination import CappedCountPaginator


def describe_changes(form: forms.ModelForm) -> str:
    """The fields a save changed, with their new values, for the security log."""
    return ", ".join(f"{name}={form.cleaned_data[name]}" for name in form.changed_data)


@admin.register(Word)
class WordAdmin(admin.ModelAdmin):
    list_display = ["word", "action", "created_at"]
    list_filter = ["action"]
    search_fields = ["word"]
    fields = ["word", "action"]
    show_full_result_count = False
    paginator = CappedCountPaginator


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    """One row of knobs: its list goes straight to it."""

    fieldsets = [
        (_("Discussions"), {"fields": ["comments_paused", "auto_close_days"]}),
        (
            _("Rules on new comments"),
            {"fields": ["new_reader_premoderation", "max_links", "report_threshold"]},
        ),
        (
            _("Limits per reader"),
            {
                "fields": [
                    "posting_limit",
                    "posting_window_seconds",
                    "reporting_limit",
                ]
            },
        ),
        (
            _("Surge brake (slow mode)"),
            {
                "fields": [
                    "surge_min_comments",
                    "surge_factor",
                    "slow_mode_minutes",
                    "slow_mode_interval_seconds",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        # The row exists from the first page that needs it (current()).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        current, _created = ModerationSettings.objects.get_or_create(pk=1)
        return redirect("admin:comments_moderationsettings_change", current.pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        moderation.security_log.info(
            "moderation settings changed by %s: %s",
            request.user,
            describe_changes(form),
        )


@admin.register(ArticleDiscussion)
class ArticleDiscussionAdmin(admin.ModelAdmin):
    """Close, reopen or premoderate one article's discussion; its text stays
    the editors' (read-only here)."""

    list_display = [
        "title",
        "published_at",
        "comments_open",
        "closes",
        "premoderated",
        "slow_mode",
        "queue_link",
    ]
    list_filter = ["comments_open", "premoderated"]
    search_fields = ["title"]
    ordering = ["-published_at", "-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    sortable_by = ["published_at"]
    fields = [
        "title",
        "published_at",
        "comments_open",
        "comments_auto_close",
        "comments_close_at",
        "premoderated",
        "slow_mode",
        "slow_mode_record",
    ]
    readonly_fields = ["title", "published_at", "slow_mode", "slow_mode_record"]
    actions = ["end_slow_mode"]
    view_on_site = True

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("closes"))
    def closes(self, article):
        closes = article.comments_close_time(
            ModerationSettings.current().auto_close_days
        )
        if closes is None:
            return "never"
        return f"{timezone.localtime(closes):%d %b %Y %H:%M}"

    @admin.display(description=_("slow mode"))
    def slow_mode(self, article):
        until = article.slow_mode_until
        if until is None:
            return "off"
        return f"until {timezone.localtime(until):%H:%M}"

    @admin.display(description=_("slow mode periods"))
    def slow_mode_record(self, article):
        """The surges that slowed the discussion down, newest first."""
        periods = SlowModePeriod.objects.filter(article=article).select_related(
            "ended_by"
        )[:20]
        if not periods:
            return "none"
        return format_html(
            '<ul class="slow-mode-record">{}</ul>',
            format_html_join(
                "",
                "<li>{} to {}: {}{}</li>",
                (
                    (
                        f"{timezone.localtime(period.started_at):%d %b %Y %H:%M}",
                        f"{timezone.localtime(period.ended_at or period.until):%H:%M}",
                        period.reason,
                        f" (ended by {period.ended_by})" if period.ended_by else "",
                    )
                    for period in periods
                ),
            ),
        )

    @admin.action(
        description=_("End slow mode of selected discussions"), permissions=["change"]
    )
    def end_slow_mode(self, request, queryset):
        ended = sum(surge.end_slow_mode(article, request.user) for article in queryset)
        self.message_user(
            request,
            ngettext(
                "Slow mode ended on %(count)d discussion.",
                "Slow mode ended on %(count)d discussions.",
                ended,
            )
            % {"count": ended},
            messages.SUCCESS if ended else messages.WARNING,
        )

    @admin.display(description=_("comments"))
    def queue_link(self, article):
        return format_html(
            '<a href="{}?{}">its comments</a>',
            reverse("admin:comments_comment_changelist"),
            urlencode({"article": article.pk, "queue": "all"}),
        )

    def save_model(self, request, obj, form, change):
        # Only the switches: an editor may be saving the text meanwhile.
        obj.save(update_fields=form.changed_data)
        moderation.security_log.info(
            "discussion of article %s changed by %s: %s",
            obj.pk,
            request.user,
            describe_changes(form),
        )
