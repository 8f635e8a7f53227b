"""Forms of the growth pages. They only collect input; the services validate and name the bad fields."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from baton.core.forms import BatonForm
from baton.growth.models import Behaviour, Polarity, PracticeScenario, Trait

SCORE_CHOICES = [("", "—"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")]


def score_field_name(key: str) -> str:
    return "score__" + key.replace(".", "__")


class EvidenceNoteForm(BatonForm):
    behaviour = forms.ChoiceField(label="Behaviour")
    polarity = forms.ChoiceField(choices=Polarity.choices, initial=Polarity.POSITIVE, label="Kind")
    summary = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}), label="What happened")

    def __init__(self, *args: Any, behaviours: list[Behaviour], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["behaviour"].choices = [(b.key, f"{b.trait.name} · {b.name}") for b in behaviours]  # type: ignore[attr-defined]


class AssessmentForm(BatonForm):
    """One 1-5 choice per behaviour (blank: not scored), and a note."""

    service_field_names: dict[str, str] = {}

    def __init__(self, *args: Any, behaviours: list[Behaviour], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.behaviours = behaviours
        self.service_field_names = {f"scores.{b.key}": score_field_name(b.key) for b in behaviours}
        for b in behaviours:
            self.fields[score_field_name(b.key)] = forms.ChoiceField(
                choices=SCORE_CHOICES, required=False, label=b.name, help_text=b.description
            )
        self.fields["note"] = forms.CharField(
            required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Note for the period"
        )

    def scores(self) -> dict[str, int]:
        return {
            b.key: int(self.cleaned_data[score_field_name(b.key)])
            for b in self.behaviours
            if self.cleaned_data.get(score_field_name(b.key))
        }


class GoalForm(BatonForm):
    trait = forms.ChoiceField(label="Trait")
    title = forms.CharField(max_length=200, label="Goal")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due")
    actions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Actions", help_text="One per line."
    )

    def __init__(self, *args: Any, traits: list[Trait], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trait"].choices = [(t.key, t.name) for t in traits]  # type: ignore[attr-defined]


class GoalActionForm(BatonForm):
    text = forms.CharField(max_length=300, label="Action")
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due")


class CheckInForm(BatonForm):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Check-in")
    on_track = forms.BooleanField(required=False, initial=True, label="On track")


class PracticeLogForm(BatonForm):
    scenario = forms.ModelChoiceField(queryset=PracticeScenario.objects.none(), label="Scenario")
    practised_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Practised on")
    partner = forms.ChoiceField(required=False, label="Practised with", help_text="They can rate the session.")
    reflection = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What I noticed")
    service_field_names = {"scenario_id": "scenario", "partner_id": "partner"}

    def __init__(self, *args: Any, scenarios: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = scenarios  # type: ignore[attr-defined]
        self.fields["partner"].choices = [("", "—"), *[(str(pk), name) for pk, name in people]]  # type: ignore[attr-defined]


class TraitScoresForm(BatonForm):
    """1-5 per trait (practice ratings) or a feedback text per trait (project reviews)."""

    def __init__(self, *args: Any, traits: list[Trait], text: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.traits = traits
        for t in traits:
            if text:
                self.fields[t.key] = forms.CharField(
                    required=False, widget=forms.Textarea(attrs={"rows": 2}), label=t.name
                )
            else:
                self.fields[t.key] = forms.ChoiceField(choices=SCORE_CHOICES, required=False, label=t.name)
        if not text:
            self.fields["feedback"] = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def scores(self) -> dict[str, int]:
        return {t.key: int(self.cleaned_data[t.key]) for t in self.traits if self.cleaned_data.get(t.key)}

    def texts(self) -> dict[str, str]:
        return {t.key: self.cleaned_data.get(t.key) or "" for t in self.traits}


class TraitForm(BatonForm):
    name = forms.CharField(max_length=100)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BehaviourForm(BatonForm):
    name = forms.CharField(max_length=100)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    level_1 = forms.CharField(required=False, label="Level 1 looks like")
    level_2 = forms.CharField(required=False, label="Level 2 looks like")
    level_3 = forms.CharField(required=False, label="Level 3 looks like")
    level_4 = forms.CharField(required=False, label="Level 4 looks like")
    level_5 = forms.CharField(required=False, label="Level 5 looks like")
    active = forms.BooleanField(required=False, initial=True, label="Assessed")

    def levels(self) -> dict[str, str]:
        return {str(i): self.cleaned_data.get(f"level_{i}") or "" for i in range(1, 6)}


class RuleForm(BatonForm):
    name = forms.CharField(max_length=200)
    verb = forms.CharField(max_length=80, help_text="The event verb, e.g. touchpoint.logged.")
    conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text='JSON list of {"field", "op", "value"}, e.g. [{"field": "data.first_time", "op": "eq", '
        '"value": true}].',
    )
    credit = forms.CharField(
        max_length=80, initial="actor", help_text="actor, client_account_manager, or data.<key> naming a person id."
    )
    behaviour = forms.ChoiceField()
    polarity = forms.ChoiceField(choices=Polarity.choices)
    summary_template = forms.CharField(
        required=False, max_length=300, help_text="E.g. Sent a status update ({target_label}); {data.<key>} fills in."
    )
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, behaviours: list[Behaviour], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["behaviour"].choices = [(b.key, b.key) for b in behaviours]  # type: ignore[attr-defined]

    def clean_conditions(self) -> list[Any]:
        raw = (self.cleaned_data.get("conditions") or "").strip()
        if not raw:
            return []
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError("Write the conditions as JSON.") from exc
        if not isinstance(value, list):
            raise forms.ValidationError("Conditions are a JSON list.")
        return value


class ScenarioForm(BatonForm):
    title = forms.CharField(max_length=200)
    situation = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(required=False, initial=True, label="In the library")

    def __init__(self, *args: Any, traits: list[Trait], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.traits = traits
        for t in traits:
            self.fields[f"rubric_{t.key}"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 2}), label=f"Good {t.name.lower()} looks like"
            )

    def rubric(self) -> dict[str, str]:
        return {t.key: self.cleaned_data.get(f"rubric_{t.key}") or "" for t in self.traits}
