from __future__ import annotations

from typing import Any

from django import forms

from baton.core.forms import BatonForm
from baton.knowledge.models import BRIEF_SECTIONS, REQUIRED_BRIEF_SECTIONS, SECTION_LABELS, Attitude, Influence

TEXTAREA = {"rows": 3}


class KnowledgeForm(BatonForm):
    preferences = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="How they like to work: channels, formats, timing, taste.",
    )
    sensitivities = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Brand and political sensitivities: what never to do or say.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class StakeholderForm(BatonForm):
    influence = forms.ChoiceField(choices=Influence.choices, initial=Influence.MEDIUM, help_text="On decisions.")
    attitude = forms.ChoiceField(choices=Attitude.choices, initial=Attitude.NEUTRAL, help_text="Towards the agency.")
    notes = forms.CharField(widget=forms.Textarea(attrs=TEXTAREA), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DecisionForm(BatonForm):
    title = forms.CharField(max_length=300)
    decision = forms.CharField(widget=forms.Textarea(attrs=TEXTAREA), help_text="What was decided.")
    rationale = forms.CharField(widget=forms.Textarea(attrs=TEXTAREA), required=False, help_text="Why.")
    alternatives_rejected = forms.CharField(
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
        label="Alternatives rejected",
        help_text="One per line: what was considered and not chosen.",
    )
    decided_by = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Decided by (agency)")
    decided_by_contact_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Decided by (client contact)"
    )
    decided_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    project_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Project")
    internal = forms.BooleanField(
        required=False,
        label="Internal to the account team",
        help_text="Never shown to the client: not in the portal, status updates or reports.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        contacts: list[tuple[int, str]],
        projects: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].choices = [("", "—"), *people]  # type: ignore[attr-defined]
        self.fields["decided_by_contact_id"].choices = [("", "—"), *contacts]  # type: ignore[attr-defined]
        self.fields["project_id"].choices = [("", "— the whole account —"), *projects]  # type: ignore[attr-defined]

    def clean_alternatives_rejected(self) -> list[str]:
        text = self.cleaned_data.get("alternatives_rejected") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class BriefForm(BatonForm):
    title = forms.CharField(max_length=300, required=False, help_text="Empty: “Brief: <project or task>”.")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, projects: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if projects is not None:
            self.fields["project_id"] = forms.TypedChoiceField(coerce=int, choices=projects, label="Project")
            self.order_fields(["project_id", "title"])
        for name in BRIEF_SECTIONS:
            required = name in REQUIRED_BRIEF_SECTIONS
            self.fields[name] = forms.CharField(
                label=SECTION_LABELS[name],
                widget=forms.Textarea(attrs=TEXTAREA),
                required=False,
                help_text="Required before approval." if required else "",
            )


class CommentForm(BatonForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=10000,
        label="Comment",
        help_text="Mention someone with @First Last or @email.",
    )
    internal = forms.BooleanField(required=False, label="Internal (hidden from the client)")


class AttachmentForm(BatonForm):
    file = forms.FileField(help_text="PDF, images, text, CSV or Office documents; at most 10 MB.")
