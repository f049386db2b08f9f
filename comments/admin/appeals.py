"""Appeals: their own queue, open ones first and oldest first, and each
appeal's page, where a moderator other than the one who rejected the
comment upholds or reverses the rejection with a reason.

The decision is `comments.moderation.decide_appeal`'s, which holds the rules
(who may decide) and writes the trail; here the same rules make the page
read-only for whoever may not decide, and say why.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, IntegerField, When
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .. import moderation
from ..models import DECISION_REASON_MAX_LENGTH, Appeal, AppealState, Rule, Status
from ..rendering import format_body
from .pagination import CappedCountPaginator

UPHOLD, REVERSE = "uphold", "reverse"


class AppealDecisionForm(forms.ModelForm):
    """Uphold or reverse, and why: the author reads the reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (UPHOLD, _("Uphold: the comment stays rejected")),
            (REVERSE, _("Reverse: publish the comment again")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to uphold or reverse.")},
    )
    decision_reason = forms.CharField(
        label=_("Reason (the author reads it)"),
        max_length=DECISION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Give the reason for the decision.")},
    )
    # Who decides: set by AppealAdmin.get_form for the request.
    moderator = None

    class Meta:
        model = Appeal
        fields = ["decision", "decision_reason"]

    def clean(self):
        cleaned = super().clean()
        refusal = moderation.decision_refusal(self.instance, self.moderator)
        if refusal is not None:
            raise forms.ValidationError(refusal.message, code="refused")
        return cleaned


class DecisionReasonForm(forms.Form):
    """The reason for deciding the appeals chosen in the list at once."""

    decision_reason = AppealDecisionForm.base_fields["decision_reason"]


class AppealStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Awaiting a decision")),
            (AppealState.UPHELD, pgettext_lazy("appeals", "Upheld")),
            (AppealState.REVERSED, pgettext_lazy("appeals", "Reversed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.awaiting_decision()
        if self.value() in (AppealState.UPHELD, AppealState.REVERSED):
            return queryset.filter(state=self.value())
        return queryset


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """The appeals' queue and each appeal's decision."""

    form = AppealDecisionForm
    list_display = [
        "appeal_excerpt",
        "comment_excerpt",
        "author",
        "rejection",
        "waiting",
        "outcome",
    ]
    list_display_links = ["appeal_excerpt"]
    actions = ["uphold_selected", "reverse_selected"]
    list_filter = [AppealStateFilter]
    search_fields = ["=comment__author__username", "text"]
    list_select_related = ["comment__author", "rejected_by", "decided_by"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    sortable_by = []
    # The appeal's page on the site is the author's own: nothing to view there.
    view_on_site = False
    readonly_fields = [
        "comment_text",
        "author",
        "article",
        "rejected_at",
        "rejected_by_name",
        "rejection_reasons",
        "appeal_text",
        "created_at",
        "outcome",
        "decided_by_name",
        "decided_at",
        "decision_reason",
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (_("The comment"), {"fields": ["comment_text", "author", "article"]}),
            (
                _("The rejection"),
                {"fields": ["rejected_at", "rejected_by_name", "rejection_reasons"]},
            ),
            (_("The appeal"), {"fields": ["appeal_text", "created_at", "outcome"]}),
        ]
        if obj is not None and not obj.is_open:
            fieldsets.append(
                (
                    _("The decision"),
                    {"fields": ["decided_by_name", "decided_at", "decision_reason"]},
                )
            )
        elif self.has_change_permission(request, obj):
            fieldsets.append(
                (_("Your decision"), {"fields": ["decision", "decision_reason"]})
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return [name for name in self.readonly_fields if name != "decision_reason"]
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"moderator": request.user})

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("comment__article", "comment__author")
        )

    def get_ordering(self, request):
        # Open appeals still to decide first, oldest first; the rest after.
        waiting_first = Case(
            When(state=AppealState.OPEN, comment__status=Status.REJECTED, then=0),
            default=1,
            output_field=IntegerField(),
        )
        return [waiting_first.asc(), "created_at", "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or moderation.decision_refusal(obj, request.user) is None

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Appeals"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        appeal = self.get_object(request, object_id)
        if appeal is not None and request.method == "GET":
            refusal = moderation.decision_refusal(appeal, request.user)
            if refusal is not None and appeal.is_open:
                self.message_user(request, refusal.message, messages.WARNING)
        # A decision is taken once: nothing to go on editing after it.
        extra_context = {"show_save_and_continue": False, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        try:
            moderation.decide_appeal(
                obj,
                request.user,
                reverse=form.cleaned_data["decision"] == REVERSE,
                reason=form.cleaned_data["decision_reason"],
            )
        except moderation.AppealRefused as refusal:
            # Another moderator decided in between.
            request.appeal_refused = refusal.message

    def response_change(self, request, obj):
        refused = getattr(request, "appeal_refused", "")
        if refused:
            self.message_user(request, refused, messages.ERROR)
            return HttpResponseRedirect(request.path)
        obj.refresh_from_db()
        if obj.state == AppealState.REVERSED:
            told = gettext(
                "Appeal reversed: the comment is published again. Its author is told."
            )
        else:
            told = gettext(
                "Appeal upheld: the comment stays rejected. Its author is told."
            )
        self.message_user(request, told, messages.SUCCESS)
        # On to the next appeal waiting.
        return HttpResponseRedirect(
            reverse("admin:comments_appeal_changelist") + "?state=waiting"
        )

    @admin.action(description=_("Uphold selected appeals…"), permissions=["change"])
    def uphold_selected(self, request, queryset):
        return self._decide_selected(request, queryset, reverse=False)

    @admin.action(description=_("Reverse selected appeals…"), permissions=["change"])
    def reverse_selected(self, request, queryset):
        return self._decide_selected(request, queryset, reverse=True)

    def _decide_selected(self, request, queryset, *, reverse: bool):
        """Ask for the reason, then decide each chosen appeal with it; those
        this moderator may not decide are named, and left as they are."""
        form = DecisionReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            shown = list(queryset[:20])
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Reverse the appeals")
                if reverse
                else gettext("Uphold the rejections appealed"),
                "form": form,
                "appeals": shown,
                "more": queryset.count() - len(shown),
                "action": request.POST.get("action", ""),
                "action_field": "action",
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across") == "1",
                "back_url": request.get_full_path(),
            }
            return TemplateResponse(
                request, "admin/comments/appeal/decide_selected.html", context
            )
        decided = 0
        for appeal in queryset:
            try:
                moderation.decide_appeal(
                    appeal,
                    request.user,
                    reverse=reverse,
                    reason=form.cleaned_data["decision_reason"],
                )
            except moderation.AppealRefused as refusal:
                self.message_user(
                    request,
                    gettext("%(appeal)s: %(refusal)s")
                    % {"appeal": appeal, "refusal": refusal.message},
                    messages.WARNING,
                )
            else:
                decided += 1
        if reverse:
            note = ngettext(
                "%(count)d appeal reversed: its comment is published again.",
                "%(count)d appeals reversed: their comments are published again.",
                decided,
            )
        else:
            note = ngettext(
                "%(count)d appeal upheld: its comment stays rejected.",
                "%(count)d appeals upheld: their comments stay rejected.",
                decided,
            )
        self.message_user(
            request,
            note % {"count": decided},
            messages.SUCCESS if decided else messages.WARNING,
        )
        return None

    @admin.display(description=_("appeal"))
    def appeal_excerpt(self, appeal):
        return Truncator(appeal.text).chars(200) or gettext("(erased)")

    @admin.display(description=_("comment"))
    def comment_excerpt(self, appeal):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[appeal.comment_id]),
            Truncator(appeal.comment.body).chars(200) or gettext("(erased)"),
        )

    @admin.display(description=_("comment"))
    def comment_text(self, appeal):
        return format_html(
            '<div class="appeal-comment">{}</div><p><a href="{}">{}</a></p>',
            format_body(appeal.comment.body),
            reverse("admin:comments_comment_change", args=[appeal.comment_id]),
            gettext("The comment's record and trail"),
        )

    @admin.display(description=_("author"))
    def author(self, appeal):
        return appeal.comment.author.username

    @admin.display(description=_("article"))
    def article(self, appeal):
        return appeal.comment.article.title

    @admin.display(description=_("rejected by"))
    def rejected_by_name(self, appeal):
        if appeal.rejected_by is not None:
            return appeal.rejected_by.username
        if appeal.rejected_by_rule:
            return gettext("the rule: %(rule)s") % {
                "rule": Rule(appeal.rejected_by_rule).label
            }
        return gettext("no moderator on record")

    @admin.display(description=_("rejection"))
    def rejection(self, appeal):
        return format_html(
            gettext("{reasons}<br>by {who}"),
            reasons=appeal.rejection_reasons,
            who=self.rejected_by_name(appeal),
        )

    @admin.display(description=_("appeal"))
    def appeal_text(self, appeal):
        return format_body(appeal.text) if appeal.text else gettext("(erased)")

    @admin.display(description=_("waiting"))
    def waiting(self, appeal):
        if not appeal.is_open:
            return "—"
        return timesince(appeal.created_at, timezone.now())

    @admin.display(description=_("state"))
    def outcome(self, appeal):
        if appeal.is_open and appeal.comment.status != Status.REJECTED:
            return gettext(
                "open, but the comment is no longer rejected (%(status)s)"
            ) % {"status": appeal.comment.get_status_display()}
        return appeal.get_state_display()

    @admin.display(description=_("decided by"))
    def decided_by_name(self, appeal):
        return appeal.decided_by.username if appeal.decided_by else "—"
