"""Reads of the collections records: bank statements and their transactions (with the review queue), recurring
invoice schedules, the workspace's reminder schedule. Owner, admin and finance only (`access`)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.finance.models import (
    BankStatement,
    BankTransaction,
    BankTransactionStatus,
    RecurringInvoice,
    ReminderSchedule,
)


def bank_statement_list(*, actor: Actor) -> QuerySet[BankStatement]:
    access.require(actor, "bank_statement", "view")
    return BankStatement.objects.filter(workspace=actor.workspace).order_by("-id")


def bank_statement_get(*, actor: Actor, statement_id: int) -> BankStatement:
    """Another workspace's record is not found (404) whatever the role; in its own workspace, 403 without access."""
    qs = BankStatement.objects.filter(workspace=actor.workspace, pk=statement_id)
    qs = qs.prefetch_related(Prefetch("transactions", BankTransaction.objects.select_related("invoice")))
    statement = one_or_404(qs, "bank statement")
    access.require(actor, "bank_statement", "view")
    return statement


def bank_transaction_get(*, actor: Actor, transaction_id: int) -> BankTransaction:
    qs = BankTransaction.objects.filter(workspace=actor.workspace, pk=transaction_id)
    tx = one_or_404(qs, "bank transaction")
    access.require(actor, "bank_statement", "view")
    return tx


def bank_review_queue(*, actor: Actor) -> list[BankTransaction]:
    """Credits waiting for a person: unmatched ones, and matched over-payments with money left unapplied."""
    access.require(actor, "bank_statement", "view")
    qs = BankTransaction.objects.filter(workspace=actor.workspace, amount__gt=0, reviewed=False).filter(
        Q(status=BankTransactionStatus.UNMATCHED) | Q(status=BankTransactionStatus.MATCHED)
    )
    return [tx for tx in qs.select_related("statement", "invoice") if tx.needs_review]


def recurring_invoice_list(*, actor: Actor) -> QuerySet[RecurringInvoice]:
    access.require(actor, "recurring_invoice", "view")
    return RecurringInvoice.objects.filter(workspace=actor.workspace).select_related("client", "project")


def recurring_invoice_get(*, actor: Actor, recurring_id: int) -> RecurringInvoice:
    qs = RecurringInvoice.objects.filter(workspace=actor.workspace, pk=recurring_id)
    schedule = one_or_404(qs.select_related("client", "project").prefetch_related("runs"), "recurring invoice")
    access.require(actor, "recurring_invoice", "view")
    return schedule


def reminder_schedule_of(*, actor: Actor) -> ReminderSchedule:
    """The workspace's schedule (its defaults, unsaved, until someone saves one)."""
    access.require(actor, "reminder_schedule", "view")
    return ReminderSchedule.objects.filter(workspace=actor.workspace).first() or ReminderSchedule(
        workspace=actor.workspace
    )
