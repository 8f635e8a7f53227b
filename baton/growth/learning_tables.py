"""The download of the training team view (core/tables.py): one row per person, one column per lesson (its status)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from baton.core.tables import Column, Table


def _lesson_column(i: int, title: str) -> Column:
    def cell(row: Mapping[str, Any]) -> str:
        assignment = row["cells"][i]
        return assignment.get_status_display() if assignment is not None else ""

    return Column(title, cell)


def training_team_table(rows: Iterable[Mapping[str, Any]], lessons: Sequence[Any]) -> Table:
    """Who has completed what, as the team view shows it (empty: not assigned)."""
    columns = [Column("Person", lambda r: r["person"].name), Column("Title", lambda r: r["person"].title)]
    columns += [_lesson_column(i, lesson.title) for i, lesson in enumerate(lessons)]
    return Table("Training", columns, rows)
