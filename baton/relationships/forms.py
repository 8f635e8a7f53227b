"""Forms of the account management pages (the services validate; these only shape the input)."""

from __future__ import annotations

from typing import Any

from django import forms

from baton.core.forms import BatonForm
from baton.relationships.models import MeetingKind, TouchpointKind


class DealForm(BatonForm):
    client_id = forms.TypedChoiceField(label="Client", coerce=int)
    name = forms.CharField(max_length=200)
    value = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, initial=0)
    stage = forms.ChoiceField(
        choices=[("lead", "Lead"), ("qualified", "Qualified"), ("proposal", "Proposal"), ("negotiation", "Negotiation")]
    )
    probability = forms.IntegerField(min_value=0, max_value=100, required=False, help_text="Empty: the stage's usual.")
    expected_close = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expected_effort_minutes = forms.IntegerField(
        min_value=0, required=False, initial=0, label="Expected effort (minutes)"
    )
    effort_role = forms.CharField(
        max_length=100, required=False, label="Skill or role needed", help_text="E.g. design: shows the free capacity."
    )
    effort_weeks = forms.IntegerField(min_value=1, max_value=104, required=False, initial=4, label="Over weeks")
    recurring = forms.BooleanField(required=False, label="Recurring (a retainer)")
    term_months = forms.IntegerField(
        min_value=1,
        max_value=120,
        required=False,
        initial=12,
        label="Term (months)",
        help_text="The value is the whole term's.",
    )
    service = forms.CharField(max_length=100, required=False, label="Service line")
    primary_goals = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, clients: list[tuple[int, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["client_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(clients)


class ProtocolForm(BatonForm):
    channels = forms.CharField(required=False, help_text="Comma-separated: email, phone, video, slack.")
    response_time_hours = forms.IntegerField(min_value=1, max_value=720)
    update_every_days = forms.IntegerField(min_value=1, max_value=365)
    meeting_every_days = forms.IntegerField(min_value=1, max_value=365)
    strategic_review_every_days = forms.IntegerField(min_value=1, max_value=730)
    onboarding_started_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    share_budget_with_client = forms.BooleanField(required=False, label="Show budget figures in the client portal")


class TouchpointForm(BatonForm):
    kind = forms.ChoiceField(choices=TouchpointKind.choices)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    discussed = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attendees = forms.CharField(required=False, help_text="Comma-separated names.")
    sentiment = forms.ChoiceField(
        required=False, choices=[("", "—"), ("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")]
    )
    agenda_prepared = forms.BooleanField(required=False)
    next_step = forms.CharField(required=False, label="Next step", max_length=500)
    next_step_due = forms.DateField(
        required=False, label="Next step due", widget=forms.DateInput(attrs={"type": "date"})
    )


class StatusUpdateForm(BatonForm):
    subject = forms.CharField(max_length=300)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 18}))
    recipients = forms.CharField(required=False, help_text="Comma-separated e-mail addresses.")


class GoalForm(BatonForm):
    title = forms.CharField(max_length=200)
    metric = forms.CharField(max_length=200)
    unit = forms.CharField(max_length=30, required=False)
    baseline = forms.DecimalField(max_digits=16, decimal_places=2, initial=0)
    target = forms.DecimalField(max_digits=16, decimal_places=2)
    target_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    lower_is_better = forms.BooleanField(
        required=False, label="Lower is better", help_text="A cost such as CPA: progress is target ÷ latest value."
    )


class OpportunityForm(BatonForm):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=[("upsell", "Upsell"), ("cross_sell", "Cross-sell")])
    value = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, initial=0)


class MeetingForm(BatonForm):
    kind = forms.ChoiceField(choices=MeetingKind.choices, initial=MeetingKind.MEETING)
    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    duration_minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=24 * 60, initial=60)
    contacts = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Client attendees")
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, client: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if client is not None:
            choices = [(str(c.pk), c.name) for c in client.contacts.order_by("name")]
            self.fields["contacts"].choices = choices  # type: ignore[attr-defined]


class RecapForm(BatonForm):
    subject = forms.CharField(max_length=300)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}))
    recipients = forms.CharField(required=False, help_text="Comma-separated e-mail addresses.")


class QbrProposalForm(BatonForm):
    proposal = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), label="Next quarter's proposal")
    client_facing = forms.BooleanField(required=False, initial=True, label="Client-facing version")


def _day(required: bool = False) -> forms.DateField:
    return forms.DateField(required=required, widget=forms.DateInput(attrs={"type": "date"}))


class EngagementForm(BatonForm):
    name = forms.CharField(max_length=200)
    service = forms.CharField(max_length=100, required=False)
    start_date = _day(required=True)
    end_date = _day()
    renewal_date = _day()
    value = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, initial=0, help_text="Over the whole term."
    )
    recurring = forms.BooleanField(required=False, help_text="A retainer: its monthly value counts in retention.")
    notice_days = forms.IntegerField(min_value=0, max_value=3650, initial=30)


class RenewForm(BatonForm):
    end_date = _day()
    renewal_date = _day()
    value = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, help_text="Empty: the same value."
    )


class StopForm(BatonForm):
    ended_on = _day()
    reason = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
