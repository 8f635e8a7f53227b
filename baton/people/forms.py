from __future__ import annotations

from typing import Any

from django import forms

from baton.core.forms import BatonForm
from baton.core.models import Role

WEEKDAYS = [(1, "Mon"), (2, "Tue"), (3, "Wed"), (4, "Thu"), (5, "Fri"), (6, "Sat"), (7, "Sun")]


class PersonForm(BatonForm):
    name = forms.CharField(max_length=200)
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
    title = forms.CharField(max_length=200, required=False)
    weekly_capacity_minutes = forms.IntegerField(
        min_value=0,
        max_value=10080,
        initial=2400,
        label="Weekly capacity (minutes)",
        help_text="2400 minutes = 40 hours.",
    )
    working_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        initial=[1, 2, 3, 4, 5],
        widget=forms.CheckboxSelectMultiple,
    )
    cost_rate = forms.DecimalField(
        min_value=0, max_digits=10, decimal_places=2, initial="0.00", label="Cost rate (per hour)"
    )
    bill_rate = forms.DecimalField(
        min_value=0, max_digits=10, decimal_places=2, initial="0.00", label="Bill rate (per hour)"
    )
    skills = forms.CharField(required=False, help_text="Comma-separated, e.g. design, copywriting.")
    client_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Client (portal users only)")
    lead_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Reports to", help_text="Their lead."
    )
    resource_manager = forms.BooleanField(
        required=False, label="Resource manager", help_text="Plans the team's time: the resources home, books people."
    )
    active = forms.BooleanField(required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, clients: list[tuple[int, str]], leads: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client_id"].choices = [("", "—"), *clients]  # type: ignore[attr-defined]
        self.fields["lead_id"].choices = [("", "—"), *(leads or [])]  # type: ignore[attr-defined]

    def clean_skills(self) -> list[str]:
        raw = self.cleaned_data.get("skills") or ""
        return [s.strip() for s in raw.split(",") if s.strip()]
