"""Forms for the delivery pages. Durations are entered in hours and stored as whole minutes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from baton.core.forms import BatonForm
from baton.delivery.models import Billing, MilestoneStatus, ProjectStatus, TaskStatus

Choices = list[tuple[Any, str]]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def hours_to_minutes(hours: Decimal | None) -> int | None:
    return None if hours is None else int((hours * 60).to_integral_value())


def minutes_to_hours(minutes: int | None) -> Decimal | None:
    """Minutes as hours for a form field: 6000 -> 100, 90 -> 1.5 (never "1E+2", which `normalize` alone gives)."""
    if minutes is None:
        return None
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize()
    return hours.quantize(Decimal(1)) if hours == hours.to_integral_value() else hours


def _hours(label: str, help_text: str = "", required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=Decimal("0"), max_digits=9, decimal_places=2, help_text=help_text
    )


RENAMED = {
    "budget_minutes": "budget_hours",
    "period_budget_minutes": "period_budget_hours",
    "estimate_minutes": "estimate_hours",
}


class ProjectForm(BatonForm):
    service_field_names = RENAMED
    client_id = forms.TypedChoiceField(coerce=int, label="Client")
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    status = forms.ChoiceField(choices=ProjectStatus.choices, initial=ProjectStatus.PLANNED)
    billing = forms.ChoiceField(choices=Billing.choices, initial=Billing.TIME_AND_MATERIALS)
    currency = forms.CharField(max_length=3, required=False, help_text="ISO 4217, e.g. USD. Empty: the client's.")
    budget_amount = forms.DecimalField(
        label="Budget amount", required=False, min_value=Decimal("0"), max_digits=14, decimal_places=2
    )
    budget_hours = _hours("Budget (hours)")
    retainer_period = forms.ChoiceField(
        choices=[("", "—"), ("month", "Month")], required=False, label="Retainer period", help_text="Retainers only."
    )
    period_budget_amount = forms.DecimalField(
        label="Budget per period", required=False, min_value=Decimal("0"), max_digits=14, decimal_places=2
    )
    period_budget_hours = _hours("Hours per period")
    start_date = forms.DateField(required=False, widget=DATE)
    end_date = forms.DateField(required=False, widget=DATE)
    project_manager_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Project manager")
    member_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Team", widget=forms.SelectMultiple(attrs={"size": 6})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, clients: Choices, people: Choices, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client_id"].choices = [("", "— choose —"), *clients]  # type: ignore[attr-defined]
        self.fields["project_manager_id"].choices = [("", "— none —"), *people]  # type: ignore[attr-defined]
        self.fields["member_ids"].choices = people  # type: ignore[attr-defined]
        if editing:
            del self.fields["status"]  # changed with the workflow buttons on the project page

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["budget_minutes"] = hours_to_minutes(data.pop("budget_hours")) or 0
        data["period_budget_minutes"] = hours_to_minutes(data.pop("period_budget_hours"))
        data["budget_amount"] = data.get("budget_amount") or Decimal("0")
        data["currency"] = data.get("currency") or None
        return data


class FromTemplateForm(BatonForm):
    template_id = forms.TypedChoiceField(coerce=int, label="Template")
    client_id = forms.TypedChoiceField(coerce=int, label="Client")
    name = forms.CharField(max_length=200)
    start_date = forms.DateField(widget=DATE, help_text="Every date of the template counts from here.")
    project_manager_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Project manager")
    budget_amount = forms.DecimalField(
        label="Budget amount", required=False, min_value=Decimal("0"), max_digits=14, decimal_places=2
    )

    def __init__(self, *args: Any, templates: Choices, clients: Choices, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template_id"].choices = [("", "— choose —"), *templates]  # type: ignore[attr-defined]
        self.fields["client_id"].choices = [("", "— choose —"), *clients]  # type: ignore[attr-defined]
        self.fields["project_manager_id"].choices = [("", "— none —"), *people]  # type: ignore[attr-defined]


class SaveAsTemplateForm(BatonForm):
    name = forms.CharField(max_length=200, label="Template name")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MilestoneForm(BatonForm):
    name = forms.CharField(max_length=200)
    due_date = forms.DateField(required=False, widget=DATE)
    status = forms.ChoiceField(choices=MilestoneStatus.choices, initial=MilestoneStatus.OPEN)
    amount = forms.DecimalField(
        required=False, min_value=Decimal("0"), max_digits=14, decimal_places=2, help_text="For milestone billing."
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TaskForm(BatonForm):
    service_field_names = RENAMED
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    status = forms.ChoiceField(choices=TaskStatus.choices, initial=TaskStatus.TODO)
    milestone_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Milestone")
    assignee_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Assignee")
    estimate_hours = _hours("Estimate (hours)")
    start_date = forms.DateField(required=False, widget=DATE)
    due_date = forms.DateField(required=False, widget=DATE)
    tags = forms.CharField(required=False, help_text="Separate with commas.")
    depends_on = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Depends on",
        help_text="Tasks that must be done before this one starts.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    requires_approved_brief = forms.BooleanField(
        required=False,
        label="Requires an approved brief",
        help_text="It starts only once its brief (or the project's) is approved.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        milestones: Choices,
        people: Choices,
        tasks: Choices,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone_id"].choices = [("", "— none —"), *milestones]  # type: ignore[attr-defined]
        self.fields["assignee_id"].choices = [("", "— unassigned —"), *people]  # type: ignore[attr-defined]
        self.fields["depends_on"].choices = tasks  # type: ignore[attr-defined]
        if editing:
            del self.fields["status"]  # moved on the board or with the status control

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["estimate_minutes"] = hours_to_minutes(data.pop("estimate_hours")) or 0
        data["tags"] = [t.strip() for t in (data.get("tags") or "").split(",") if t.strip()]
        return data


class AssigneeTaskForm(BatonForm):
    """What the assignee of a task may change when it does not edit the project."""

    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_data(self) -> dict[str, Any]:
        return {"description": self.cleaned_data.get("description") or ""}
