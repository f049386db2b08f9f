"""The moderator's desk: each queue row's one-click decisions.

Approve, reject for a standard reason (or "other", with a note), feature,
and a note on the author, each a small form of its own beside the row (the
queue's template puts them outside the list's form, which cannot hold
forms), posting to a view that calls the same `comments.moderation`
function as the list's actions, then going back to the queue as it was.
static/js/moderation-queue.js puts keys over the same buttons.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import moderation
from ..models import FEATURED_LIMIT, NOTE_MAX_LENGTH, Comment, RemovalReason, Status
from .notes import NOTE_LABEL, NoteForm

# The reasons a row rejects for in one click, each with its key (after `r`);
# "other" needs a note, so it has a field of its own and the key `o`.
ONE_CLICK_REASONS = [
    (str(number), reason)
    for number, reason in enumerate(
        (reason for reason in RemovalReason if reason != RemovalReason.OTHER), 1
    )
]
OTHER_REASON_KEY = "o"


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


class DeskMixin:
    """The row's decisions, for CommentAdmin."""

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
