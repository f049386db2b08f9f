"""Moderators' notes on readers: written from the queue (beside a reader's
comment) or here, read beside every comment of that reader in the queue.

Moderators only (the Moderators group holds add and view); a note is kept as
it was written, never edited or deleted here.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from briefing.accounts.models import User

from .. import moderation
from ..models import NOTE_MAX_LENGTH, ModeratorNote
from .pagination import CappedCountPaginator
from .sanctions import ReaderField

NOTE_LABEL = _("Note for the other moderators (the reader never sees it)")


class NoteForm(forms.Form):
    """A note from the queue's row: the reader is the comment's author."""

    text = forms.CharField(
        label=NOTE_LABEL,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteAddForm(forms.ModelForm):
    reader = ReaderField(label=_("Reader (username)"))

    class Meta:
        model = ModeratorNote
        fields = ["reader", "text"]
        labels = {"text": NOTE_LABEL}


@admin.register(ModeratorNote)
class ModeratorNoteAdmin(admin.ModelAdmin):
    list_display = ["reader", "text", "author", "created_at"]
    list_filter = [("created_at", admin.DateFieldListFilter)]
    search_fields = ["=reader__username"]
    search_help_text = _("A reader's exact username.")
    list_select_related = ["reader", "author"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    form = NoteAddForm

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["reader", "text"]
        return ["reader", "text", "author", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["reader", "text", "author", "created_at"]

    def get_changeform_initial_data(self, request):
        """`?reader=<id>` (the link on a comment's page) names the reader."""
        initial = super().get_changeform_initial_data(request)
        reader = request.GET.get("reader", "")
        initial["reader"] = (
            User.objects.filter(pk=reader).values_list("username", flat=True).first()
            if reader.isascii() and reader.isdigit()
            else None
        )
        return initial

    def save_model(self, request, obj, form, change):
        note = moderation.note_reader(obj.reader, request.user, obj.text)
        # The admin goes on with `obj` (its log entry, its redirect).
        obj.pk = note.pk
        obj.author = note.author
        obj.created_at = note.created_at
        obj._state.adding = False
