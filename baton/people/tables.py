"""The downloads of people's pages (core/tables.py): the people list (rates only for those who see them)."""

from __future__ import annotations

from collections.abc import Iterable

from baton.core.tables import Column, Table
from baton.people.models import Person


def person_table(people: Iterable[Person], *, currency: str, with_rates: bool) -> Table:
    columns = [
        Column("Name", "name"),
        Column("Active", "active", "bool"),
        Column("Title", "title"),
        Column("Role", "membership.get_role_display"),
        Column("Capacity / week", "weekly_capacity_minutes", "minutes"),
        Column("Skills", lambda p: ", ".join(p.skills or [])),
    ]
    if with_rates:
        columns += [
            Column("Bill rate", "bill_rate", "money", currency=currency),
            Column("Cost rate", "cost_rate", "money", currency=currency),
        ]
    return Table("People", columns, people)
