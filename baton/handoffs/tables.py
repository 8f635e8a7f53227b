"""The downloads of handoffs' pages (core/tables.py): all handoffs, and the metrics by kind, team or month."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from baton.core.tables import Column, Table, reader
from baton.handoffs.models import Handoff

OPEN = ("sent", "gaps_raised")


def handoff_table(handoffs: Iterable[Handoff], *, now: datetime, kinds: Mapping[str, str]) -> Table:
    """As the page lists them: the due moment and "overdue" only for a handoff still waiting (sent, gaps raised)."""
    return Table(
        "Handoffs",
        [
            Column("Status", "get_status_display"),
            Column("Handoff", "title"),
            Column("Kind", lambda h: kinds.get(h.kind, h.kind)),
            Column("From", "from_person.name"),
            Column("To", "to_person.name"),
            Column("Client", "client.name"),
            Column("Due", lambda h: h.due_by if h.status in OPEN else None, "datetime"),
            Column("Overdue", lambda h: h.status in OPEN and h.due_by is not None and h.due_by < now, "bool"),
        ],
        handoffs,
    )


METRIC_PARTS = {"by_kind": "Kind", "by_team": "Team", "by_month": "Month"}


def metric_table(report: Mapping[str, Any], part: str) -> Table:
    """One of the metrics tables; the cost column only when the page shows it (to those who see money)."""
    columns = [
        Column(METRIC_PARTS[part], "label"),
        Column("Sent", "count", "number"),
        Column("Confirmed", "confirmed", "number"),
        Column("First time", "first_time_confirmed_pct", "percent"),
        Column("Median to confirm", "median_minutes_to_confirm", "minutes"),
        Column("Gaps / handoff", "gaps_per_handoff", "number"),
        Column("Failures", "failures", "number"),
        Column("Remediation", "remediation_minutes", "minutes"),
    ]
    if report["remediation_cost"] is not None:
        columns.append(Column("Cost", "remediation_cost", "money", currency=report["currency"]))
    return Table(f"Handoffs by {METRIC_PARTS[part].lower()}", columns, report[part])


INBOX_LISTS = (
    ("to_confirm", "To confirm"),
    ("gaps_to_answer", "Gaps to answer"),
    ("to_send", "To send"),
    ("overdue", "Overdue"),
    ("waiting", "Waiting for the receiver"),
)


def inbox_table(inbox: Any, *, now: datetime, kinds: Mapping[str, str]) -> Table:
    """The inbox's lists in the page's order, a handoff once per list it is in (an overdue one to confirm: twice)."""
    rows = [(label, h) for key, label in INBOX_LISTS for h in getattr(inbox, key)]
    base = handoff_table([], now=now, kinds=kinds)
    columns = [Column("List", lambda r: r[0])]
    columns += [Column(c.name, _of_handoff(reader(c.value)), c.kind) for c in base.columns]
    return Table("Handoff inbox", columns, rows)


def _of_handoff(read: Any) -> Any:
    """A handoff column's reader applied to an inbox row (its list, the handoff)."""
    return lambda row: read(row[1])
