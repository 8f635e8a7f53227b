"""The downloads of crm's pages (core/tables.py): the clients list, a client's contacts."""

from __future__ import annotations

from collections.abc import Iterable

from baton.core.tables import Column, Table
from baton.crm.models import Client, Contact


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


def contact_table(contacts: Iterable[Contact], *, client_name: str) -> Table:
    return Table(
        f"Contacts of {client_name}",
        [
            Column("Name", "name"),
            Column("Primary", "is_primary", "bool"),
            Column("Billing", "is_billing", "bool"),
            Column("Job title", "role"),
            Column("Email", "email"),
            Column("Phone", "phone"),
        ],
        contacts,
    )
