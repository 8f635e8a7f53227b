"""Finance pages: the overview (margin trend, budgets), a project's money (burn chart, scope change log, expenses,
invoices), invoices (drafting, issuing, payments, void, credit notes, PDF), profitability and account P&L, rates.
Every write goes through `baton.finance.services`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from baton.core import access, formats
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.tables import download_format, download_part, table_response
from baton.core.validators import parse_day
from baton.core.web import actor_required, form_page, get_actor
from baton.crm.models import Contact
from baton.crm.selectors import client_choices
from baton.delivery.models import Billing, Milestone, Task
from baton.delivery.selectors import project_choices
from baton.finance import selectors, services
from baton.finance.forms import (
    BillRateForm,
    ChangeOrderForm,
    CostRateForm,
    DraftFromTimeForm,
    ExchangeRateForm,
    ExpenseForm,
    ManualInvoiceForm,
    PaymentForm,
)
from baton.finance.models import BudgetAlert, ChangeOrder, Expense, Invoice, InvoiceStatus
from baton.finance.pdf import invoice_pdf_bytes, pdf_filename
from baton.finance.selectors.burn import month_start
from baton.finance.tables import (
    RATE_PARTS,
    budget_table,
    change_order_table,
    expense_table,
    invoice_table,
    profit_table,
    rate_table,
)
from baton.people.models import Person
from baton.rates.selectors import bill_rate_list, cost_rate_list, exchange_rate_list, money_project_get, money_projects
from baton.rates.services import bill_rate_create, cost_rate_create, exchange_rate_create


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return " ".join(m for ms in exc.message_dict.values() for m in ms)
        return " ".join(exc.messages)
    return getattr(exc, "detail", None) or str(exc)


def _staff(actor: Actor) -> list[tuple[int, str]]:
    return list(
        Person.objects.filter(workspace=actor.workspace, active=True)
        .exclude(membership__role="client")
        .order_by("name")
        .values_list("id", "name")
    )


def _money_project_choices(actor: Actor) -> list[tuple[int, str]]:
    rows = (
        money_projects(actor)
        .filter(archived_at__isnull=True)
        .exclude(billing=Billing.NON_BILLABLE)
        .order_by("client__name", "name")
        .values_list("id", "client__name", "name")
    )
    return [(pk, f"{client} · {name}") for pk, client, name in rows]


# --- Overview -----------------------------------------------------------------------------------------------------


@actor_required
def overview(request: HttpRequest) -> HttpResponse:
    """Revenue and margin this month, the margin trend, receivables, and every live budget with its burn."""
    actor = get_actor(request)
    access.require(actor, "financials", "view")
    today = timezone.localdate()
    month = selectors.profitability(actor=actor, group_by="month", date_from=month_start(today), date_to=today)
    projects = list(selectors.money_project_table(actor=actor))
    burns = selectors.burn_overview(projects, today=today)
    projects.sort(key=lambda p: (-(burns[p.pk].level_pct or 0), p.client.name.lower(), p.name.lower()))
    if download_format(request):
        return table_response(request, budget_table(projects, burns), "budgets")
    alerts = list(
        BudgetAlert.objects.filter(project__in=[p.pk for p in projects])
        .select_related("project", "project__client")
        .order_by("-crossed_at")[:8]
    )
    can_invoice = access.allowed(actor, "invoice", "view")
    return render(
        request,
        "finance/overview.html",
        {
            "month": month.totals,
            "currency": actor.workspace.currency,
            "projects": projects,
            "burns": burns,
            "alerts": alerts,
            "trend": selectors.margin_trend(actor=actor, today=today),
            "receivables": selectors.receivables(actor=actor) if can_invoice else None,
            "can_invoice": can_invoice,
            "can_rates": access.allowed(actor, "rate_card", "view"),
        },
    )


# --- A project's money --------------------------------------------------------------------------------------------


def _project_money_context(actor: Actor, project_id: int) -> dict[str, Any]:
    project = money_project_get(actor=actor, project_id=project_id)
    burn = selectors.budget_burn(project)
    log = selectors.scope_log(project)
    return {
        "project": project,
        "burn": burn,
        "log": log,
        "can_change": access.allowed(actor, "change_order", "create", ChangeOrder(project=project)),
        "can_decide": access.allowed(actor, "change_order", "decide", ChangeOrder(project=project)),
    }


@actor_required
def project_money(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    ctx = _project_money_context(actor, project_id)
    project = ctx["project"]
    if download_format(request):
        if download_part(request, ("expenses", "change_orders")) == "change_orders":
            table = change_order_table(ctx["log"].change_orders, currency=project.currency)
            return table_response(request, table, f"change-orders-{project.pk}")
        expenses = selectors.expense_list(actor=actor, project_id=project.pk)[:50]
        return table_response(request, expense_table(expenses), f"expenses-{project.pk}")
    can_invoice = access.allowed(actor, "invoice", "create")
    series = selectors.burn_series(project)
    series["labels"] = [formats.day_short(d) for d in series.get("labels", [])]  # the chart's weeks as people write
    ctx |= {
        "series": series,
        "expenses": list(selectors.expense_list(actor=actor, project_id=project.pk)[:50]),
        "invoices": list(selectors.invoice_list(actor=actor, project_id=project.pk)[:50])
        if access.allowed(actor, "invoice", "view")
        else [],
        "can_invoice": can_invoice,
        "can_expense": access.allowed(actor, "expense", "create"),
        "milestones": list(
            Milestone.objects.filter(project=project, amount__isnull=False).exclude(
                invoices__status__in=[InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PAID]
            )
        )
        if can_invoice and project.billing == Billing.FIXED_FEE
        else [],
        "alerts": list(BudgetAlert.objects.filter(project=project).order_by("-crossed_at")[:6]),
        "today": timezone.localdate(),
    }
    return render(request, "finance/project.html", ctx)


@actor_required
def project_money_summary(request: HttpRequest, project_id: int) -> HttpResponse:
    """The money block of a project's page (loaded by `finance/partials/_project_money.html`); empty for roles
    that do not see this project's money."""
    actor = get_actor(request)
    try:
        ctx = _project_money_context(actor, project_id)
    except PermissionDenied:
        return HttpResponse("")
    return render(request, "finance/partials/_project_money_body.html", ctx)


@actor_required
def change_order_new(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = money_project_get(actor=actor, project_id=project_id)
    access.require(actor, "change_order", "create", ChangeOrder(project=project))
    contacts = list(Contact.objects.filter(client_id=project.client_id).order_by("name").values_list("id", "name"))
    tasks = list(Task.objects.filter(project=project).order_by("title").values_list("id", "title"))
    form = ChangeOrderForm(
        request.POST or None,
        initial={"requested_on": timezone.localdate(), "requested_by": actor.person_id, "amount_delta": "0.00"},
        people=_staff(actor),
        contacts=contacts,
        tasks=tasks,
    )

    def save(data: dict[str, Any]) -> ChangeOrder:
        return services.change_order_create(actor=actor, project_id=project.pk, **data)

    return form_page(
        request,
        form,
        save=save,
        template="finance/form.html",
        partial="finance/partials/_form.html",
        context={
            "title": f"Log a change to {project.name}",
            "action": reverse("finance:change_order_new", args=[project.pk]),
            "cancel": reverse("finance:project", args=[project.pk]),
            "submit": "Log change",
        },
        success_url=lambda o: reverse("finance:project", args=[project.pk]) + "#scope",
        success_message=lambda o: f"The change “{o.title}” was logged.",
    )


@require_POST
@actor_required
def change_order_decide(request: HttpRequest, change_order_id: int, action: str) -> HttpResponse:
    actor = get_actor(request)
    order = selectors.change_order_get(actor=actor, change_order_id=change_order_id)
    handlers = {
        "submit": lambda: services.change_order_submit(actor=actor, order=order),
        "approve": lambda: services.change_order_approve(
            actor=actor, order=order, reason=request.POST.get("reason", "")
        ),
        "reject": lambda: services.change_order_reject(actor=actor, order=order, reason=request.POST.get("reason", "")),
    }
    if action not in handlers:
        raise Http404("No such action.")
    try:
        handlers[action]()
        done = {"submit": "submitted", "approve": "approved: the budget moved", "reject": "rejected"}[action]
        messages.success(request, f"“{order.title}” was {done}.")
    except (BatonError, ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect(reverse("finance:project", args=[order.project_id]) + "#scope")


@actor_required
def expense_new(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = money_project_get(actor=actor, project_id=project_id)
    access.require(actor, "expense", "create")
    form = ExpenseForm(
        request.POST or None,
        initial={"date": timezone.localdate(), "billable": project.billing != Billing.NON_BILLABLE, "markup_pct": 0},
    )

    def save(data: dict[str, Any]) -> Expense:
        return services.expense_create(actor=actor, project_id=project.pk, **data)

    return form_page(
        request,
        form,
        save=save,
        template="finance/form.html",
        partial="finance/partials/_form.html",
        context={
            "title": f"Add an expense to {project.name}",
            "action": reverse("finance:expense_new", args=[project.pk]),
            "cancel": reverse("finance:project", args=[project.pk]),
            "submit": "Add expense",
        },
        success_url=lambda e: reverse("finance:project", args=[project.pk]) + "#expenses",
        success_message=lambda e: f"The expense “{e.description}” was added.",
    )


@require_POST
@actor_required
def expense_delete(request: HttpRequest, expense_id: int) -> HttpResponse:
    actor = get_actor(request)
    expense = selectors.expense_get(actor=actor, expense_id=expense_id)
    try:
        services.expense_delete(actor=actor, expense=expense)
        messages.success(request, "The expense was removed.")
    except (BatonError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect(reverse("finance:project", args=[expense.project_id]) + "#expenses")


# --- Invoices -----------------------------------------------------------------------------------------------------


@actor_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    status = request.GET.get("status") or None
    client = _int(request.GET.get("client"))
    qs = selectors.invoice_list(actor=actor, status=status, client_id=client)
    if download_format(request):
        return table_response(request, invoice_table(qs), "invoices")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/invoices.html",
        {
            "page": page,
            "invoices": page.object_list,
            "status": status or "",
            "client": client,
            "statuses": InvoiceStatus.choices,
            "clients": [] if actor.is_client else client_choices(actor=actor),
            "can_create": access.allowed(actor, "invoice", "create"),
            "receivables": None if actor.is_client else selectors.receivables(actor=actor),
        },
    )


@actor_required
def invoice_from_time(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "invoice", "create")
    form = DraftFromTimeForm(
        request.POST or None,
        initial={"project_id": request.GET.get("project"), "period_end": timezone.localdate(), "tax_rate": 0},
        projects=_money_project_choices(actor),
    )

    def save(data: dict[str, Any]) -> Invoice:
        return services.invoice_draft_from_time(actor=actor, **data)

    return form_page(
        request,
        form,
        save=save,
        template="finance/form.html",
        partial="finance/partials/_form.html",
        context={
            "title": "Draft an invoice from tracked time",
            "action": reverse("finance:invoice_from_time"),
            "cancel": reverse("finance:invoices"),
            "submit": "Draft invoice",
            "intro": "Every un-invoiced billable entry of approved weeks (and billable expense) of the project up to "
            "the period's end goes on the draft, grouped by task and rate: by default everything up to today. "
            "Unapproved time is left out unless you include it, and the draft says how much it left out.",
        },
        success_url=lambda i: reverse("finance:invoice", args=[i.pk]),
        success_message=_drafted_message,
    )


def _drafted_message(invoice: Invoice) -> str:
    text = f"A draft of {invoice.total} {invoice.currency} was created."
    if invoice.left_out_minutes:
        text += " " + services.left_out_text(invoice.left_out_minutes)
    return text


@actor_required
def invoice_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "invoice", "create")
    form = ManualInvoiceForm(request.POST or None, initial={"tax_rate": 0}, clients=client_choices(actor=actor))

    def save(data: dict[str, Any]) -> Invoice:
        return services.invoice_create(
            actor=actor, client_id=data["client_id"], tax_rate=data["tax_rate"], lines=form.lines(), notes=data["notes"]
        )

    return form_page(
        request,
        form,
        save=save,
        template="finance/form.html",
        partial="finance/partials/_form.html",
        context={
            "title": "New invoice by hand",
            "action": reverse("finance:invoice_new"),
            "cancel": reverse("finance:invoices"),
            "submit": "Create draft",
        },
        success_url=lambda i: reverse("finance:invoice", args=[i.pk]),
        success_message=lambda i: "The draft was created.",
    )


@require_POST
@actor_required
def invoice_from_project(request: HttpRequest, project_id: int, source: str) -> HttpResponse:
    """A fixed fee (in full or a milestone) or a retainer period, from the project's money page."""
    actor = get_actor(request)
    project = money_project_get(actor=actor, project_id=project_id)
    try:
        if source == "fee":
            invoice = services.invoice_draft_from_fee(
                actor=actor, project_id=project.pk, milestone_id=_int(request.POST.get("milestone"))
            )
        elif source == "retainer":
            raw = (request.POST.get("period") or "").strip()
            period = parse_day(f"{raw}-01" if len(raw) == 7 else raw) or timezone.localdate()
            invoice = services.invoice_draft_from_retainer(actor=actor, project_id=project.pk, period=period)
        else:
            raise Http404("No such source.")
    except (BatonError, ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return redirect(reverse("finance:project", args=[project.pk]) + "#invoices")
    messages.success(request, f"A draft of {invoice.total} {invoice.currency} was created.")
    return redirect("finance:invoice", invoice_id=invoice.pk)


@actor_required
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    actor = get_actor(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    can_manage = access.allowed(actor, "invoice", "issue", invoice)
    return render(
        request,
        "finance/invoice.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "payments": list(invoice.payments.all()),
            "credit_notes": list(invoice.credit_notes.all()) if not actor.is_client else [],
            "can_manage": can_manage,
            "can_send": access.allowed(actor, "invoice", "send", invoice),
            "recipients": _recipients(invoice) if can_manage else "",
            "payment_form": PaymentForm(initial={"amount": invoice.balance_due, "paid_on": timezone.localdate()}),
        },
    )


@require_POST
@actor_required
def invoice_action(request: HttpRequest, invoice_id: int, action: str) -> HttpResponse:
    actor = get_actor(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    target = reverse("finance:invoice", args=[invoice.pk])
    try:
        if action == "issue":
            invoice = services.invoice_issue(actor=actor, invoice=invoice)
            messages.success(request, f"{invoice} was issued.")
        elif action == "issue-and-send":
            invoice = services.invoice_issue_and_send(actor=actor, invoice=invoice)
            messages.success(request, f"{invoice} was issued and e-mailed to {_recipients(invoice)}.")
        elif action == "send":
            invoice = services.invoice_send(actor=actor, invoice=invoice)
            messages.success(request, f"{invoice} was e-mailed to {_recipients(invoice)}.")
        elif action == "void":
            services.invoice_void(actor=actor, invoice=invoice, reason=request.POST.get("reason", ""))
            messages.success(request, f"{invoice} was voided; its time can be invoiced again.")
        elif action == "delete":
            services.invoice_delete(actor=actor, invoice=invoice)
            messages.success(request, "The draft was deleted; its time can be invoiced again.")
            target = reverse("finance:invoices")
        elif action == "credit-note":
            note = services.credit_note_create(actor=actor, invoice=invoice)
            messages.success(request, "A draft credit note reversing the invoice was created; adjust it and issue it.")
            target = reverse("finance:invoice", args=[note.pk])
        elif action == "payment":
            form = PaymentForm(request.POST)
            if not form.is_valid():
                raise ValidationError({k: v for k, v in form.errors.items()})
            payment = services.payment_record(actor=actor, invoice=invoice, **form.cleaned_data)
            messages.success(request, "The refund was recorded." if payment.amount < 0 else "The payment was recorded.")
        else:
            raise Http404("No such action.")
    except (BatonError, ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect(target)


def _recipients(invoice: Invoice) -> str:
    contacts = services.billing_contacts(invoice)
    return ", ".join(f"{c.name} <{c.email}>" for c in contacts)


@actor_required
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:

    actor = get_actor(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    response = HttpResponse(invoice_pdf_bytes(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(invoice)}"'
    return response


# --- Reports ------------------------------------------------------------------------------------------------------


def _range(request: HttpRequest, default_from: date | None) -> tuple[date | None, date | None]:
    """The report's range: this year to date unless asked (an empty field asks for no bound), so this month's row is
    the finance home's "this month" figure."""
    date_from = parse_day(request.GET.get("from") or "") if "from" in request.GET else default_from
    date_to = parse_day(request.GET.get("to") or "") if "to" in request.GET else timezone.localdate()
    return date_from, date_to


@actor_required
def profitability(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    today = timezone.localdate()
    group_by = request.GET.get("group_by") or "project"
    if group_by not in selectors.GROUPS:
        group_by = "project"
    date_from, date_to = _range(request, today.replace(month=1, day=1))
    report = selectors.profitability(actor=actor, group_by=group_by, date_from=date_from, date_to=date_to)
    if download_format(request):
        table = profit_table(report, key_label=group_by.replace("_", " ").capitalize(), title="Profitability")
        return table_response(request, table, f"profitability-{group_by}")
    return render(
        request,
        "finance/profitability.html",
        {
            "report": report,
            "group_by": group_by,
            "groups": [(g, g.replace("_", " ").capitalize()) for g in selectors.GROUPS],
            "date_from": date_from,
            "date_to": date_to,
            "trend": selectors.margin_trend(actor=actor, today=today),
        },
    )


@actor_required
def money_rules(request: HttpRequest) -> HttpResponse:
    """How Baton counts money: MONEY.md in plain words, for everyone who reads a figure (linked from every report)."""
    actor = get_actor(request)
    return render(request, "finance/money_rules.html", {"currency": actor.workspace.currency})


@actor_required
def account_pnl(request: HttpRequest) -> HttpResponse:
    """The account P&L: per client and per account manager."""
    actor = get_actor(request)
    today = timezone.localdate()
    date_from, date_to = _range(request, today.replace(month=1, day=1))
    if download_format(request):
        part = download_part(request, ("account_manager", "client"))
        report = selectors.profitability(actor=actor, group_by=part, date_from=date_from, date_to=date_to)
        label = "Client" if part == "client" else "Account manager"
        table = profit_table(report, key_label=label, title=f"P&L per {label.lower()}")
        return table_response(request, table, f"pnl-{part}")
    return render(
        request,
        "finance/pnl.html",
        {
            "by_client": selectors.profitability(actor=actor, group_by="client", date_from=date_from, date_to=date_to),
            "by_am": selectors.profitability(
                actor=actor, group_by="account_manager", date_from=date_from, date_to=date_to
            ),
            "date_from": date_from,
            "date_to": date_to,
        },
    )


# --- Rates --------------------------------------------------------------------------------------------------------


@actor_required
def rates(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "rate_card", "view")
    can_edit = access.allowed(actor, "rate_card", "update")
    tables = {
        "bill": list(bill_rate_list(actor=actor)),
        "people": Person.objects.filter(workspace=actor.workspace, active=True)
        .exclude(membership__role="client")
        .select_related("membership")
        .order_by("name"),
        "cost": list(cost_rate_list(actor=actor)),
        "exchange": list(exchange_rate_list(actor=actor)[:50]),
    }
    if download_format(request):
        part = download_part(request, RATE_PARTS)
        table = rate_table(part, tables[part], base=actor.workspace.currency)
        return table_response(request, table, f"rates-{part}")
    people = _staff(actor)
    return render(
        request,
        "finance/rates.html",
        {
            "bill_rates": tables["bill"],
            "cost_rates": tables["cost"],
            "exchange_rates": tables["exchange"],
            "people": tables["people"],
            "can_edit": can_edit,
            "bill_form": BillRateForm(
                people=people, clients=client_choices(actor=actor), projects=project_choices(actor=actor)
            ),
            "cost_form": CostRateForm(people=people, initial={"effective_from": timezone.localdate()}),
            "fx_form": ExchangeRateForm(initial={"effective_on": timezone.localdate()}),
            "base": actor.workspace.currency,
        },
    )


@require_POST
@actor_required
def rate_new(request: HttpRequest, kind: str) -> HttpResponse:
    actor = get_actor(request)
    people = _staff(actor)
    forms_by_kind: dict[str, Any] = {
        "bill": BillRateForm(
            request.POST, people=people, clients=client_choices(actor=actor), projects=project_choices(actor=actor)
        ),
        "cost": CostRateForm(request.POST, people=people),
        "exchange": ExchangeRateForm(request.POST),
    }
    form = forms_by_kind.get(kind)
    if form is None:
        raise Http404("No such rate kind.")
    try:
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        data = form.cleaned_data
        if kind == "bill":
            bill_rate_create(actor=actor, **data)
        elif kind == "cost":
            cost_rate_create(actor=actor, **data)
        else:
            exchange_rate_create(actor=actor, **data)
        messages.success(request, "The rate was added. Time logged from now on uses it; logged time keeps its rates.")
    except (BatonError, ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect("finance:rates")
