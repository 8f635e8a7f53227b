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
    # Billing details: the buyer on invoices and e-invoices.
    legal_name = forms.CharField(
        max_length=200,
        required=False,
        label="Legal name",
        help_text="The registered company name invoices are addressed to.",
    )
    address = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Street, then postal code and city, one per line.",
    )
    country = forms.CharField(max_length=2, required=False, help_text="Two-letter ISO 3166 code, e.g. DE, GB or US.")
    vat_id = forms.CharField(max_length=40, required=False, label="VAT id", help_text="e.g. FR12345678901.")
    number = forms.CharField(
        max_length=60, required=False, label="Customer number", help_text="Your reference for this client on invoices."
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, managers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_manager_id"].choices = [("", "— unassigned —"), *managers]  # type: ignore[attr-defined]

    def clean_country(self) -> str:
        country = str(self.cleaned_data.get("country") or "").strip().upper()
        if country and not (len(country) == 2 and country.isalpha()):
            raise forms.ValidationError("Use the two-letter ISO 3166 code, e.g. DE, GB or US.")
        return country


class ContactForm(BatonForm):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=50, required=False)
    role = forms.CharField(max_length=200, required=False, label="Job title", help_text="e.g. CMO")
    is_primary = forms.BooleanField(required=False, label="Primary contact")
    is_billing = forms.BooleanField(
        required=False,
        label="Billing contact",
        help_text="Invoices sent to the client are e-mailed to every billing contact.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
