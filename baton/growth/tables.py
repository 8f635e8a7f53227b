"""The downloads of growth's pages (core/tables.py): the team grid (who needs support where)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from baton.core.tables import Column, Table


def _trait_columns(i: int, name: str) -> list[Column]:
    def cell(key: str) -> Any:
        return lambda row: row["profile"]["traits"][i][key] if i < len(row["profile"]["traits"]) else None

    def support(row: Mapping[str, Any]) -> bool | None:
        traits = row["profile"]["traits"]
        return traits[i]["trait"] in row["support"] if i < len(traits) else None

    return [
        Column(f"{name}: manager", cell("manager"), "number"),
        Column(f"{name}: self", cell("self"), "number"),
        Column(f"{name}: evidence +", cell("evidence_positive"), "number"),
        Column(f"{name}: evidence -", cell("evidence_negative"), "number"),
        Column(f"{name}: needs support", support, "bool"),
    ]


def team_table(rows: Iterable[Mapping[str, Any]], traits: Sequence[Any]) -> Table:
    """One row per person of the team page, each trait's scores (the manager's, the person's own), evidence for
    and against, and whether the page flags it as needing support; in the page's trait order."""
    columns = [
        Column("Person", lambda r: r["person"].name),
        Column("Title", lambda r: r["person"].title),
        Column("Period", lambda r: r["profile"].get("period")),
    ]
    for i, trait in enumerate(traits):
        columns += _trait_columns(i, trait.name)
    return Table("Team growth", columns, rows)
