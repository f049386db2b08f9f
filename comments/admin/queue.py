"""The moderation queue: the comment list, and each comment's record.

The list opens on what needs a decision (pending comments and published
ones with open reports, oldest first) and stays fast on a table of hundreds
of thousands of comments: it never counts the whole table, every filter it
offers is served by an index, and the author histories and report reasons
of a page cost one query each, whatever the page holds.

Each action calls `comments.moderation` (which writes the audit trail), and
runs from the list and from a comment's own page alike.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from briefing.accounts.models import User
from briefing.text import skeleton

from .. import moderation
from ..models import FEATURED_LIMIT, NOTE_MAX_LENGTH, Comment, RemovalReason, Status
from .filters import ArticleFilter, QueueFilter, ReportReasonFilter
from .history import (
    attach_context,
    describe_history,
    describe_notes,
    describe_reports,
)
from .inlines import CommentRevisionInline, ModerationEventInline, ReportInline
from .notes import NOTE_LABEL, NoteForm
from .pagination import CappedCountPaginator
from .reports import tell_dismissed
from .sanctions import BanForm

BOTH_PLACES = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
# The action field's name when an action runs from a comment's own page.
CHANGE_FORM_ACTION = f"{ActionLocation.CHANGE_FORM.value}-action"

# The reasons a row rejects for in one click, each with its key (after `r`);
# "other" needs a note, so it has a field of its own and the key `o`.
ONE_CLICK_REASONS = [
    (str(number), reason)
    for number, reason in enumerate(
        (reason for reason in RemovalReason if reason != RemovalReason.OTHER), 1
    )
]
OTHER_REASON_KEY = "o"
# Longer comments show their beginning, and the rest behind a <details>.
SHOWN_IN_FULL = 600


class ReasonForm(forms.Form):
    """A rejection's statement of reasons: a standard reason, which the
    author and the discussion's placeholder name, and a note for the author,
    which "other" (or no choice) needs, as it names nothing by itself."""

    removal_reason = forms.ChoiceField(
        label=_(
            "Standard reason (the author and the discussion's placeholder name it)"
        ),
        choices=RemovalReason.choices,
        initial=RemovalReason.OTHER,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Note (the author sees it; required for “other”)"),
        max_length=moderation.REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def clean(self):
        cleaned = super().clean()
        removal_reason = cleaned.get("removal_reason") or RemovalReason.OTHER
        cleaned["removal_reason"] = removal_reason
        if removal_reason == RemovalReason.OTHER and not cleaned.get("reason"):
            self.add_error("reason", _("This field is required."))
        return cleaned


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
class CommentAdmin(admin.ModelAdmin):
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

    @admin.display(description=_("decide"))
    def decide(self, comment):
        """The row's one-click decisions, buttons of the row's own forms
        (which the queue's template puts outside the list's form): approve,
        reject for a standard reason, feature, and a note on the author."""
        form = f"desk-{comment.pk}"
        status = comment.status
        buttons = []
        if status == Status.PENDING or (
            status == Status.PUBLISHED and comment.open_reports
        ):
            buttons.append(
                format_html(
                    '<button type="submit" form="{}" formaction="{}" '
                    'class="desk-approve" data-key="a">{} <kbd>a</kbd></button>',
                    form,
                    reverse("admin:comments_comment_approve", args=[comment.pk]),
                    pgettext("desk button", "Approve"),
                )
            )
        if status in (Status.PENDING, Status.PUBLISHED):
            reject_url = reverse("admin:comments_comment_reject", args=[comment.pk])
            buttons.append(
                format_html(
                    '<details class="desk-reject"><summary data-key="r">'
                    "{} <kbd>r</kbd></summary>"
                    '<div class="desk-reasons">{}</div>'
                    '<div class="desk-other"><label for="{}-note">{}</label>'
                    '<input type="text" id="{}-note" '
                    'name="reason" form="{}-other" maxlength="{}" required '
                    'data-key="{}"><button type="submit" form="{}-other" '
                    'name="removal_reason" value="{}">{}</button>'
                    "</div></details>",
                    pgettext("desk button", "Reject…"),
                    format_html_join(
                        "",
                        '<button type="submit" form="{}" formaction="{}" '
                        'name="removal_reason" value="{}" data-key="{}">'
                        "{} <kbd>{}</kbd></button>",
                        (
                            (form, reject_url, reason.value, key, reason.label, key)
                            for key, reason in ONE_CLICK_REASONS
                        ),
                    ),
                    form,
                    gettext("Other, with a note for the author"),
                    form,
                    form,
                    moderation.REASON_MAX_LENGTH,
                    OTHER_REASON_KEY,
                    form,
                    RemovalReason.OTHER.value,
                    pgettext("desk button", "Reject as other"),
                )
            )
        if status in (Status.PENDING, Status.PUBLISHED) and not comment.featured_at:
            buttons.append(
                format_html(
                    '<button type="submit" form="{}" formaction="{}" '
                    'class="desk-feature" data-key="f">{} <kbd>f</kbd></button>',
                    form,
                    reverse("admin:comments_comment_feature", args=[comment.pk]),
                    pgettext("desk button", "Feature"),
                )
            )
        return format_html(
            '<div class="desk" data-comment="{}">{}</div>',
            comment.pk,
            format_html_join("", "{}", ((button,) for button in buttons))
            if buttons
            else "—",
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

    # One-click decisions from the queue's row: each calls the same
    # comments.moderation function as the actions, then goes back to the
    # queue as it was (its filters and page), where the next comment waits.

    def get_urls(self):
        def view(name, function):
            return path(
                f"<int:object_id>/{name}/",
                self.admin_site.admin_view(function),
                name=f"comments_comment_{name}",
            )

        return [
            view("approve", self.approve_view),
            view("reject", self.reject_view),
            view("feature", self.feature_view),
            view("note", self.note_view),
            *super().get_urls(),
        ]

    def _decided(self, request, object_id: int, *, permission: str = "moderate"):
        """The comment a row's button names, for a moderator who may act."""
        if not getattr(self, f"has_{permission}_permission")(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def _back_to_queue(self, request):
        """The queue with the filters and page the row's form carried."""
        filters = QueryDict(request.POST.get("_changelist_filters", ""))
        url = reverse("admin:comments_comment_changelist")
        query = filters.urlencode()
        return redirect(f"{url}?{query}" if query else url)

    @method_decorator(require_POST)
    def approve_view(self, request, object_id):
        comment = self._decided(request, object_id)
        if moderation.approve(comment, request.user):
            self.message_user(
                request,
                gettext("Approved: %(comment)s.") % {"comment": _named(comment)},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext(
                    "Nothing to approve: %(comment)s is %(status)s and not reported."
                )
                % {"comment": _named(comment), "status": comment.get_status_display()},
                messages.WARNING,
            )
        return self._back_to_queue(request)

    @method_decorator(require_POST)
    def reject_view(self, request, object_id):
        comment = self._decided(request, object_id)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            problems = "; ".join(
                gettext("%(field)s: %(errors)s")
                % {
                    "field": form.fields[field].label
                    if field in form.fields
                    else field,
                    "errors": " ".join(errors),
                }
                for field, errors in form.errors.items()
            )
            self.message_user(
                request,
                gettext("%(comment)s was not rejected. %(problems)s")
                % {"comment": _named(comment), "problems": problems},
                messages.ERROR,
            )
            return self._back_to_queue(request)
        removal_reason = form.cleaned_data["removal_reason"]
        if moderation.reject(
            comment, request.user, form.cleaned_data["reason"], removal_reason
        ):
            self.message_user(
                request,
                gettext("Rejected (%(reason)s): %(comment)s.")
                % {
                    "reason": RemovalReason(removal_reason).label,
                    "comment": _named(comment),
                },
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext("Nothing to reject: %(comment)s was deleted by its author.")
                % {"comment": _named(comment)},
                messages.WARNING,
            )
        return self._back_to_queue(request)

    @method_decorator(require_POST)
    def feature_view(self, request, object_id):
        comment = self._decided(request, object_id)
        try:
            featured = moderation.feature(comment, request.user)
        except moderation.FeaturedLimitReached:
            self.message_user(
                request,
                gettext(
                    "%(comment)s was not featured: its article already "
                    "features %(limit)d comments."
                )
                % {"comment": _named(comment), "limit": FEATURED_LIMIT},
                messages.ERROR,
            )
            return self._back_to_queue(request)
        if featured:
            self.message_user(
                request,
                gettext("Featured: %(comment)s.") % {"comment": _named(comment)},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext(
                    "Nothing to feature: %(comment)s is already featured, "
                    "or rejected or deleted."
                )
                % {"comment": _named(comment)},
                messages.WARNING,
            )
        return self._back_to_queue(request)

    @method_decorator(require_POST)
    def note_view(self, request, object_id):
        comment = self._decided(request, object_id, permission="note")
        form = NoteForm(request.POST)
        if form.is_valid():
            note = moderation.note_reader(
                comment.author, request.user, form.cleaned_data["text"]
            )
            # As the notes' own add page would: the admin's history has it.
            self.log_addition(request, note, [{"added": {}}])
            self.message_user(
                request,
                gettext("Note kept on %(reader)s.") % {"reader": comment.author.label},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext("The note was not kept: %(errors)s")
                % {
                    "errors": " ".join(
                        error for errors in form.errors.values() for error in errors
                    )
                },
                messages.ERROR,
            )
        return self._back_to_queue(request)

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


def _named(comment: Comment) -> str:
    """A comment as a message names it: its author and its beginning."""
    return gettext("“%(text)s” by %(author)s") % {
        "text": Truncator(comment.body).chars(60),
        "author": comment.author.label,
    }


def _note_field(comment: Comment):
    """A note on the comment's author, written in the row (its form is
    outside the list's form, as the decisions' are)."""
    form = f"desk-{comment.pk}-note"
    return format_html(
        '<details class="desk-note"><summary>{}</summary>'
        '<label for="{}-text">{}</label><textarea id="{}-text" name="text" '
        'form="{}" rows="2" maxlength="{}" required></textarea>'
        '<button type="submit" form="{}">{}</button></details>',
        format_html(gettext("Add a note on {}"), comment.author.username),
        form,
        NOTE_LABEL,
        form,
        form,
        NOTE_MAX_LENGTH,
        form,
        gettext("Keep the note"),
    )
