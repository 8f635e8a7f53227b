"""Test helpers for collections (bank statements, recurring invoices): records of one workspace for the access
matrix (baton/core/tests/test_access_matrix.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from baton.core.access import Actor
from baton.finance.models import BankTransaction
from baton.finance.services import bank, recurring


def statement_csv(tag: str, amount: str = "100.00") -> bytes:
    """A one-credit CSV statement (no currency, no invoice number: it goes to review), unique by `tag`."""
    header = "date,amount,reference,counterparty,transaction_id\n"
    return f"{header}2030-03-20,{amount},Thanks {tag},Payer,M-{tag}\n".encode()


def make_collections_records(*, workspace: Any, client_id: int) -> dict[str, int]:
    """A bank statement whose one credit waits for review (`statement_id`, `transaction_id`) and a monthly
    recurring invoice of the client (`recurring_id`)."""
    system = Actor.system(workspace)
    statement, _ = bank.bank_statement_import(actor=system, data=statement_csv(f"ws{workspace.pk}"), filename="m.csv")
    tx = BankTransaction.objects.get(statement=statement)
    schedule = recurring.recurring_invoice_create(
        actor=system,
        client_id=client_id,
        title="Matrix hosting",
        lines=[{"description": "Hosting", "quantity": "1", "unit_price": "49.00"}],
        start_date=date(2030, 4, 1),
    )
    return {"statement_id": statement.pk, "transaction_id": tx.pk, "recurring_id": schedule.pk}
