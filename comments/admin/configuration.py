"""What moderators set rather than decide: the word lists, the site-wide
moderation settings and each article's discussion switches."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode

from .. import moderation
from ..models import ArticleDiscussion, ModerationSettings, Word
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
        ("Discussions", {"fields": ["comments_paused", "auto_close_days"]}),
        (
            "Rules on new comments",
            {"fields": ["new_reader_premoderation", "max_links", "report_threshold"]},
        ),
        (
            "Limits per reader",
            {
                "fields": [
                    "posting_limit",
                    "posting_window_seconds",
                    "reporting_limit",
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
        current, _ = ModerationSettings.objects.get_or_create(pk=1)
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
    ]
    readonly_fields = ["title", "published_at"]
    view_on_site = True

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="closes")
    def closes(self, article):
        closes = article.comments_close_time(
            ModerationSettings.current().auto_close_days
        )
        if closes is None:
            return "never"
        return f"{timezone.localtime(closes):%d %b %Y %H:%M}"

    @admin.display(description="comments")
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
