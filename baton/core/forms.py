"""Form helpers: service validation errors land on the field they name."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from baton.core import formats
from baton.core.validators import DATE_RANGE_MESSAGE, date_in_range


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form: on the named field when the form has it, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    renames: dict[str, str] = getattr(form, "service_field_names", {})
    for service_field, errors in exc.message_dict.items():
        field = renames.get(service_field, service_field)
        target = field if field in form.fields else None
        for message in errors:
            if target is None and field not in (NON_FIELD_ERRORS,):
                message = f"{field.replace('_', ' ')}: {message}"
            form.add_error(target, message)


class BatonForm(forms.Form):
    """A form whose invalid fields point screen readers at their error (and help) text."""

    # Service field -> form field, where the form asks in other units (e.g. estimate_minutes -> estimate_hours).
    service_field_names: dict[str, str] = {}

    def _clean_fields(self) -> None:
        # Every date a page takes lies in the accepted range (core.validators), checked before the form's clean().
        super()._clean_fields()  # type: ignore[misc]  # Django's own step, typed private in django-stubs
        for name in list(self.cleaned_data):
            value = self.cleaned_data[name]
            if isinstance(value, date) and not date_in_range(value):
                self.add_error(name, DATE_RANGE_MESSAGE)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name not in self.fields:
                continue
            auto_id = self[name].auto_id
            described = [f"{auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{auto_id}_helptext")
            attrs = self.fields[name].widget.attrs
            attrs["aria-describedby"] = " ".join(described)
            attrs["aria-invalid"] = "true"


class LoginForm(BatonForm):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class WorkspaceSettingsForm(BatonForm):
    name = forms.CharField(label="Workspace name", max_length=200)
    currency = forms.CharField(
        label="Base currency",
        min_length=3,
        max_length=3,
        help_text="ISO 4217 code. Fixed once any money exists (a rate, an entry with an amount, an expense, a budget, "
        "an invoice).",
    )
    locale = forms.ChoiceField(
        label="Dates and numbers",
        choices=formats.LOCALE_CHOICES,
        required=False,  # left out of a post: unchanged
        help_text="How Baton writes dates, money and numbers for everyone in this workspace.",
    )
    max_portfolio_size = forms.IntegerField(label="Clients per account manager (at most)", min_value=1, max_value=100)
    two_factor_required = forms.BooleanField(
        label="Require two-factor sign-in for owners, admins and finance",
        required=False,
        help_text="They set up an authenticator app at their next sign-in and cannot use Baton until they have.",
    )
    process_changes_need_approval = forms.BooleanField(
        label="Process changes need an owner's approval",
        required=False,
        help_text="Changes to handoff templates, automation rules, communication protocols and the onboarding plan by "
        "anyone but an owner wait under Pending approval until an owner approves or rejects them.",
    )
    # Billing details: the seller on every invoice, credit note and e-invoice.
    legal_name = forms.CharField(
        label="Legal name", max_length=200, required=False, help_text="The registered company name on invoices."
    )
    address = forms.CharField(
        label="Address",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Street, then postal code and city, one per line.",
    )
    country = forms.CharField(
        label="Country", max_length=2, required=False, help_text="Two-letter ISO 3166 code, e.g. DE, GB or US."
    )
    vat_id = forms.CharField(label="VAT id", max_length=40, required=False, help_text="e.g. DE123456789.")
    bank_name = forms.CharField(label="Bank", max_length=200, required=False)
    iban = forms.CharField(label="IBAN", max_length=42, required=False, help_text="The account clients pay into.")
    bic = forms.CharField(label="BIC", max_length=11, required=False)
    payment_terms_days = forms.IntegerField(
        label="Payment terms (days)",
        min_value=0,
        max_value=365,
        required=False,  # left out of a post: unchanged
        help_text="Days from an invoice's issue to its due date.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    BILLING_FIELDS = ("legal_name", "address", "country", "vat_id", "bank_name", "iban", "bic", "payment_terms_days")

    def general_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name not in self.BILLING_FIELDS]

    def billing_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.BILLING_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = (self.initial or {}).get("locale")
        field = self.fields["locale"]
        assert isinstance(field, forms.ChoiceField)
        if current and current not in dict(formats.LOCALE_CHOICES):  # set through the API: offered as it is
            field.choices = [*formats.LOCALE_CHOICES, (current, current)]

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).strip().upper()

    def clean_locale(self) -> str | None:
        return self.cleaned_data.get("locale") or None


class DurationStyleForm(BatonForm):
    duration_style = forms.ChoiceField(
        label="Durations",
        choices=[("hm", "Hours and minutes: 1 h 30 min, 1:30 in tables"), ("decimal", "Decimal hours: 1.5 h")],
        help_text="How Baton writes time logged, budgets and estimates for you.",
    )


class CodeForm(BatonForm):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off"}),
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
    )
