"""The downloads of relationships' pages (core/tables.py): the deals pipeline, the portfolio by risk, escalations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from baton.core.tables import Column, Table


def deal_table(columns: Sequence[Mapping[str, Any]]) -> Table:
    """The board's deals, stage by stage in the board's order."""
    rows = [(column, deal) for column in columns for deal in column["deals"]]
    return Table(
        "Deals",
        [
            Column("Stage", lambda r: r[0]["label"]),
            Column("Deal", lambda r: r[1].name),
            Column("Client", lambda r: r[1].client.name),
            Column("Value", lambda r: r[1].value, "money", currency=lambda r: r[1].currency),
            Column("Probability", lambda r: r[1].probability, "percent"),
            Column("Weighted value", lambda r: r[1].weighted_value, "money", currency=lambda r: r[1].currency),
            Column("Expected close", lambda r: r[1].expected_close, "date"),
            Column("Expected effort", lambda r: r[1].expected_effort_minutes, "minutes"),
        ],
        rows,
    )


def portfolio_table(rows: Iterable[Mapping[str, Any]]) -> Table:
    return Table(
        "Portfolio by risk",
        [
            Column("Client", "client_name"),
            Column("Account manager", "account_manager_name"),
            Column("Health", "score", "number"),
            Column("Health band", lambda r: str(r["band"]).replace("_", " ")),
            Column("Cadence due", "cadence_due", "number"),
            Column("Cadence overdue", "cadence_overdue", "number"),
            Column("Biggest risk", "top_risk"),
        ],
        rows,
    )


def escalation_table(escalations: Iterable[Any]) -> Table:
    return Table(
        "Escalations",
        [
            Column("Escalation", "title"),
            Column("Status", "status"),
            Column("Client", "client.name"),
            Column("Rule", "get_rule_display"),
            Column("Assigned to", "assignee.name"),
            Column("Raised", "created_at", "date"),
            Column("Detail", "detail"),
            Column("Resolution note", "resolution_note"),
        ],
        escalations,
    )


def touchpoint_table(touchpoints: Iterable[Any], *, client_name: str) -> Table:
    """The touchpoints an account page lists (its latest 15)."""
    return Table(
        f"Touchpoints of {client_name}",
        [
            Column("When", "occurred_at", "datetime"),
            Column("Kind", "get_kind_display"),
            Column("Summary", "summary"),
            Column("Sentiment", "sentiment"),
            Column("Project", "project.name"),
            Column("By", "person.name"),
        ],
        touchpoints,
    )


def request_table(requests: Iterable[Any]) -> Table:
    """The requests inbox."""
    return Table(
        "Client requests",
        [
            Column("Request", "title"),
            Column("Client", "client.name"),
            Column("Project", "project.name"),
            Column("Kind", "get_kind_display"),
            Column("Priority", "get_priority_display"),
            Column("Status", "get_status_display"),
            Column("Requested by", "requested_by.name"),
            Column("Assigned to", "assignee.name"),
            Column("Filed", "created_at", "date"),
            Column("Task", "task.title"),
            Column("Change order", "change_order.title"),
        ],
        requests,
    )


def shared_file_table(files: Iterable[Any]) -> Table:
    """The files page."""
    return Table(
        "Files",
        [
            Column("File", "name"),
            Column("Client", "client.name"),
            Column("Project", "project.name"),
            Column("Shared with client", lambda f: "yes" if f.shared_with_client else "no"),
            Column("Size", "size", "number"),
            Column("Uploaded by", "uploaded_by.name"),
            Column("Uploaded", "created_at", "date"),
        ],
        files,
    )


def _retention_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("Clients at start", "clients_start", "number"),
        Column("Clients lost", "clients_churned", "number"),
        Column("Start MRR", "start_mrr", "number"),
        Column("Churned MRR", "churned_mrr", "number"),
        Column("Contraction MRR", "contraction_mrr", "number"),
        Column("Expansion MRR", "expansion_mrr", "number"),
        Column("GRR %", "gross_revenue_retention_pct", "percent"),
        Column("NRR %", "net_revenue_retention_pct", "percent"),
    ]


RETENTION_PARTS = ("month", "account_manager", "service")


def retention_table(report: Mapping[str, Any], part: str) -> Table:
    """The retention report's rows by month, account manager or service (`part`); MRR in the workspace's currency."""
    if part == "account_manager":
        first, rows, title = Column("Account manager", "account_manager"), report["by_account_manager"], "by AM"
    elif part == "service":
        first, rows, title = Column("Service", "service"), report["by_service"], "by service"
    else:
        first, rows, title = Column("Month", "month"), report["by_month"], "by month"
    return Table(f"Retention {title}", _retention_columns(first), rows)


def renewals_table(rows: Iterable[Mapping[str, Any]]) -> Table:
    return Table(
        "Renewals due",
        [
            Column("Client", "client_name"),
            Column("Engagement", "engagement_name"),
            Column("Account manager", "account_manager"),
            Column("Renewal date", "renewal_date", "date"),
            Column("Days to renewal", "days_to_renewal", "number"),
            Column("Notice days", "notice_days", "number"),
            Column("Value", "value", "money", currency="currency"),
            Column("Risk", "risk_score", "number"),
            Column("Risk band", "risk_band"),
            Column("Reasons", lambda r: "; ".join(x["explanation"] for x in r["risk_reasons"])),
        ],
        rows,
    )
