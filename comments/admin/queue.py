"""The moderation queue: the comment list, and each comment's record.

The list opens on what needs a decision (pending comments and published
ones with open reports, oldest first) and stays fast on a table of hundreds
of thousands of comments: it never counts the whole table, every filter it
offers is served by an index, and the author histories and report reasons
of a page cost one query each, whatever the page holds.

Each action calls `comments.moderation` (which writes the audit trail), and
runs from the list and from a comment's own page alike.
"""

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.views.main import ChangeList
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from briefing.accounts.models import User
from briefing.text import skeleton

from .. import moderation
from ..models import FEATURED_LIMIT, Comment
from .desk import DeskMixin, ReasonForm, _note_field
from .filters import ArticleFilter, QueueFilter, ReportReasonFilter
from .history import (
    attach_context,
    describe_history,
    describe_notes,
    describe_reports,
)
from .inlines import CommentRevisionInline, ModerationEventInline, ReportInline
from .pagination import CappedCountPaginator
from .reports import tell_dismissed
from .sanctions import BanForm

BOTH_PLACES = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
# The action field's name when an action runs from a comment's own page.
CHANGE_FORM_ACTION = f"{ActionLocation.CHANGE_FORM.value}-action"

# Longer comments show their beginning, and the rest behind a <details>.
SHOWN_IN_FULL = 600


class ModerationQueue(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        attach_context(self.result_list)
        # The row offers a note on its author to those who may write one.
        can_note = self.model_admin.has_note_permission(request)
        for comment in self.result_list:
            comment.desk_can_note = can_note


@admin.register(Comment)
class CommentAdmin(DeskMixin, admin.ModelAdmin):
    """The moderation queue, and each comment's record."""

    list_display = [
        "comment_text",
        "state_and_why",
        "author_with_history",
        "created_at",
    ]
    # The text column links to the comment's page itself (a <details> for a
    # long text cannot sit inside the admin's link).
    list_display_links = None
    list_filter = [
        QueueFilter,
        "status",
        "rule",
        ReportReasonFilter,
        ArticleFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["body"]
    search_help_text = _(
        "A reader's username shows their comments; anything else is looked "
        "for in the text."
    )
    list_select_related = ["author", "article"]
    list_per_page = 50
    list_max_show_all = 200
    sortable_by = ["created_at"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    actions = [
        "approve_selected",
        "reject_selected",
        "reject_and_ban",
        "dismiss",
        "feature_selected",
        "unfeature_selected",
    ]
    inlines = [ModerationEventInline, CommentRevisionInline, ReportInline]
    fieldsets = [
        (None, {"fields": ["text", "status", "why", "reports"]}),
        (
            _("Where and who"),
            {
                "fields": [
                    "article_link",
                    "reply_to_link",
                    "author_summary",
                    "created_at",
                    "edited_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "text",
        "status",
        "why",
        "reports",
        "article_link",
        "reply_to_link",
        "author_summary",
        "created_at",
        "edited_at",
    ]

    # Comments come from readers and leave through a decision, never through
    # the admin's add, edit or delete: those would skip the audit trail.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")

    def has_sanction_permission(self, request):
        # "Reject and ban" records a sanction too.
        return request.user.has_perm("comments.add_sanction")

    def has_note_permission(self, request):
        return request.user.has_perm("comments.add_moderatornote")

    def get_changelist(self, request, **kwargs):
        return ModerationQueue

    def get_list_display(self, request):
        # The row's own buttons, for those who may decide.
        if self.has_moderate_permission(request):
            return [*self.list_display, "decide"]
        return self.list_display

    class Media:
        css = {"all": ["css/moderation.css"]}
        js = ["js/moderation-queue.js"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Moderation queue"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django's actions.html reads action_index, which only the change
        # list's actions tag sets; the change form has one actions bar.
        extra_context = {"action_index": 0, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_ordering(self, request):
        # The queue is worked oldest first; any other view reads newest first.
        if QueueFilter.shows_the_queue(request):
            return ["created_at", "id"]
        return ["-created_at", "-id"]

    def get_search_results(self, request, queryset, search_term):
        """The text, or everything by the author of that name (ignoring case
        and look-alike letters, as signing in does)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        author = User.objects.filter(username_key=skeleton(term)).first()
        if author is not None:
            return queryset.filter(author=author), False
        return queryset.filter(body__icontains=term), False

    def view_on_site(self, comment):
        if comment.is_public:
            return comment.get_absolute_url()
        return comment.article.get_absolute_url()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "article")

    # Columns and fields.

    @admin.display(description=_("comment"))
    def comment_text(self, comment):
        """The whole text: a long one shows its beginning as the link to its
        page, and the rest behind a "show the rest" that opens in place."""
        body = comment.body
        shown, rest = body, ""
        if len(body) > SHOWN_IN_FULL:
            cut = body.rfind(" ", 0, SHOWN_IN_FULL - 100)
            cut = cut if cut > 0 else SHOWN_IN_FULL - 100
            shown, rest = body[:cut], body[cut:]
        meta = [
            format_html(gettext("on {}"), self.article_link(comment)),
        ]
        if comment.respect_count:
            meta.append(
                ngettext(
                    "%(count)d respect", "%(count)d respects", comment.respect_count
                )
                % {"count": comment.respect_count}
            )
        if comment.featured_at:
            meta.append(format_html("<strong>{}</strong>", gettext("featured")))
        return format_html(
            '<a class="comment-link" href="{}">{}{}</a>{}<p class="comment-meta">{}</p>',
            reverse("admin:comments_comment_change", args=[comment.pk]),
            _lines(shown),
            "…" if rest else "",
            format_html(
                '<details class="comment-rest"><summary>{}</summary>'
                '<div class="comment-text">{}</div></details>',
                ngettext(
                    "Show the rest (%(count)d more character)",
                    "Show the rest (%(count)d more characters)",
                    len(rest),
                )
                % {"count": len(rest)},
                _lines(rest),
            )
            if rest
            else "",
            format_html_join(" · ", "{}", ((part,) for part in meta)),
        )

    @admin.display(description=_("state and why"))
    def state_and_why(self, comment):
        why = self.why(comment)
        return format_html(
            '<span class="comment-status status-{}">{}</span>{}{}',
            comment.status,
            comment.get_status_display(),
            format_html('<p class="comment-why">{}</p>', why) if why != "—" else "",
            format_html(
                '<p class="comment-reports">{}</p>',
                format_html(gettext("open reports: {}"), describe_reports(comment)),
            )
            if comment.open_reports
            else "",
        )

    @admin.display(description=_("author and history"))
    def author_with_history(self, comment):
        return format_html(
            '<a href="?{}">{}</a><br><span class="history">{}</span>{}{}',
            urlencode({"author": comment.author_id, "queue": "all"}),
            comment.author.label,
            describe_history(comment),
            describe_notes(comment),
            _note_field(comment) if getattr(comment, "desk_can_note", False) else "",
        )

    @admin.display(description=_("article"))
    def article_link(self, comment):
        return format_html(
            '<a href="{}?{}">{}</a>',
            reverse("admin:comments_comment_changelist"),
            urlencode({"article": comment.article_id}),
            Truncator(comment.article.title).chars(60),
        )

    @admin.display(description=_("open reports"))
    def reports(self, comment):
        return describe_reports(comment)

    @admin.display(description=_("rule and reason"))
    def why(self, comment):
        if not comment.rule and not comment.moderation_reason:
            return "—"
        if not comment.rule:
            return comment.moderation_reason
        return format_html(
            "<strong>{}</strong>: {}",
            comment.get_rule_display(),
            comment.moderation_reason,
        )

    @admin.display(description=_("text"))
    def text(self, comment):
        return format_html(
            '<div class="comment-text">{}</div>',
            format_html_join(
                "", "{}<br>", ((line,) for line in comment.body.splitlines())
            ),
        )

    @admin.display(description=_("reply to"))
    def reply_to_link(self, comment):
        if comment.reply_to_id is None:
            return "—"
        return format_html(
            _('<a href="{}">comment {}</a>'),
            reverse("admin:comments_comment_change", args=[comment.reply_to_id]),
            comment.reply_to_id,
        )

    @admin.display(description=_("author"))
    def author_summary(self, comment):
        return format_html(
            gettext(
                '{}, joined {}<br>{}<br><a href="{}?{}">all their comments</a>'
                ' · <a href="{}?{}">sanction this reader</a>'
                ' · <a href="{}?{}">add a moderator note</a>{}'
            ),
            comment.author.label,
            dateformat.format(timezone.localtime(comment.author.date_joined), "d E Y"),
            describe_history(comment),
            reverse("admin:comments_comment_changelist"),
            urlencode({"author": comment.author_id, "queue": "all"}),
            reverse("admin:comments_sanction_add"),
            urlencode({"reader": comment.author_id}),
            reverse("admin:comments_moderatornote_add"),
            urlencode({"reader": comment.author_id}),
            describe_notes(comment, limit=20),
        )

    # Actions: each one calls comments.moderation, once per comment.

    @admin.action(
        description=_("Approve (publish) this comment"),
        description_plural=_("Approve (publish) selected comments"),
        permissions=["moderate"],
        location=BOTH_PLACES,
    )
    def approve_selected(self, request, queryset):
        done = [moderation.approve(comment, request.user) for comment in queryset]
        self._tell(
            request,
            done,
            ngettext(
                "%(count)d comment approved.", "%(count)d comments approved.", sum(done)
            ),
        )

    @admin.action(
        description=_("Reject this comment, with a reason"),
        description_plural=_("Reject selected comments, with a reason"),
        permissions=["moderate"],
        location=BOTH_PLACES,
    )
    def reject_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(
                request, queryset, form, "reject_selected", _("Reject comments")
            )
        reason = form.cleaned_data["reason"]
        removal_reason = form.cleaned_data["removal_reason"]
        done = [
            moderation.reject(comment, request.user, reason, removal_reason)
            for comment in queryset
        ]
        self._tell(
            request,
            done,
            ngettext(
                "%(count)d comment rejected.", "%(count)d comments rejected.", sum(done)
            ),
        )

    @admin.action(
        description=_("Reject and ban the author"),
        description_plural=_("Reject selected comments and ban their authors"),
        permissions=["moderate", "sanction"],
        location=BOTH_PLACES,
    )
    def reject_and_ban(self, request, queryset):
        form = BanForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(
                request,
                queryset,
                form,
                "reject_and_ban",
                _("Reject comments and ban their authors"),
            )
        reject_all = form.cleaned_data["reject_all"]
        rejected, banned = moderation.reject_and_ban(
            queryset,
            request.user,
            reason=form.cleaned_data["reason"],
            until=form.cleaned_data["until"],
            reject_all=reject_all,
        )
        rejected_note = ngettext(
            "%(count)d comment rejected", "%(count)d comments rejected", rejected
        ) % {"count": rejected}
        if reject_all:
            banned_note = ngettext(
                "%(count)d author banned and all their comments rejected",
                "%(count)d authors banned and all their comments rejected",
                banned,
            )
        else:
            banned_note = ngettext(
                "%(count)d author banned", "%(count)d authors banned", banned
            )
        self.message_user(
            request,
            f"{rejected_note}; {banned_note % {'count': banned}}.",
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Dismiss this comment's reports"),
        description_plural=_("Dismiss the reports on selected comments"),
        permissions=["moderate"],
        location=BOTH_PLACES,
    )
    def dismiss(self, request, queryset):
        closed = sum(
            moderation.dismiss_reports(comment, request.user)
            for comment in queryset.filter(open_reports__gt=0)
        )
        tell_dismissed(self, request, closed)

    @admin.action(
        description=_("Feature this comment above the discussion"),
        description_plural=_("Feature selected comments above their discussions"),
        permissions=["moderate"],
        location=BOTH_PLACES,
    )
    def feature_selected(self, request, queryset):
        done = []
        for comment in queryset:
            try:
                done.append(moderation.feature(comment, request.user))
            except moderation.FeaturedLimitReached:
                self.message_user(
                    request,
                    _(
                        "%(comment)s was not featured: its article already "
                        "features %(limit)d comments."
                    )
                    % {"comment": comment, "limit": FEATURED_LIMIT},
                    messages.ERROR,
                )
        self._tell(
            request,
            done,
            ngettext(
                "%(count)d comment featured.", "%(count)d comments featured.", sum(done)
            ),
        )

    @admin.action(
        description=_("Stop featuring this comment"),
        description_plural=_("Stop featuring selected comments"),
        permissions=["moderate"],
        location=BOTH_PLACES,
    )
    def unfeature_selected(self, request, queryset):
        done = [moderation.unfeature(comment, request.user) for comment in queryset]
        self._tell(
            request,
            done,
            ngettext(
                "%(count)d comment no longer featured.",
                "%(count)d comments no longer featured.",
                sum(done),
            ),
        )

    def _tell(self, request, done: list[bool], note: str) -> None:
        """Say how many comments an action changed (`note`, worded for that
        count) and how many it left as they were."""
        changed = sum(done)
        note %= {"count": changed}
        if left := len(done) - changed:
            note += " " + ngettext(
                "%(count)d left as it was (deleted by the author, or nothing to do).",
                "%(count)d left as they were (deleted by the author, or nothing to do).",
                left,
            ) % {"count": left}
        self.message_user(
            request, note, messages.SUCCESS if changed else messages.WARNING
        )

    def _ask(self, request, queryset, form, action: str, title: str):
        """The page between choosing an action and running it, for the
        reason (and the ban's terms): it posts the same selection back."""
        on_change_form = CHANGE_FORM_ACTION in request.POST
        shown = list(queryset[:20])
        total = queryset.order_by().values("pk")[:1001].count()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "comments": shown,
            "more": total - len(shown),
            "more_capped": total > 1000,
            "action": action,
            "action_field": CHANGE_FORM_ACTION if on_change_form else "action",
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across") == "1",
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(
            request, "admin/comments/comment/moderation_action.html", context
        )


def _lines(text: str):
    """A reader's text, escaped, its line breaks kept."""
    return format_html_join("<br>", "{}", ((line,) for line in text.splitlines()))
