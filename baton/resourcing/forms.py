from __future__ import annotations

from typing import Any

from django import forms

from baton.core.forms import BatonForm
from baton.resourcing.models import OverbookingMode, TimeOffKind

WEEKDAYS = [(1, "Mon"), (2, "Tue"), (3, "Wed"), (4, "Thu"), (5, "Fri"), (6, "Sat"), (7, "Sun")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _choices(field: forms.Field, choices: list[tuple[Any, str]], empty: str | None) -> None:
    field.choices = ([("", empty)] if empty is not None else []) + list(choices)  # type: ignore[attr-defined]


class BookingForm(BatonForm):
    person_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Person", help_text="Leave empty for a placeholder."
    )
    project_id = forms.TypedChoiceField(coerce=int, label="Project")
    start_date = forms.DateField(widget=DateInput(), label="From")
    end_date = forms.DateField(widget=DateInput(), label="To")
    minutes_per_day = forms.IntegerField(
        required=False, min_value=1, max_value=1440, label="Minutes a day", help_text="480 = 8 hours."
    )
    total_minutes = forms.IntegerField(
        required=False, min_value=1, label="Or minutes in all", help_text="Spread over the working days in range."
    )
    tentative = forms.BooleanField(required=False)
    role = forms.CharField(max_length=100, required=False, help_text="For a placeholder, e.g. Designer.")
    skill = forms.CharField(max_length=100, required=False, help_text="e.g. react")
    note = forms.CharField(max_length=500, required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], projects: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["person_id"], people, "— placeholder (nobody yet) —")
        _choices(self.fields["project_id"], projects, "— choose a project —")


class MoveForm(BatonForm):
    start_date = forms.DateField(widget=DateInput(), label="New start")
    person_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Move to", help_text="Empty: keep the same person."
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["person_id"], people, "— same person —")


class ResizeForm(BatonForm):
    start_date = forms.DateField(widget=DateInput(), label="Starts")
    end_date = forms.DateField(widget=DateInput(), label="Ends")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SplitForm(BatonForm):
    date = forms.DateField(widget=DateInput(), label="Split on", help_text="The second part starts this day.")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TimeOffForm(BatonForm):
    person_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Person")
    start_date = forms.DateField(widget=DateInput(), label="From")
    end_date = forms.DateField(widget=DateInput(), label="To")
    minutes_per_day = forms.IntegerField(
        required=False, min_value=1, max_value=1440, label="Minutes a day", help_text="Empty: the whole day."
    )
    kind = forms.ChoiceField(choices=TimeOffKind.choices, initial=TimeOffKind.VACATION)
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person_id"]
        else:
            _choices(self.fields["person_id"], people, "— myself —")


class TimeOffImportForm(BatonForm):
    file = forms.FileField(label="Calendar file (.ics)")
    person_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Person")
    kind = forms.ChoiceField(
        choices=TimeOffKind.choices, initial=TimeOffKind.VACATION, help_text="For events whose title does not say."
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person_id"]
        else:
            _choices(self.fields["person_id"], people, "— myself —")


class FindForm(BatonForm):
    skill = forms.CharField(max_length=100, required=False)
    start = forms.DateField(widget=DateInput(), label="From")
    end = forms.DateField(widget=DateInput(), label="To")
    minutes_per_day = forms.IntegerField(
        required=False, min_value=1, max_value=1440, label="Minutes a day", help_text="Empty: a whole working day."
    )


class SettingsForm(BatonForm):
    holiday_country = forms.CharField(
        max_length=2, required=False, label="Public holidays of", help_text="ISO country code, e.g. US. Empty: none."
    )
    holiday_subdivision = forms.CharField(max_length=10, required=False, label="State or region", help_text="e.g. CA")
    overbooking_mode = forms.ChoiceField(choices=OverbookingMode.choices, label="When someone is overbooked")
    utilization_target_pct = forms.IntegerField(min_value=0, max_value=100, label="Utilization target (%)")
    billable_target_pct = forms.IntegerField(min_value=0, max_value=100, label="Billable target (%)")
    missing_time_reminders = forms.BooleanField(
        required=False,
        label="Remind people of missing time",
        help_text="The next working morning (09:00 here), anyone who logged less than the threshold of their capacity "
        "on their previous working day or week gets a reminder, by their notification preference.",
    )
    missing_time_threshold_pct = forms.IntegerField(
        min_value=1,
        max_value=100,
        required=False,  # left out of a post: unchanged
        label="Missing time below (% of capacity)",
        help_text="e.g. 80.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HolidayForm(BatonForm):
    date = forms.DateField(widget=DateInput())
    name = forms.CharField(max_length=200)


class CapacityForm(BatonForm):
    person_id = forms.TypedChoiceField(coerce=int, label="Person")
    effective_from = forms.DateField(widget=DateInput(), label="From")
    weekly_capacity_minutes = forms.IntegerField(
        min_value=0, max_value=10080, label="Minutes a week", help_text="2400 = 40 hours."
    )
    working_days = forms.TypedMultipleChoiceField(
        coerce=int, choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple, label="Working days"
    )
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["person_id"], people, "— choose —")
