"""Collections pages (finance): bank statements (upload, and the review of a statement's credits: confirm a
suggested invoice or ignore), recurring invoices (list, new, stop), and the workspace's reminder schedule. Every
write goes through `baton.finance.services`."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.errors import BatonError
from baton.core.web import actor_required, get_actor
from baton.crm.selectors import client_choices
from baton.finance import selectors
from baton.finance.models import REMINDER_OFFSETS, Invoice, RecurringMode, RecurringPeriod, ReminderStep
from baton.finance.services import bank, recurring, reminders


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return " ".join(m for ms in exc.message_dict.values() for m in ms)
        return " ".join(exc.messages)
    return getattr(exc, "detail", None) or str(exc)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _imported_text(result: dict[str, Any]) -> str:
    return (
        f"{_count(result['transactions'], 'transaction')} read: {_count(len(result['matched']), 'payment')} "
        f"recorded, {len(result['unmatched'])} not matched, {len(result['duplicates'])} already imported."
    )


@actor_required
def bank_statements(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    statements = selectors.bank_statement_list(actor=actor)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError({"file": "Choose a statement file."})
            mapping = json.loads(request.POST.get("mapping") or "{}")
            statement, result = bank.bank_statement_import(
                actor=actor, data=upload.read(), filename=upload.name or "", mapping=mapping
            )
        except ValueError:
            messages.error(request, "The column mapping is not valid JSON.")
        except (BatonError, ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _imported_text(result))
            return redirect("finance:bank_statement", statement_id=statement.pk)
    return render(
        request,
        "finance/bank_statements.html",
        {"statements": statements[:50], "queue": selectors.bank_review_queue(actor=actor)},
    )


@actor_required
def bank_statement(request: HttpRequest, statement_id: int) -> HttpResponse:
    actor = get_actor(request)
    statement = selectors.bank_statement_get(actor=actor, statement_id=statement_id)
    transactions = list(statement.transactions.all())
    wanted = {pk for tx in transactions for pk in tx.suggestions or []}
    invoices = {i.pk: i for i in Invoice.objects.filter(workspace=actor.workspace, pk__in=wanted)}
    open_choices = bank.open_invoices(actor.workspace)
    rows = [
        {"tx": tx, "suggested": [invoices[pk] for pk in tx.suggestions or [] if pk in invoices]} for tx in transactions
    ]
    return render(
        request,
        "finance/bank_statement.html",
        {
            "statement": statement,
            "rows": rows,
            "open_invoices": open_choices,
            "can_review": access.allowed(actor, "bank_statement", "review"),
        },
    )


@require_POST
@actor_required
def bank_transaction_action(request: HttpRequest, transaction_id: int, action: str) -> HttpResponse:
    actor = get_actor(request)
    tx = selectors.bank_transaction_get(actor=actor, transaction_id=transaction_id)
    try:
        if action == "confirm":
            invoice_id = request.POST.get("invoice_id", "")
            bank.bank_transaction_confirm(actor=actor, tx=tx, invoice_id=int(invoice_id) if invoice_id.isdigit() else 0)
            messages.success(request, "The payment was recorded.")
        elif action == "ignore":
            bank.bank_transaction_ignore(actor=actor, tx=tx, reason=request.POST.get("reason", ""))
            messages.success(request, "The transaction was taken out of review.")
        else:
            raise Http404("No such action.")
    except (BatonError, ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect(reverse("finance:bank_statement", args=[tx.statement_id]) + f"#tx-{tx.pk}")


@actor_required
def recurring_invoices(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    schedules = selectors.recurring_invoice_list(actor=actor)
    form: dict[str, Any] = {}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            lines = [
                {"description": d, "quantity": q or "1", "unit_price": p}
                for d, q, p in zip(
                    request.POST.getlist("line_description"),
                    request.POST.getlist("line_quantity"),
                    request.POST.getlist("line_unit_price"),
                    strict=False,
                )
                if d.strip() or p.strip()
            ]
            schedule = recurring.recurring_invoice_create(
                actor=actor,
                client_id=int(form.get("client_id") or 0) or None,
                project_id=int(form.get("project_id") or 0) or None,
                title=form.get("title", ""),
                lines=lines,
                tax_rate=form.get("tax_rate") or "0",
                period=form.get("period", ""),
                start_date=form.get("start_date") or None,
                end_date=form.get("end_date") or None,
                mode=form.get("mode", ""),
            )
        except ValueError:
            messages.error(request, "Choose a client.")
        except (BatonError, ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, f"“{schedule.title}” will invoice from {schedule.next_run:%Y-%m-%d}.")
            return redirect("finance:recurring")
    return render(
        request,
        "finance/recurring.html",
        {
            "schedules": schedules,
            "clients": client_choices(actor=actor),
            "periods": RecurringPeriod.choices,
            "modes": RecurringMode.choices,
            "form": form,
            "can_edit": access.allowed(actor, "recurring_invoice", "create"),
        },
    )


@require_POST
@actor_required
def recurring_stop(request: HttpRequest, recurring_id: int) -> HttpResponse:
    actor = get_actor(request)
    schedule = selectors.recurring_invoice_get(actor=actor, recurring_id=recurring_id)
    try:
        recurring.recurring_invoice_update(
            actor=actor, schedule=schedule, changes={"active": False}, version=schedule.version
        )
        messages.success(request, f"“{schedule.title}” was stopped.")
    except (BatonError, ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect("finance:recurring")


@actor_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    schedule = selectors.reminder_schedule_of(actor=actor)
    if request.method == "POST":
        changes = {step: request.POST.get(step) == "on" for step in ["enabled", *REMINDER_OFFSETS]}
        try:
            reminders.reminder_schedule_update(actor=actor, changes=changes)
        except (BatonError, ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "The reminder schedule was saved.")
            return redirect("finance:reminders")
    steps = [(step.value, step.label, getattr(schedule, step.value)) for step in ReminderStep]
    return render(
        request,
        "finance/reminders.html",
        {
            "schedule": schedule,
            "steps": steps,
            "can_edit": access.allowed(actor, "reminder_schedule", "update"),
        },
    )
