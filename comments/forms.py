import uuid

from django import forms
from django.utils.text import normalize_newlines

from .models import BODY_MAX_LENGTH, Comment, Report


class BodyField(forms.CharField):
    """Plain text, trimmed, with line breaks as one character.

    A textarea counts a line break as one character against its maxlength but
    sends CR LF: normalised first, the 5,000 a reader sees are the 5,000 we
    count and store.
    """

    def to_python(self, value):
        if value not in self.empty_values:
            value = normalize_newlines(str(value))
        return super().to_python(value)


class CommentForm(forms.Form):
    """A comment or a reply. The author is the signed-in reader, never a field."""

    body = BodyField(
        label="Your comment",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX_LENGTH}),
        error_messages={
            "required": "Write something first: a comment can't be empty.",
            "max_length": "A comment can be %(limit_value)d characters at most "
            "(it has %(show_value)d).",
        },
    )
    reply_to = forms.ModelChoiceField(
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "The comment you are replying to is not available.",
        },
    )
    # A retried or double-clicked post carries the same key and is stored once.
    idempotency_key = forms.UUIDField(
        required=False, widget=forms.HiddenInput, initial=uuid.uuid4
    )

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_to"].queryset = Comment.objects.published().filter(
            article=article
        )


class EditCommentForm(forms.ModelForm):
    body = CommentForm.base_fields["body"]

    class Meta:
        model = Comment
        fields = ["body"]


class ReportForm(forms.ModelForm):
    # Declared, not generated from the model: the model field's form would
    # offer an empty "---------" choice, pre-selected, that is no reason.
    reason = forms.ChoiceField(
        label="What is wrong with this comment?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong with this comment."},
    )

    class Meta:
        model = Report
        fields = ["reason", "details"]
        widgets = {
            "details": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        }
