import uuid

from django import forms
from django.forms import BoundField
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import APPEAL_MAX_LENGTH, BODY_MAX_LENGTH, Comment, Report

# The id of the element showing a form's errors that belong to no visible
# field (a refused post, a reply to a vanished comment).
FORM_ERRORS_ID = "form-errors"


class BodyBoundField(BoundField):
    """After a failed post the body's box is described by what went wrong,
    also when that is no error of its own (a refusal), so a screen reader
    says it with the field. Django itself marks the box aria-invalid and
    links its own errors.

    Not autofocus: browsers ignore it on a page opened at an anchor, as the
    failed post's is (briefing.js focuses the box instead)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.form.is_bound and set(self.form.errors) - {self.name}:
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{FORM_ERRORS_ID} {described}".strip()
        return attrs


class BodyField(forms.CharField):
    """Plain text, trimmed, with line breaks as one character.

    A textarea counts a line break as one character against its maxlength but
    sends CR LF: normalised first, the 5,000 a reader sees are the 5,000 we
    count and store.
    """

    bound_field_class = BodyBoundField

    def to_python(self, value):
        if value not in self.empty_values:
            value = normalize_newlines(str(value))
        return super().to_python(value)


class CommentForm(forms.Form):
    """A comment or a reply. The author is the signed-in reader, never a field."""

    body = BodyField(
        label=_("Your comment"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX_LENGTH}),
        error_messages={
            "required": _("Write something first: a comment can't be empty."),
            "max_length": _(
                "A comment can be %(limit_value)d characters at most "
                "(it has %(show_value)d)."
            ),
        },
    )
    reply_to = forms.ModelChoiceField(
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("The comment you are replying to is not available."),
        },
    )
    # A retried or double-clicked post carries the same key and is stored once.
    idempotency_key = forms.UUIDField(
        required=False, widget=forms.HiddenInput, initial=uuid.uuid4
    )

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        # The answered comment's author is read with it: a published reply
        # notifies them (comments/notifying.py).
        self.fields["reply_to"].queryset = (
            Comment.objects.published().filter(article=article).select_related("author")
        )

    def refuse(self, message: str) -> None:
        """Show a refusal (a rate limit, a closed discussion) as the form's
        error, with the text the reader typed kept in the box."""
        self.add_error(None, message)


class EditCommentForm(forms.ModelForm):
    body = CommentForm.base_fields["body"]

    class Meta:
        model = Comment
        fields = ["body"]


class ReportForm(forms.ModelForm):
    # Declared, not generated from the model: the model field's form would
    # offer an empty "---------" choice, pre-selected, that is no reason.
    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what is wrong with this comment.")},
    )

    class Meta:
        model = Report
        fields = ["reason", "details"]
        widgets = {
            "details": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        }


def _appeal_help() -> str:
    return ngettext(
        "Up to %(limit)s character. A moderator other than the one who "
        "rejected your comment will read it.",
        "Up to %(limit)s characters. A moderator other than the one who "
        "rejected your comment will read it.",
        APPEAL_MAX_LENGTH,
    ) % {"limit": number_format(APPEAL_MAX_LENGTH, force_grouping=True)}


class AppealForm(forms.Form):
    """The author's appeal against a rejection: their words, nothing else."""

    text = BodyField(
        label=_("Why should the decision be changed?"),
        max_length=APPEAL_MAX_LENGTH,
        help_text=lazy(_appeal_help, str)(),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": APPEAL_MAX_LENGTH}),
        error_messages={
            "required": _(
                "Say why the decision should be changed: an appeal can't be empty."
            ),
            "max_length": _(
                "An appeal can be %(limit_value)d characters at most "
                "(it has %(show_value)d)."
            ),
        },
    )

    def refuse(self, message: str) -> None:
        self.add_error(None, message)
