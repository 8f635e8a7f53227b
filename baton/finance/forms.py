"""Forms for the finance pages. Money fields are DecimalFields (never floats); the services round to cents."""

from __future__ import annotations

from typing import Any

from django import forms

from baton.core.forms import BatonForm
from baton.rates.models import BillRateScope
from baton.timesheets.forms import HoursField


class ChangeOrderForm(BatonForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    amount_delta = forms.DecimalField(
        label="Budget change (money)", help_text="Negative takes scope out.", max_digits=14, decimal_places=2
    )
    minutes_delta = HoursField(label="Budget change (hours)", help_text="e.g. 12 or 7:30", required=False)
    requested_by = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Asked by (agency)")
    requested_by_contact_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Asked by (client contact)"
    )
    requested_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    status = forms.ChoiceField(choices=[("draft", "Log as draft"), ("submitted", "Submit for approval")])
    task_ids = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Tasks it covers")

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        contacts: list[tuple[int, str]],
        tasks: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_by"].choices = [("", "-"), *people]  # type: ignore[attr-defined]
        self.fields["requested_by_contact_id"].choices = [("", "-"), *contacts]  # type: ignore[attr-defined]
        self.fields["task_ids"].choices = tasks  # type: ignore[attr-defined]


class ExpenseForm(BatonForm):
    description = forms.CharField(max_length=300)
    amount = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.CharField(max_length=100, required=False)
    billable = forms.BooleanField(required=False, initial=True)
    markup_pct = forms.DecimalField(label="Markup %", max_digits=6, decimal_places=2, min_value=0, initial=0)


class DraftFromTimeForm(BatonForm):
    project_id = forms.TypedChoiceField(coerce=int, label="Project")
    period_start = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text="Empty: everything un-invoiced, however old.",
    )
    period_end = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), required=False, help_text="Empty: today."
    )
    include_unapproved = forms.BooleanField(
        label="Include unapproved time",
        required=False,
        help_text="Off: only time of approved weeks; the draft says how much unapproved time it left out.",
    )
    tax_rate = forms.DecimalField(label="Tax %", max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=0)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project_id"].choices = [("", "Choose a project"), *projects]  # type: ignore[attr-defined]


class ManualInvoiceForm(BatonForm):
    client_id = forms.TypedChoiceField(coerce=int, label="Client")
    tax_rate = forms.DecimalField(label="Tax %", max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=0)
    line_1_description = forms.CharField(max_length=500, label="Line 1")
    line_1_quantity = forms.DecimalField(max_digits=12, decimal_places=2, initial=1, label="Quantity")
    line_1_unit_price = forms.DecimalField(label="Unit price", max_digits=14, decimal_places=2)
    line_2_description = forms.CharField(max_length=500, required=False, label="Line 2")
    line_2_quantity = forms.DecimalField(max_digits=12, decimal_places=2, required=False, label="Quantity")
    line_2_unit_price = forms.DecimalField(required=False, label="Unit price", max_digits=14, decimal_places=2)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, clients: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client_id"].choices = [("", "Choose a client"), *clients]  # type: ignore[attr-defined]

    def lines(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        out = []
        for i in (1, 2):
            if data.get(f"line_{i}_description"):
                out.append(
                    {
                        "description": data[f"line_{i}_description"],
                        "quantity": data.get(f"line_{i}_quantity") or 1,
                        "unit_price": data.get(f"line_{i}_unit_price"),
                    }
                )
        return out


class PaymentForm(BatonForm):
    amount = forms.DecimalField(
        max_digits=14, decimal_places=2, help_text="A refund to the client is a negative amount, e.g. -120.00."
    )
    paid_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.CharField(max_length=50, required=False, help_text="e.g. bank transfer")
    reference = forms.CharField(max_length=200, required=False)


class BillRateForm(BatonForm):
    scope = forms.ChoiceField(choices=BillRateScope.choices)
    rate = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2)
    currency = forms.CharField(
        max_length=3,
        required=False,
        help_text="ISO 4217, e.g. EUR. Empty: the project's or client's currency, else the base currency.",
    )
    role = forms.CharField(max_length=100, required=False, help_text="Role scope: a job title, e.g. Designer.")
    person_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Person")
    client_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Client")
    project_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Project")
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    note = forms.CharField(max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        clients: list[tuple[int, str]],
        projects: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_id"].choices = [("", "-"), *people]  # type: ignore[attr-defined]
        self.fields["client_id"].choices = [("", "-"), *clients]  # type: ignore[attr-defined]
        self.fields["project_id"].choices = [("", "-"), *projects]  # type: ignore[attr-defined]


class CostRateForm(BatonForm):
    person_id = forms.TypedChoiceField(coerce=int, label="Person")
    rate = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2, label="Cost rate per hour")
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_id"].choices = [("", "Choose a person"), *people]  # type: ignore[attr-defined]


class ExchangeRateForm(BatonForm):
    currency = forms.CharField(max_length=3, help_text="ISO 4217, e.g. EUR")
    rate = forms.DecimalField(max_digits=18, decimal_places=8, min_value=0, help_text="Base-currency units per unit.")
    effective_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class AccountingSettingsForm(BatonForm):
    """The account codes of the accounting export and the seller contact e-invoices name (XRechnung needs it)."""

    revenue_account = forms.CharField(max_length=40, label="Revenue account")
    receivables_account = forms.CharField(max_length=40, label="Receivables account")
    tax_account = forms.CharField(max_length=40, label="Sales tax (VAT) account")
    bank_account = forms.CharField(max_length=40, label="Bank account", help_text="Where payments land (journal).")
    xero_tax_type = forms.CharField(max_length=60, label="Xero tax type (taxed lines)", help_text="e.g. OUTPUT")
    xero_tax_free_type = forms.CharField(max_length=60, label="Xero tax type (untaxed lines)", help_text="e.g. NONE")
    contact_name = forms.CharField(max_length=200, required=False, label="Invoice contact name")
    contact_email = forms.EmailField(required=False, label="Invoice contact e-mail")
    contact_phone = forms.CharField(max_length=40, required=False, label="Invoice contact phone")
    version = forms.IntegerField(widget=forms.HiddenInput)


class AccountingExportForm(BatonForm):
    format = forms.ChoiceField(
        choices=[
            ("xero", "Xero (sales invoices)"),
            ("quickbooks", "QuickBooks Online (invoices)"),
            ("journal", "Journal"),
        ]
    )
    date_from = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
