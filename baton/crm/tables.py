"""The downloads of crm's pages (core/tables.py): the clients list."""

from __future__ import annotations

from collections.abc import Iterable

from baton.core.tables import Column, Table
from baton.crm.models import Client


def client_table(clients: Iterable[Client]) -> Table:
    return Table(
        "Clients",
        [
            Column("Client", "name"),
            Column("Status", "get_status_display"),
            Column("Account manager", "account_manager.name"),
            Column("Industry", "industry"),
            Column("Contacts", "contact_count", "number"),
        ],
        clients,
    )
