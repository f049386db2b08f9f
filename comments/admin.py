"""The moderators' side of the discussion, in Django's admin.

The comment list is the moderation queue. It opens on what needs a decision
(pending comments and published ones with open reports, oldest first) and
stays fast on a table of hundreds of thousands of comments: it never counts
the whole table, every filter it offers is served by an index, and the
author histories and report reasons of a page cost one query each, whatever
the page holds.

Nothing here changes a status by itself: every action calls
`comments.moderation`, which writes the audit trail.
"""

from collections import Counter, defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator

from briefing.accounts.models import User
from briefing.models import Article
from briefing.text import skeleton

from . import moderation
from .models import (
    ArticleDiscussion,
    Comment,
    CommentRevision,
    ModerationEvent,
    ModerationSettings,
    Report,
    Sanction,
    Status,
    Word,
)

BOTH_PLACES = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
# The action field's name when an action runs from a comment's own page.
CHANGE_FORM_ACTION = f"{ActionLocation.CHANGE_FORM.value}-action"


class CappedCountPaginator(Paginator):
    """Counts matching rows up to `cap` only.

    An exact COUNT(*) over a huge table reads all of it; "more than 10,000"
    is all a moderator needs to know, and costs at most `cap` index entries.
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


class QueueFilter(admin.SimpleListFilter):
    """Opens the list on the queue; "all" and narrower views on request."""

    title = "queue"
    parameter_name = "queue"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # Picking a status means "comments in that status", not "those of
        # the queue in that status" (which would be empty for rejected ones).
        if self.value() is None and "status__exact" in request.GET:
            self.used_parameters[self.parameter_name] = "all"

    def lookups(self, request, model_admin):
        return [
            ("pending", "Pending only"),
            ("reported", "Published, with open reports"),
            ("all", "All comments"),
        ]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Needs a decision",
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

    title = "article"
    parameter_name = "article"
    latest = 15

    def lookups(self, request, model_admin):
        articles = list(
            Article.objects.exclude(published_at=None)
            .order_by("-published_at", "-id")
            .values_list("pk", "title")[: self.latest]
        )
        value = self.value()
        if value and value.isdigit() and int(value) not in {pk for pk, _ in articles}:
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
    title = "open report reason"
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


def attach_context(comments: list[Comment]) -> None:
    """Give each comment its author's history and its open reports' reasons,
    in three queries for the whole page."""
    if not comments:
        return
    authors = {comment.author_id for comment in comments}
    history: dict[int, Counter] = defaultdict(Counter)
    counted = (
        Comment.objects.filter(author_id__in=authors)
        .order_by()
        .values_list("author_id", "status")
        .annotate(total=Count("pk"))
    )
    for author_id, status, total in counted:
        history[author_id][status] = total
    sanctions = defaultdict(list)
    for sanction in Sanction.objects.active().filter(reader_id__in=authors):
        sanctions[sanction.reader_id].append(sanction)
    reasons: dict[int, Counter] = defaultdict(Counter)
    reported = [comment.pk for comment in comments if comment.open_reports]
    if reported:
        counted = (
            Report.objects.filter(comment_id__in=reported, dismissed_at__isnull=True)
            .order_by()
            .values_list("comment_id", "reason")
            .annotate(total=Count("pk"))
        )
        for comment_id, reason, total in counted:
            reasons[comment_id][reason] = total
    for comment in comments:
        comment.author_history = history[comment.author_id]
        comment.author_sanctions = sanctions[comment.author_id]
        comment.report_reasons = reasons[comment.pk]


class ModerationQueue(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        attach_context(self.result_list)


HISTORY_LABELS = [
    (Status.PUBLISHED, "published"),
    (Status.PENDING, "pending"),
    (Status.REJECTED, "rejected"),
    (Status.DELETED, "deleted"),
]


def describe_history(comment: Comment):
    """The author's comments counted by status ("12 published, 3 rejected")
    and their sanctions in force."""
    if not hasattr(comment, "author_history"):
        attach_context([comment])
    history = comment.author_history
    counts = ", ".join(
        f"{history[status]} {label}"
        for status, label in HISTORY_LABELS
        if history[status]
    )
    return format_html(
        "{}{}",
        counts or "no comments",
        format_html_join(
            "",
            '<br><strong class="sanction">{}</strong>',
            ((sanction.summary(),) for sanction in comment.author_sanctions),
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason (the author sees it)",
        max_length=moderation.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class BanForm(ReasonForm):
    reason = forms.CharField(
        label="Reason (the author sees it, on the comments and when they try to post)",
        max_length=moderation.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    until = forms.DateTimeField(
        label="Banned until",
        required=False,
        help_text="Leave empty for a ban until a moderator lifts it.",
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    reject_all = forms.BooleanField(
        label="Also reject all their other pending and published comments",
        required=False,
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until is not None and until <= timezone.now():
            raise forms.ValidationError("The end of a ban must be in the future.")
        return until


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
    verbose_name = "status change"
    verbose_name_plural = "audit trail"
    fields = ["created_at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description="by")
    def by(self, event):
        if event.actor is not None:
            return event.actor.username
        return f"rule: {event.get_rule_display()}" if event.rule else "—"


class CommentRevisionInline(ReadOnlyInline):
    model = CommentRevision
    verbose_name = "earlier version"
    verbose_name_plural = "earlier versions"
    fields = ["written_at", "body"]
    readonly_fields = fields


class ReportInline(ReadOnlyInline):
    model = Report
    fields = ["created_at", "reporter_name", "reason", "details", "state"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reporter", "dismissed_by")

    @admin.display(description="reporter")
    def reporter_name(self, report):
        return report.reporter.username

    @admin.display(description="state")
    def state(self, report):
        return report_state(report)


def report_state(report: Report) -> str:
    if report.dismissed_at is None:
        return "open"
    by = f" by {report.dismissed_by.username}" if report.dismissed_by else ""
    return f"closed {timezone.localtime(report.dismissed_at):%d %b %Y %H:%M}{by}"


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue, and each comment's record."""

    list_display = [
        "excerpt",
        "status",
        "author_with_history",
        "article_link",
        "reports",
        "why",
        "created_at",
    ]
    list_display_links = ["excerpt"]
    list_filter = [
        QueueFilter,
        "status",
        "rule",
        ReportReasonFilter,
        ArticleFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["body"]
    search_help_text = (
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
    actions = ["approve_selected", "reject_selected", "reject_and_ban", "dismiss"]
    inlines = [ModerationEventInline, CommentRevisionInline, ReportInline]
    fieldsets = [
        (None, {"fields": ["text", "status", "why", "reports_summary"]}),
        (
            "Where and who",
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
        "reports_summary",
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

    def get_changelist(self, request, **kwargs):
        return ModerationQueue

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Moderation queue", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django's actions.html reads action_index, which only the change
        # list's actions tag sets; the change form has one actions bar.
        extra_context = {"action_index": 0, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_ordering(self, request):
        # The queue is worked oldest first; any other view reads newest first.
        if request.GET.get(QueueFilter.parameter_name) is None and (
            "status__exact" not in request.GET
        ):
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
        if comment.status in (Status.PUBLISHED, Status.DELETED):
            return comment.get_absolute_url()
        return comment.article.get_absolute_url()

    # Columns and fields.

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(120)

    @admin.display(description="author and history")
    def author_with_history(self, comment):
        return format_html(
            '<a href="?{}">{}</a><br><span class="history">{}</span>',
            urlencode({"author": comment.author_id, "queue": "all"}),
            comment.author.label,
            describe_history(comment),
        )

    @admin.display(description="article")
    def article_link(self, comment):
        return format_html(
            '<a href="{}?{}">{}</a>',
            reverse("admin:comments_comment_changelist"),
            urlencode({"article": comment.article_id}),
            Truncator(comment.article.title).chars(60),
        )

    @admin.display(description="open reports")
    def reports(self, comment):
        if not comment.open_reports:
            return "—"
        if not hasattr(comment, "report_reasons"):
            attach_context([comment])
        reasons = comment.report_reasons
        labels = dict(Report.Reason.choices)
        return format_html(
            "<strong>{}</strong> {}",
            comment.open_reports,
            ", ".join(
                f"{labels.get(reason, reason)} ({total})"
                for reason, total in sorted(reasons.items())
            ),
        )

    @admin.display(description="rule and reason")
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

    @admin.display(description="text")
    def text(self, comment):
        return format_html(
            '<div class="comment-text">{}</div>',
            format_html_join(
                "", "{}<br>", ((line,) for line in comment.body.splitlines())
            ),
        )

    @admin.display(description="open reports")
    def reports_summary(self, comment):
        return self.reports(comment)

    @admin.display(description="reply to")
    def reply_to_link(self, comment):
        if comment.reply_to_id is None:
            return "—"
        return format_html(
            '<a href="{}">comment {}</a>',
            reverse("admin:comments_comment_change", args=[comment.reply_to_id]),
            comment.reply_to_id,
        )

    @admin.display(description="author")
    def author_summary(self, comment):
        return format_html(
            '{}, joined {}<br>{}<br><a href="{}?{}">all their comments</a>'
            ' · <a href="{}?{}">sanction this reader</a>',
            comment.author.label,
            f"{timezone.localtime(comment.author.date_joined):%d %B %Y}",
            describe_history(comment),
            reverse("admin:comments_comment_changelist"),
            urlencode({"author": comment.author_id, "queue": "all"}),
            reverse("admin:comments_sanction_add"),
            urlencode({"reader": comment.author_id}),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "article")

    # Actions: each one calls comments.moderation, once per comment.

    @admin.action(
        description="Approve (publish) this comment",
        description_plural="Approve (publish) selected comments",
        permissions=["moderate"],
        location=BOTH_PLACES,
    )
    def approve_selected(self, request, queryset):
        done = [moderation.approve(comment, request.user) for comment in queryset]
        self._report(request, done, "approved")

    @admin.action(
        description="Reject this comment, with a reason",
        description_plural="Reject selected comments, with a reason",
        permissions=["moderate"],
        location=BOTH_PLACES,
    )
    def reject_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(
                request, queryset, form, "reject_selected", "Reject comments"
            )
        reason = form.cleaned_data["reason"]
        done = [
            moderation.reject(comment, request.user, reason) for comment in queryset
        ]
        self._report(request, done, "rejected")

    @admin.action(
        description="Reject and ban the author",
        description_plural="Reject selected comments and ban their authors",
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
                "Reject comments and ban their authors",
            )
        reason = form.cleaned_data["reason"]
        authors = {}
        rejected = 0
        for comment in queryset:
            rejected += moderation.reject(comment, request.user, reason)
            authors[comment.author_id] = comment.author
        already = set(
            Sanction.objects.active()
            .filter(reader__in=authors, kind=Sanction.Kind.BAN)
            .values_list("reader_id", flat=True)
        )
        banned = 0
        for author_id, author in authors.items():
            if author_id in already and not form.cleaned_data["reject_all"]:
                continue
            banned += 1
            moderation.sanction_reader(
                author,
                request.user,
                kind=Sanction.Kind.BAN,
                reason=reason,
                until=form.cleaned_data["until"],
                reject_comments=form.cleaned_data["reject_all"],
            )
        self.message_user(
            request,
            f"{rejected} comment{'s' if rejected != 1 else ''} rejected; "
            f"{banned} author{'s' if banned != 1 else ''} banned"
            + (
                " and all their comments rejected"
                if form.cleaned_data["reject_all"]
                else ""
            )
            + ".",
            messages.SUCCESS,
        )

    @admin.action(
        description="Dismiss this comment's reports",
        description_plural="Dismiss the reports on selected comments",
        permissions=["moderate"],
        location=BOTH_PLACES,
    )
    def dismiss(self, request, queryset):
        closed = sum(
            moderation.dismiss_reports(comment, request.user)
            for comment in queryset.filter(open_reports__gt=0)
        )
        self.message_user(
            request,
            f"{closed} report{'s' if closed != 1 else ''} dismissed.",
            messages.SUCCESS if closed else messages.WARNING,
        )

    def _report(self, request, results: list[bool], verb: str) -> None:
        done = sum(results)
        note = f"{done} comment{'s' if done != 1 else ''} {verb}."
        if skipped := len(results) - done:
            note += (
                f" {skipped} left as {'it was' if skipped == 1 else 'they were'}"
                " (deleted by the author, or nothing to do)."
            )
        self.message_user(request, note, messages.SUCCESS if done else messages.WARNING)

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


class ReportStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("closed", "Dismissed or closed")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(dismissed_at__isnull=True)
        if self.value() == "closed":
            return queryset.filter(dismissed_at__isnull=False)
        return queryset


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
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

    # A report is the reader's words: moderators dismiss it, never rewrite it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_dismiss_permission(self, request):
        return request.user.has_perm("comments.change_report")

    @admin.display(description="reporter")
    def reporter_name(self, report):
        return report.reporter.username

    @admin.display(description="comment")
    def comment_excerpt(self, report):
        return Truncator(report.comment.body).chars(80)

    @admin.display(description="comment")
    def comment_link(self, report):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[report.comment_id]),
            Truncator(report.comment.body).chars(200),
        )

    @admin.display(description="details")
    def details_excerpt(self, report):
        return Truncator(report.details).chars(80)

    @admin.display(description="state")
    def state(self, report):
        return report_state(report)

    @admin.action(description="Dismiss selected reports", permissions=["dismiss"])
    def dismiss_selected(self, request, queryset):
        closed = 0
        comment_ids = set(
            queryset.filter(dismissed_at__isnull=True).values_list(
                "comment_id", flat=True
            )
        )
        for comment in Comment.objects.filter(pk__in=comment_ids):
            closed += moderation.dismiss_reports(
                comment, request.user, reports=queryset
            )
        self.message_user(
            request,
            f"{closed} report{'s' if closed != 1 else ''} dismissed.",
            messages.SUCCESS if closed else messages.WARNING,
        )

    def delete_model(self, request, obj):
        moderation.delete_reports(Report.objects.filter(pk=obj.pk), request.user)

    def delete_queryset(self, request, queryset):
        moderation.delete_reports(queryset, request.user)


class ReaderField(forms.CharField):
    """A reader named by username, ignoring case and look-alike letters."""

    def clean(self, value):
        username = super().clean(value)
        try:
            return User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise forms.ValidationError(
                "No reader has that username.", code="unknown"
            ) from None


class SanctionAddForm(forms.ModelForm):
    reader = ReaderField(label="Reader (username)")
    reject_comments = forms.BooleanField(
        label="Also reject all their pending and published comments (bans only)",
        required=False,
    )

    class Meta:
        model = Sanction
        fields = ["reader", "kind", "until", "reason"]

    def clean(self):
        cleaned = super().clean()
        kind, until = cleaned.get("kind"), cleaned.get("until")
        if kind == Sanction.Kind.SUSPENSION and until is None:
            self.add_error("until", "A suspension needs an end.")
        if until is not None and until <= timezone.now():
            self.add_error("until", "The end must be in the future.")
        if cleaned.get("reject_comments") and kind != Sanction.Kind.BAN:
            self.add_error(
                "reject_comments", "Only a ban rejects the reader's comments."
            )
        return cleaned


class ActiveFilter(admin.SimpleListFilter):
    title = "in force"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "In force"), ("no", "Ended or lifted")]

    def queryset(self, request, queryset):
        active = Sanction.objects.active().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=active)
        if self.value() == "no":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    list_display = [
        "reader",
        "kind",
        "until",
        "state",
        "reason",
        "created_by",
        "created_at",
    ]
    list_filter = [ActiveFilter, "kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=reader__username"]
    search_help_text = "A reader's exact username."
    list_select_related = ["reader", "created_by"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    actions = ["lift_selected"]

    def has_delete_permission(self, request, obj=None):
        # The record stays: a sanction ends by its date or by being lifted.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SanctionAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["reader", "kind", "until", "reason", "reject_comments"]
        return [
            "reader",
            "kind",
            "until",
            "reason",
            "lifted_at",
            "created_by",
            "created_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["reader", "kind", "created_by", "created_at"]

    def get_changeform_initial_data(self, request):
        """`?reader=<id>` (the link on a comment's page) names the reader."""
        initial = super().get_changeform_initial_data(request)
        reader = request.GET.get("reader", "")
        initial["reader"] = (
            User.objects.filter(pk=reader).values_list("username", flat=True).first()
            if reader.isdigit()
            else None
        )
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            moderation.amend_sanction(obj, request.user, form.changed_data)
            return
        sanction = moderation.sanction_reader(
            obj.reader,
            request.user,
            kind=obj.kind,
            reason=obj.reason,
            until=obj.until,
            reject_comments=form.cleaned_data["reject_comments"],
        )
        # The admin goes on with `obj` (its log entry, its redirect).
        obj.pk = sanction.pk
        obj.created_by = sanction.created_by
        obj.created_at = sanction.created_at
        obj._state.adding = False

    @admin.display(description="state")
    def state(self, sanction):
        if sanction.lifted_at is not None:
            return "lifted"
        if sanction.until is not None and sanction.until <= timezone.now():
            return "ended"
        return "in force"

    @admin.action(description="Lift selected sanctions now", permissions=["change"])
    def lift_selected(self, request, queryset):
        lifted = sum(moderation.lift_sanction(s, request.user) for s in queryset)
        self.message_user(
            request,
            f"{lifted} sanction{'s' if lifted != 1 else ''} lifted.",
            messages.SUCCESS if lifted else messages.WARNING,
        )


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
            ", ".join(
                f"{name}={form.cleaned_data[name]}" for name in form.changed_data
            ),
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
            ", ".join(
                f"{name}={form.cleaned_data[name]}" for name in form.changed_data
            ),
        )
