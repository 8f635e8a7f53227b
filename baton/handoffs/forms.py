"""Handoff forms: opening one, its fields (built from the handoff's own field spec), gaps, confirmation, failures."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from baton.core.forms import BatonForm
from baton.handoffs.models import FailureCategory, WalkthroughHow


class HandoffNewForm(BatonForm):
    kind = forms.ChoiceField(label="Kind of handoff")
    to_person_id = forms.TypedChoiceField(label="Receiver", coerce=int, help_text="Who takes over; they confirm it.")
    client_id = forms.TypedChoiceField(label="Client", coerce=int, required=False, empty_value=None)
    title = forms.CharField(label="Title", required=False, max_length=300, help_text="Leave empty for a default.")

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, str]],
        people: list[tuple[int, str]],
        clients: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        cast(forms.ChoiceField, self.fields["to_person_id"]).choices = [("", "—"), *people]
        cast(forms.ChoiceField, self.fields["client_id"]).choices = [("", "—"), *clients]


class HandoffFieldsForm(BatonForm):
    """One text area per field of the handoff's spec. Nothing is required to *save* a draft; sending names each
    empty required field (the service's `fields.<key>` errors land on the field)."""

    def __init__(self, *args: Any, spec: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_field_names = {}
        for item in spec:
            key = item["key"]
            help_text = item.get("help") or ""
            if item.get("kind") == "reference":
                help_text = (help_text + " A link (https://…) or an attached file (attachment:<id>).").strip()
            if item.get("required"):
                help_text = (help_text + " Required to send.").strip()
            self.fields[key] = forms.CharField(
                label=item.get("label") or key,
                help_text=help_text,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.service_field_names[f"fields.{key}"] = key
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GapsForm(BatonForm):
    gaps = forms.CharField(
        label="What do you still need?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One question per line; the owner answers them before you go on.",
    )

    def clean_gaps(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["gaps"].splitlines() if line.strip()]


class ConfirmForm(BatonForm):
    walkthrough_held = forms.BooleanField(
        label="I took part in the walkthrough meeting", required=False, help_text="Your attestation, recorded."
    )
    walkthrough_at = forms.DateTimeField(
        label="When it took place",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    walkthrough_how = forms.ChoiceField(
        label="How it took place", required=False, choices=[("", "— choose —"), *WalkthroughHow.choices]
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FailureForm(BatonForm):
    description = forms.CharField(label="What went wrong", widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ChoiceField(label="Kind of failure", choices=FailureCategory.choices)
    remediation_minutes = forms.IntegerField(label="Remediation time (minutes)", min_value=1)
    remediated_by_id = forms.TypedChoiceField(label="Remediated by", coerce=int)
    occurred_on = forms.DateField(label="Occurred on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["remediated_by_id"]).choices = people


class PeriodForm(forms.Form):
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
