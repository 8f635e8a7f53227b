"""The downloads of finance's pages (core/tables.py): invoices, the budgets of the overview, profitability and the
account P&L (each report's rows, then its total)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from baton.core.tables import Column, Table
from baton.delivery.models import Project
from baton.finance.models import Invoice


def invoice_table(invoices: Iterable[Invoice]) -> Table:
    """Balance: what is still due (negative when the agency owes a refund, which "Refund owed" gives as the page
    does)."""
    return Table(
        "Invoices",
        [
            Column("Invoice", str),
            Column("Client · project: client", "client.name"),
            Column("Client · project: project", "project.name"),
            Column("Issued", "issue_date", "date"),
            Column("Due", "due_date", "date"),
            Column("Status", "get_status_display"),
            Column("Total", "total", "money", currency="currency"),
            Column("Balance", "balance_due", "money", currency="currency"),
            Column("Refund owed", "refund_owed", "money", currency="currency"),
        ],
        invoices,
    )


def budget_table(projects: Iterable[Project], burns: Mapping[int, Any]) -> Table:
    """The overview's live budgets, in the page's order (the most burnt first)."""
    rows = [(project, burns[project.pk]) for project in projects]
    return Table(
        "Budgets",
        [
            Column("Project", lambda r: r[0].name),
            Column("Client", lambda r: r[0].client.name),
            Column("Billing", lambda r: r[0].get_billing_display()),
            Column("Open change orders", lambda r: getattr(r[0], "open_change_orders", None), "number"),
            Column("Burn", lambda r: r[1].level_pct, "percent"),
            Column("Spent", lambda r: r[1].spent_amount, "money", currency=lambda r: r[0].currency),
            Column("Budget", lambda r: r[1].budget_amount or None, "money", currency=lambda r: r[0].currency),
        ],
        rows,
    )


def profit_table(report: Any, *, key_label: str, title: str) -> Table:
    """A profitability report (`finance.selectors.profitability`): its rows, then its "Total" row; money in the
    report's currency (the workspace's base)."""
    currency = report.currency
    return Table(
        title,
        [
            Column(key_label, "label"),
            Column("Hours", "minutes", "minutes"),
            Column("Billable", "billable_minutes", "minutes"),
            Column("Revenue", "revenue", "money", currency=currency),
            Column("Labour", "labour_cost", "money", currency=currency),
            Column("Expenses", "expense_cost", "money", currency=currency),
            Column("Cost", "cost", "money", currency=currency),
            Column("Margin", "margin", "money", currency=currency),
            Column("Margin %", "margin_pct", "percent"),
        ],
        [*report.rows, report.totals],
    )


def expense_table(expenses: Iterable[Any]) -> Table:
    """A project's expenses as its money page lists them; "Billed" is empty for an expense that is not billable."""
    return Table(
        "Expenses",
        [
            Column("Date", "date", "date"),
            Column("What", "description"),
            Column("Category", "category"),
            Column("Amount", "amount", "money", currency="currency"),
            Column("Billed", lambda e: e.billable_amount if e.billable else None, "money", currency="currency"),
            Column("Markup", lambda e: e.markup_pct if e.billable else None, "percent"),
            Column("Invoiced", "invoiced", "bool"),
        ],
        expenses,
    )


def change_order_table(orders: Iterable[Any], *, currency: str) -> Table:
    """A project's scope change log (its change orders), in the project's currency."""

    def asked_by(order: Any) -> str:
        if order.requested_by_contact_id:
            return f"{order.requested_by_contact.name} (client)"
        return order.requested_by.name if order.requested_by_id else ""

    return Table(
        "Change orders",
        [
            Column("Requested", "requested_on", "date"),
            Column("Change", "title"),
            Column("Description", "description"),
            Column("Asked by", asked_by),
            Column("Money", "amount_delta", "money", currency=currency),
            Column("Time", "minutes_delta", "minutes"),
            Column("Status", "get_status_display"),
            Column("Decision reason", "decision_reason"),
        ],
        orders,
    )


def _applies_to(rate: Any) -> str:
    if rate.scope == "workspace":
        return "everyone"
    parts = [rate.project.name if rate.project_id else "", rate.person.name if rate.person_id else ""]
    who = " \u00d7 ".join(p for p in parts if p)  # a multiplication sign, as the page writes it
    return who + (rate.client.name if rate.client_id else "") + (rate.role or "")


RATE_PARTS = ("bill", "people", "cost", "exchange")


def rate_table(part: str, rows: Iterable[Any], *, base: str) -> Table:
    """One of the rates page's tables: the bill rate card, people's standard rates, dated cost rates, exchange
    rates (each rate the number of `base` one unit buys, as the page writes it)."""
    if part == "people":
        columns = [
            Column("Person", "name"),
            Column("Title", "title"),
            Column("Bill", "bill_rate", "money", currency=base),
            Column("Cost", "cost_rate", "money", currency=base),
        ]
        return Table("People's standard rates", columns, rows)
    if part == "cost":
        columns = [
            Column("Person", "person.name"),
            Column("Cost / h", "rate", "money", currency=base),
            Column("From", "effective_from", "date"),
        ]
        return Table("Dated cost rates", columns, rows)
    if part == "exchange":
        columns = [Column("Currency", "currency"), Column(f"1 unit = ({base})", "rate", "number")]
        return Table("Exchange rates", [*columns, Column("From", "effective_on", "date")], rows)
    columns = [
        Column("Scope", "get_scope_display"),
        Column("Applies to", _applies_to),
        Column("Rate", "rate", "money", currency="currency"),
        Column("From", "effective_from", "date"),
        Column("Note", "note"),
    ]
    return Table("Bill rate card", columns, rows)
