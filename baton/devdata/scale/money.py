"""Step: the money beside the time (finance app): expenses, payments behind every paid invoice, a few credit notes.

No random draws (the days and amounts follow from each row's position), so the steps after this one generate the
same data as before it existed. Amounts follow the services' rules: billable amount = cost x (1 + markup), base
amounts converted at the exchange rate in force on the day (`converted`, as `expense_create` stores them), a credit
note's lines negative and its invoice's `amount_credited`, payments and status kept consistent (MONEY.md §5)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from baton.devdata.scale._common import Progress, World
from baton.finance.models import Expense, Invoice, InvoiceCounter, InvoiceLine, Payment
from baton.finance.services.expenses import billable_amount_of
from baton.rates.models import ExchangeRate
from baton.rates.resolution import converted

# (description, category, amount, markup %); travel is never billable
EXPENSES = [
    ("Stock photography licence", "assets", "240.00", "15"),
    ("User testing incentives", "research", "600.00", "10"),
    ("Train to client workshop", "travel", "186.40", "0"),
    ("Font licence", "assets", "129.00", "15"),
    ("Paid social test budget", "media", "1500.00", "10"),
]


def _factor(rates: dict[str, list[tuple[date, Decimal]]], base: str, currency: str, day: date) -> Decimal | None:
    """One `currency` in the base currency on `day` (the latest rate on or before it), None without one."""
    if currency == base:
        return Decimal(1)
    found = None
    for start, rate in rates.get(currency, []):
        if start <= day:
            found = rate
    return found


def _expenses(w: World) -> list[Expense]:
    """Two expenses on one project in five (not the agency's internal one), inside the days it was worked on."""
    rates: dict[str, list[tuple[date, Decimal]]] = {}
    for code, on, rate in (
        ExchangeRate.objects.filter(workspace=w.workspace)
        .order_by("effective_on")
        .values_list("currency", "effective_on", "rate")
    ):
        rates.setdefault(code, []).append((on, rate))
    base = w.workspace.currency
    rows = []
    for n, p in enumerate(w.projects[:-1:5]):
        first = p.start_date
        last = min(w.stopped.get(p.pk) or p.end_date or w.today, w.today)
        if last < first:
            continue
        for k in range(2):
            description, category, amount, markup = EXPENSES[(n + 2 * k) % len(EXPENSES)]
            day = first + (last - first) * (k + 1) // 3
            value, pct = Decimal(amount), Decimal(markup)
            billable = p.billing != "non_billable" and category != "travel"
            billable_amount = billable_amount_of(value, pct, billable)
            factor = _factor(rates, base, p.currency, day)
            rows.append(
                Expense(
                    workspace=w.workspace,
                    project=p,
                    date=day,
                    description=description,
                    category=category,
                    amount=value,
                    currency=p.currency,
                    billable=billable,
                    markup_pct=pct,
                    billable_amount=billable_amount,
                    amount_base=converted(value, factor) if factor is not None else Decimal("0.00"),
                    billable_amount_base=converted(billable_amount, factor) if factor is not None else Decimal("0.00"),
                    missing_rate_currency="" if factor is not None else p.currency,
                )
            )
    return rows


def step_money(w: World, advance: Progress) -> None:
    """Expenses, a payment behind every paid invoice, and a credit note on one paid invoice in fifty (at least one),
    refunded, so every paid invoice's payments and credits cover its total exactly."""
    expenses = Expense.objects.bulk_create(_expenses(w), batch_size=2000)
    paid = list(
        Invoice.objects.filter(workspace=w.workspace, kind="invoice", status="paid", total__gt=0).order_by(
            "issue_date", "id"
        )
    )
    credited = paid[::50]
    payments: list[Payment] = []
    notes: list[Invoice] = []
    note_lines: list[tuple[Invoice, Decimal]] = []
    for n, invoice in enumerate(paid):
        issued = invoice.issue_date or w.today
        payments.append(
            Payment(
                workspace=w.workspace,
                invoice=invoice,
                amount=invoice.total,
                paid_on=min(w.today, issued + timedelta(days=10 + n % 35)),
                method="bank transfer",
            )
        )
    for n, invoice in enumerate(credited):
        credit = max(Decimal("0.01"), (invoice.total / 10).quantize(Decimal("0.01")))
        day = min(w.today, (invoice.issue_date or w.today) + timedelta(days=20))
        notes.append(
            Invoice(
                workspace=w.workspace,
                client_id=invoice.client_id,
                project_id=invoice.project_id,
                credit_for=invoice,
                kind="credit_note",
                number=f"CN-{n + 1:05d}",
                issue_date=day,
                due_date=day + timedelta(days=30),
                status="sent",
                currency=invoice.currency,
                subtotal=-credit,
                total=-credit,
                source="credit",
                notes=f"Goodwill credit on {invoice.number}.",
            )
        )
        note_lines.append((invoice, credit))
        payments.append(
            Payment(
                workspace=w.workspace,
                invoice=invoice,
                amount=-credit,
                paid_on=min(w.today, day + timedelta(days=5)),
                method="bank transfer",
                reference="Refund of the credit note",
            )
        )
        invoice.amount_credited = credit
        invoice.amount_paid = invoice.total - credit
    notes = Invoice.objects.bulk_create(notes)
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=note,
                position=1,
                kind="credit",
                description=f"Goodwill credit on {original.number}",
                quantity=1,
                unit_price=-credit,
                amount=-credit,
            )
            for note, (original, credit) in zip(notes, note_lines, strict=True)
        ]
    )
    Invoice.objects.bulk_update(credited, ["amount_credited", "amount_paid"])
    Payment.objects.bulk_create(payments, batch_size=5000)
    if notes:
        InvoiceCounter.objects.update_or_create(
            workspace=w.workspace, kind="credit_note", defaults={"next_number": len(notes) + 1}
        )
    counts: dict[str, Any] = {"expenses": len(expenses), "payments": len(payments), "credit notes": len(notes)}
    w.counts |= counts
    advance("money", len(expenses) + len(payments) + len(notes))
