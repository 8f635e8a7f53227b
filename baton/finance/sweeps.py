"""Finance's periodic sweeps (registered in core's sweep framework, imported by `finance/wiring.py`): budget burn
against its thresholds, sent invoices past their due date, payment reminders, recurring invoices and the retainer
rollover at period end (burn computes each period's carried minutes when it is read; the sweep records and announces
them once per period)."""

from __future__ import annotations

from datetime import datetime

from huey import crontab

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.sweeps import local_today, register_sweep, sweep_emit_once
from baton.finance.selectors import overdue_invoices
from baton.finance.services import budget_thresholds_check
from baton.finance.services.recurring import recurring_run_due
from baton.finance.services.reminders import reminders_send
from baton.finance.services.rollover import retainers_roll_over


def budget_thresholds(workspace: Workspace, now: datetime) -> int:
    """Live projects' budget burn against the 50/80/100 % thresholds (`budget_check`, which announces each threshold
    once per project and period as `budget.threshold_crossed`). Logging time and expenses checks too; this catches
    everything else (a budget lowered, a retainer's new period)."""
    return budget_thresholds_check(workspace=workspace, on=local_today(workspace, now))


# The one schedule of the budget check: its Huey periodic task (`sweep_budget_thresholds`) runs every workspace.
budget_thresholds_task = register_sweep(
    "budget_thresholds",
    budget_thresholds,
    crontab(minute="*/30"),
    description="every 30 min: budget burn of live projects -> budget.threshold_crossed (50/80/100 %, once each)",
    app="finance",
).task


def invoices_overdue(workspace: Workspace, now: datetime) -> int:
    """Sent invoices with a balance owed past their due date: `invoice.overdue`, once per invoice and due date (a
    due date moved later and passed again announces it again). Rules act on it (remind the client's AM, e-mail)."""
    today = local_today(workspace, now)
    emitted = 0
    for invoice in overdue_invoices(actor=Actor.system(workspace), today=today).prefetch_related(None):
        due = invoice.due_date
        assert due is not None  # overdue_invoices filters on it
        data = {
            "number": invoice.number,
            "due_date": due,
            "days_overdue": (today - due).days,
            "currency": invoice.currency,
            "balance_due": invoice.balance_due,
            "project_id": invoice.project_id,
        }
        if sweep_emit_once(
            workspace=workspace,
            sweep="invoices_overdue",
            verb="invoice.overdue",
            target=invoice,
            period=due.isoformat(),
            data=data,
            client_id=invoice.client_id,
        ):
            emitted += 1
    return emitted


register_sweep(
    "invoices_overdue",
    invoices_overdue,
    crontab(minute="21"),
    description="hourly: sent invoices with a balance owed past their due date -> invoice.overdue (once per due date)",
    app="finance",
)


# --- Collections (issue 19): payment reminders, recurring invoices, retainer rollover -------------------------------


def invoice_reminders(workspace: Workspace, now: datetime) -> int:
    """Payment reminders by the workspace's schedule: each step once per invoice (`InvoiceReminder`), to the client's
    billing contacts, stopping when the invoice is paid (`services/reminders.py`)."""
    return reminders_send(workspace, local_today(workspace, now))


register_sweep(
    "invoice_reminders",
    invoice_reminders,
    crontab(minute="35"),
    description="hourly: payment reminders by the workspace's schedule -> invoice.reminded (once per invoice and step)",
    app="finance",
)


def recurring_invoices(workspace: Workspace, now: datetime) -> int:
    """One invoice per period of every active recurring schedule whose period has begun (`services/recurring.py`)."""
    return recurring_run_due(workspace, local_today(workspace, now))


register_sweep(
    "recurring_invoices",
    recurring_invoices,
    crontab(minute="5"),
    description="hourly: recurring schedules' periods begun -> one invoice each (draft or issued), once per period",
    app="finance",
)


def retainer_rollover(workspace: Workspace, now: datetime) -> int:
    """Close the last month of every live retainer with rollover on: its carried minutes, once per project and
    period (`services/rollover.py`)."""
    return retainers_roll_over(workspace, local_today(workspace, now))


register_sweep(
    "retainer_rollover",
    retainer_rollover,
    crontab(minute="50"),
    description="hourly: a retainer's month ended -> retainer.rolled_over (its unused minutes carried, once)",
    app="finance",
)
