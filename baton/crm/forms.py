from __future__ import annotations

from typing import Any

from django import forms

from baton.core.forms import BatonForm
from baton.crm.models import ClientStatus


class ClientForm(BatonForm):
    name = forms.CharField(max_length=200)
    status = forms.ChoiceField(choices=ClientStatus.choices, initial=ClientStatus.ACTIVE)
    account_manager_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Account manager")
    currency = forms.CharField(max_length=3, required=False, help_text="ISO 4217, e.g. USD. Empty: the workspace's.")
    industry = forms.CharField(max_length=100, required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, managers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_manager_id"].choices = [("", "— unassigned —"), *managers]  # type: ignore[attr-defined]


class ContactForm(BatonForm):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=50, required=False)
    role = forms.CharField(max_length=200, required=False, label="Job title", help_text="e.g. CMO")
    is_primary = forms.BooleanField(required=False, label="Primary contact")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
