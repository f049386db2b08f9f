"""Sanctions on readers: recorded, amended and lifted by moderators.

The record stays: a sanction ends by its date or by being lifted, never by
being deleted.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from briefing.accounts.models import User

from .. import moderation
from ..models import Sanction
from .pagination import CappedCountPaginator


class ReaderField(forms.CharField):
    """A reader named by username, ignoring case and look-alike letters."""

    def clean(self, value):
        username = super().clean(value)
        try:
            return User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise forms.ValidationError(
                _("No reader has that username."), code="unknown"
            ) from None


class SanctionAddForm(forms.ModelForm):
    reader = ReaderField(label=_("Reader (username)"))
    reject_comments = forms.BooleanField(
        label=_("Also reject all their pending and published comments (bans only)"),
        required=False,
    )

    class Meta:
        model = Sanction
        fields = ["reader", "kind", "until", "reason"]

    def clean(self):
        # The sanction's own rules (an end for a suspension, in the future)
        # are Sanction.clean()'s, which the model form runs.
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if cleaned.get("reject_comments") and kind != Sanction.Kind.BAN:
            self.add_error(
                "reject_comments", _("Only a ban rejects the reader's comments.")
            )
        return cleaned


class BanForm(forms.Form):
    """The terms of "reject and ban", asked between choosing it in the
    queue and running it."""

    reason = forms.CharField(
        label=_(
            "Reason (the author sees it, on the comments and when they try to post)"
        ),
        max_length=moderation.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    until = forms.DateTimeField(
        label=_("Banned until"),
        required=False,
        help_text=_("Leave empty for a ban until a moderator lifts it."),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    reject_all = forms.BooleanField(
        label=_("Also reject all their other pending and published comments"),
        required=False,
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        try:
            Sanction(kind=Sanction.Kind.BAN, until=until).clean()
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["until"]) from None
        return until


class ActiveFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("In force")), ("no", _("Ended or lifted"))]

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
    search_help_text = _("A reader's exact username.")
    list_select_related = ["reader", "created_by"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    actions = ["lift_selected"]

    def has_delete_permission(self, request, obj=None):
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

    @admin.display(description=_("state"))
    def state(self, sanction):
        return sanction.state

    @admin.action(description=_("Lift selected sanctions now"), permissions=["change"])
    def lift_selected(self, request, queryset):
        lifted = sum(moderation.lift_sanction(s, request.user) for s in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d sanction lifted.", "%(count)d sanctions lifted.", lifted
            )
            % {"count": lifted},
            messages.SUCCESS if lifted else messages.WARNING,
        )
