"""Forms for webhooks and notification preferences; the rule editor reads its rows itself (see editor.py)."""

from __future__ import annotations

from django import forms

from baton.automation.models import EmailMode
from baton.core.forms import BatonForm


class WebhookForm(BatonForm):
    url = forms.CharField(max_length=500, label="URL", help_text="http:// or https://; Baton POSTs signed JSON here.")
    description = forms.CharField(max_length=200, required=False)
    events = forms.CharField(
        max_length=4000,
        label="Events",
        help_text="Verbs separated by spaces or commas (deal.won task.status_changed), task.* for a family, * for all.",
    )
    active = forms.BooleanField(required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PreferenceForm(BatonForm):
    email = forms.ChoiceField(choices=EmailMode.choices, label="E-mail me", initial=EmailMode.DAILY)
