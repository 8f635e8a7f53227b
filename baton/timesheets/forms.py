"""Forms for time: an entry, a rejection reason, and the hours people type into the grid."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.urls import reverse

from baton.core.forms import BatonForm

_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)$")
_MINUTES = re.compile(r"^(\d{1,4})\s*m(in)?$")


def parse_hours(text: str) -> int:
    """What people type for a duration, in minutes: "1.5" or "1,5" (hours), "1:30", "90m". Empty means 0."""
    value = (text or "").strip().lower().replace(",", ".").removesuffix("h").strip()
    if not value:
        return 0
    clock = _CLOCK.match(value)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    mins = _MINUTES.match(value)
    if mins:
        return int(mins.group(1))
    try:
        hours = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError("Type hours like 1.5, 1:30 or 90m.") from exc
    if not hours.is_finite() or hours < 0:
        raise ValueError("Type hours like 1.5, 1:30 or 90m.")
    minutes = int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP))
    if minutes > 24 * 60:
        raise ValueError("A day has 24 hours.")
    return minutes


def format_hours(minutes: int | None) -> str:
    """Minutes as "h:mm" for the grid (0 → empty)."""
    if not minutes:
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"


class HoursField(forms.CharField):
    def to_python(self, value: Any) -> int:  # type: ignore[override]
        try:
            return parse_hours(str(value or ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class TimeEntryForm(BatonForm):
    person_id = forms.TypedChoiceField(coerce=int, label="Person")
    project_id = forms.TypedChoiceField(coerce=int, label="Project")
    task_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Task")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    minutes = HoursField(label="Hours", help_text="1.5, 1:30 or 90m")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    billable = forms.TypedChoiceField(
        choices=[("", "The project's default"), ("1", "Billable"), ("0", "Not billable")],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=None,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        projects: list[tuple[int, str]],
        tasks: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_id"].choices = people  # type: ignore[attr-defined]
        self.fields["project_id"].choices = [("", "Choose a project"), *projects]  # type: ignore[attr-defined]
        self.fields["task_id"].choices = [("", "- no task -"), *tasks]  # type: ignore[attr-defined]

        self.fields["project_id"].widget.attrs.update(
            {
                "hx-get": reverse("timesheets:task_options"),
                "hx-target": "#id_task_id",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        if len(people) == 1:
            self.fields["person_id"].widget = forms.HiddenInput()


class ReasonForm(BatonForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
