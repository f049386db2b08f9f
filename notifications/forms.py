from django import forms

from .models import EmailPreference, Kind


class EmailSettingsForm(forms.Form):
    """One switch per kind: does it reach the reader by e-mail?"""

    def __init__(self, *args, reader, **kwargs):
        super().__init__(*args, **kwargs)
        self.reader = reader
        mailed = EmailPreference.objects.mailed_kinds(reader)
        for kind in Kind:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label, required=False, initial=mailed[kind]
            )

    def save(self) -> None:
        for kind in Kind:
            EmailPreference.objects.choose(
                self.reader, kind, self.cleaned_data[kind.value]
            )
