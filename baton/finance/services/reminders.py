"""Payment reminders: the workspace's schedule, and the sweep that e-mails the client's billing contacts about each
issued invoice with a balance owed.

- Steps: 3 days before the due date, on it, 7, 14 and 30 days after; each on or off, the whole schedule off until a
  workspace turns it on.
- Per run and invoice, only the latest step due is sent (a schedule turned on late does not send the steps it
  missed), and only if neither it nor a later step was sent: an `InvoiceReminder` row, unique per (invoice, step),
  is taken in the transaction that queues the e-mail (sent after the commit through `client_view.client_mail`) and
  emits `invoice.reminded`, so a step is sent once across restarts and overlapping runs.
- Paid (or void, or credited) invoices have no balance and get nothing more. No billing contact with an e-mail:
  nothing is sent and no row is taken, so a contact added later still gets the step.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from baton.core import access, events, formats
from baton.core.access import Actor
from baton.core.client_view import client_mail
from baton.core.models import Workspace
from baton.core.services import bump_version
from baton.crm.models import Contact
from baton.finance.models import REMINDER_OFFSETS, Invoice, InvoiceReminder, ReminderSchedule, ReminderStep
from baton.finance.pdf import invoice_pdf_bytes
from baton.finance.services.bank import open_invoices

logger = logging.getLogger(__name__)


@transaction.atomic
def reminder_schedule_update(*, actor: Actor, changes: dict[str, Any]) -> ReminderSchedule:
    """Turn the schedule or its steps on or off (`enabled`, `before_3`, `due`, `after_7`, `after_14`, `after_30`)."""
    access.require(actor, "reminder_schedule", "update")
    allowed = {"enabled", *REMINDER_OFFSETS}
    errors = {key: "Unknown setting." for key in changes if key not in allowed}
    errors |= {key: "Send true or false." for key, v in changes.items() if key in allowed and not isinstance(v, bool)}
    if errors:
        raise ValidationError(errors)
    schedule, _ = ReminderSchedule.objects.select_for_update().get_or_create(workspace=actor.workspace)
    for key, value in changes.items():
        setattr(schedule, key, value)
    bump_version(schedule)
    schedule.save()
    events.emit(actor, "reminder_schedule.updated", schedule, data={"steps": schedule.steps()})
    return schedule


def step_due(invoice: Invoice, steps: list[str], today: date) -> str | None:
    """The latest step of `steps` whose day (due date + offset) has come, or None."""
    if invoice.due_date is None:
        return None
    due = [s for s in steps if invoice.due_date + timedelta(days=REMINDER_OFFSETS[s]) <= today]
    return due[-1] if due else None


def _text(invoice: Invoice, step: str, today: date) -> tuple[str, str]:
    assert invoice.due_date is not None
    balance = formats.money(invoice.balance_due, invoice.currency)
    days = (today - invoice.due_date).days
    if days < 0:
        when = f"is due on {formats.day(invoice.due_date)}"
    elif days == 0:
        when = "is due today"
    else:
        when = f"was due on {formats.day(invoice.due_date)}, {days} days ago"
    subject = f"Reminder: invoice {invoice.number} {when.split(',')[0]}"
    body = (
        f"Hello,\n\nThis is a friendly reminder that invoice {invoice.number} of {formats.day(invoice.issue_date)} "
        f"{when}. The balance due is {balance}.\n\nIf you have already paid, thank you, and please ignore this "
        f"message. The invoice is attached.\n\n{invoice.workspace.name}\n"
    )
    return subject, body


def reminders_send(workspace: Workspace, today: date) -> int:
    """The sweep's work for one workspace: reminders due today, each step once per invoice; returns how many."""
    schedule = ReminderSchedule.objects.filter(workspace=workspace).first()
    steps = schedule.steps() if schedule else []
    if not steps:
        return 0
    invoices = [i for i in open_invoices(workspace) if i.due_date is not None]
    sent_steps: dict[int, set[str]] = {}
    for invoice_id, taken in InvoiceReminder.objects.filter(invoice__in=invoices).values_list("invoice_id", "step"):
        sent_steps.setdefault(invoice_id, set()).add(taken)
    sent = 0
    for invoice in invoices:
        step = step_due(invoice, steps, today)
        if step is None:
            continue
        done = sent_steps.get(invoice.pk, set())
        if any(REMINDER_OFFSETS[s] >= REMINDER_OFFSETS[step] for s in done):
            continue
        if _remind(workspace, invoice, step, today):
            sent += 1
    return sent


def _remind(workspace: Workspace, invoice: Invoice, step: str, today: date) -> bool:
    emails = list(
        Contact.objects.filter(client_id=invoice.client_id, is_billing=True)
        .exclude(email="")
        .order_by("id")
        .values_list("email", flat=True)
    )
    if not emails:
        return False
    subject, body = _text(invoice, step, today)
    try:
        with transaction.atomic():
            InvoiceReminder.objects.create(
                workspace=workspace, invoice=invoice, step=step, recipients=emails, balance_due=invoice.balance_due
            )
            client_mail(
                invoice.client,
                subject=subject,
                body=body,
                to=emails,
                attachments=[(f"{invoice.number}.pdf", invoice_pdf_bytes(invoice), "application/pdf")],
            )
            events.emit(
                Actor.system(workspace),
                "invoice.reminded",
                invoice,
                data={
                    "number": invoice.number,
                    "step": step,
                    "step_label": ReminderStep(step).label,
                    "due_date": invoice.due_date,
                    "currency": invoice.currency,
                    "balance_due": invoice.balance_due,
                    "recipients": len(emails),
                },
                client_id=invoice.client_id,
            )
    except IntegrityError:  # another run took this step first
        return False
    except ValidationError:  # the text would tell the client something internal: leave it to a person
        logger.warning("Reminder %s of invoice %s refused by the client view policy.", step, invoice.pk)
        return False
    return True
