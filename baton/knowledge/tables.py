"""The downloads of knowledge's pages (core/tables.py): a client's decisions (as its knowledge page lists them)."""

from __future__ import annotations

from collections.abc import Iterable

from baton.core.tables import Column, Table
from baton.knowledge.models import Decision


def decision_table(decisions: Iterable[Decision], *, client_name: str) -> Table:
    def decided_by(d: Decision) -> str:
        names = [d.decided_by.name] if d.decided_by_id and d.decided_by else []
        if d.decided_by_contact_id and d.decided_by_contact:
            names.append(f"{d.decided_by_contact.name} ({client_name})")
        return " with ".join(names)

    return Table(
        f"Decisions of {client_name}",
        [
            Column("Decided on", "decided_on", "date"),
            Column("Decision", "title"),
            Column("What", "decision"),
            Column("Why", "rationale"),
            Column("Rejected", lambda d: "; ".join(str(a) for a in d.alternatives_rejected or [])),
            Column("Internal", "internal", "bool"),
            Column("Project", "project.name"),
            Column("Decided by", decided_by),
        ],
        decisions,
    )
