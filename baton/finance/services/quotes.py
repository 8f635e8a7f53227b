"""Writes for quotes: a draft (lines replaced as a whole), sent to the client's primary contact with its PDF (each
changed version sent is a new revision, its snapshot kept), accepted (by staff or by the client in the portal: the
project is created, or re-budgeted, from it) or declined.

Totals, in cents half up: line amount = quantity x unit_price; lines_total = Σ the lines that count (not optional,
or optional and selected); discount = lines_total x discount_pct / 100; subtotal = lines_total - discount; tax =
subtotal x tax_rate / 100; total = subtotal + tax.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from baton.core import access, client_view, events, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.money import CENT, currency_code, money
from baton.core.services import bump_version, check_version, validate
from baton.core.sweeps import local_today
from baton.crm.models import Client, Contact, Deal
from baton.delivery import services as delivery
from baton.delivery.models import Billing, Project, ProjectStatus
from baton.finance.models import Quote, QuoteLine, QuoteStatus
from baton.finance.quote_pdf import quote_pdf_bytes
from baton.finance.services._common import percent, visible_project, whole_minutes
from baton.finance.services.budgets import project_budget_rebaseline
from baton.people.models import Person
from baton.rates.resolution import RateBook

QUOTE_FIELDS = (
    "title",
    "notes",
    "project_id",
    "deal_id",
    "currency",
    "tax_rate",
    "discount_pct",
    "valid_until",
    "billing",
    "retainer_period",
    "period_fee",
    "lines",
)
QUOTE_BILLINGS = (Billing.FIXED_FEE, Billing.TIME_AND_MATERIALS, Billing.RETAINER)
HOUR = Decimal(60)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def quote_totals(
    lines: list[dict[str, Any]] | list[QuoteLine], discount_pct: Decimal, tax_rate: Decimal
) -> dict[str, Decimal]:
    """The quote's figures from its lines (dicts or QuoteLine rows), each rounded to cents half up."""

    def counts(line: Any) -> bool:
        optional = line["optional"] if isinstance(line, dict) else line.optional
        selected = line["selected"] if isinstance(line, dict) else line.selected
        return not optional or bool(selected)

    amounts = [(line["amount"] if isinstance(line, dict) else line.amount) for line in lines if counts(line)]
    lines_total = sum(amounts, Decimal("0.00")).quantize(CENT)
    discount = (lines_total * discount_pct / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    subtotal = lines_total - discount
    tax = (subtotal * tax_rate / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return {
        "lines_total": lines_total,
        "discount_amount": discount,
        "subtotal": subtotal,
        "tax": tax,
        "total": subtotal + tax,
    }


class RateFinder:
    """The rate card, read once per write, for lines by role or person without a unit price."""

    def __init__(self, actor: Actor, client: Client | None, project: Project | None, currency: str) -> None:
        self.book: RateBook | None = None
        self.actor = actor
        self.client_id = client.pk if client else 0
        self.project_id = project.pk if project else 0
        self.currency = currency
        self.today = local_today(actor.workspace, timezone.now())

    def rate(self, person: Person | None, role: str) -> tuple[Decimal, str]:
        if self.book is None:
            self.book = RateBook.load(self.actor.workspace.pk)
        membership_role = ""
        if person is not None:
            membership = getattr(person, "membership", None)
            membership_role = membership.role if membership is not None else ""
        resolved = self.book.resolve(
            person_id=person.pk if person else 0,
            person_bill_rate=person.bill_rate if person else Decimal("0"),
            person_cost_rate=person.cost_rate if person else Decimal("0"),
            person_title=(person.title if person else "") or role,
            person_role=role or membership_role,
            project_id=self.project_id,
            client_id=self.client_id,
            on=self.today,
            currency=self.currency,
        )
        return resolved.bill_rate, resolved.bill_source


# Complexity: one pass over the lines naming every bad field of each (description, numbers, person, rate).
def clean_lines(
    actor: Actor, raw: Any, errors: dict[str, str], rates: RateFinder, *, selected_ids: set[int] | None = None
) -> list[dict[str, Any]]:
    """Lines from input: description, quantity (hours for a line by role or person; default 1), unit_price (from the
    rate card when left out on a line by role or person), role or person_id, minutes, phase, optional, selected."""
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        errors["lines"] = "Send lines as a list of {description, quantity, unit_price, ...}."
        return []
    lines = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            errors[f"lines.{i}"] = "Each line is {description, quantity, unit_price, ...}."
            continue
        description = str(item.get("description") or "").strip()
        if not description:
            errors[f"lines.{i}.description"] = "Describe the line."
        role = str(item.get("role") or "").strip()[:100]
        person = None
        if item.get("person_id") is not None:
            person = (
                Person.objects.filter(workspace=actor.workspace, pk=item["person_id"], client__isnull=True)
                .select_related("membership")
                .first()
            )
            if person is None:
                errors[f"lines.{i}.person_id"] = "No such person in this workspace."
        quantity = money(item.get("quantity", "1"), f"lines.{i}.quantity", errors)
        if quantity is not None and quantity == 0:
            errors[f"lines.{i}.quantity"] = "A quantity is not zero."
        source = ""
        unit_price: Decimal | None
        if item.get("unit_price") is None and (role or person is not None):
            unit_price, source = rates.rate(person, role)
            source = f"rate card: {source}"
        else:
            unit_price = money(item.get("unit_price"), f"lines.{i}.unit_price", errors)
        minutes = item.get("minutes")
        if minutes is not None:
            minutes = whole_minutes(minutes, f"lines.{i}.minutes", errors)
        elif quantity is not None and (role or person is not None):
            minutes = int((quantity * HOUR).to_integral_value(rounding=ROUND_HALF_UP))
        if quantity is None or unit_price is None:
            continue
        amount = line_amount(quantity, unit_price)
        if amount > Decimal("999999999999.99"):
            errors[f"lines.{i}.unit_price"] = "This line is too large."
        optional = bool(item.get("optional", False))
        selected = bool(item.get("selected", False)) and optional
        if selected_ids is not None and item.get("id") is not None:
            selected = optional and item["id"] in selected_ids
        lines.append(
            {
                "description": description[:500],
                "quantity": quantity,
                "unit_price": unit_price,
                "amount": amount,
                "role": role,
                "person": person,
                "minutes": minutes,
                "phase": str(item.get("phase") or "").strip()[:200],
                "optional": optional,
                "selected": selected,
                "rate_source": source[:30],
            }
        )
    return lines


def _replace_lines(quote: Quote, lines: list[dict[str, Any]]) -> None:
    quote.lines.all().delete()
    QuoteLine.objects.bulk_create([QuoteLine(quote=quote, position=i, **line) for i, line in enumerate(lines)])


def _apply_totals(quote: Quote, lines: list[dict[str, Any]] | list[QuoteLine]) -> None:
    for field, value in quote_totals(lines, quote.discount_pct, quote.tax_rate).items():
        setattr(quote, field, value)


def event_data(quote: Quote) -> dict[str, Any]:
    return {
        "title": quote.title,
        "status": quote.status,
        "client_id": quote.client_id,
        "project_id": quote.project_id,
        "revision": quote.revision,
        "currency": quote.currency,
        "subtotal": quote.subtotal,
        "total": quote.total,
    }


def _client(actor: Actor, client_id: Any, errors: dict[str, str]) -> Client | None:
    client = Client.objects.filter(workspace=actor.workspace, pk=client_id or 0).first()
    if client is None:
        errors["client_id"] = "No such client in this workspace."
    return client


# Complexity: every optional field checked in one place so create and update name all bad fields at once.
def _check_fields(actor: Actor, quote: Quote, data: dict[str, Any], errors: dict[str, str]) -> None:
    """Apply and check the fields in `data` (already known names) onto `quote`."""
    if "title" in data:
        quote.title = (data["title"] or "").strip()
        if not quote.title:
            errors["title"] = "Give the quote a title."
    if "notes" in data:
        quote.notes = data["notes"] or ""
    if "project_id" in data:
        quote.project = None
        if data["project_id"] is not None:
            project = visible_project(actor, data["project_id"], errors)
            if project is not None and project.client_id != quote.client_id:
                errors["project_id"] = "This project belongs to another client."
            elif project is not None:
                quote.project = project
                if not data.get("currency"):
                    quote.currency = project.currency
    if "deal_id" in data:
        quote.deal = None
        if data["deal_id"] is not None:
            deal = Deal.objects.filter(workspace=actor.workspace, pk=data["deal_id"]).first()
            if deal is None:
                errors["deal_id"] = "No such deal in this workspace."
            elif deal.client_id != quote.client_id:
                errors["deal_id"] = "This deal is another client's."
            else:
                quote.deal = deal
    if data.get("currency"):
        quote.currency = currency_code(data["currency"], "currency", errors) or quote.currency
    for field in ("tax_rate", "discount_pct"):
        if field in data:
            value = percent(data[field], field, errors)
            if value is not None:
                setattr(quote, field, value)
    if "valid_until" in data:
        quote.valid_until = data["valid_until"]
    if "billing" in data:
        if data["billing"] not in QUOTE_BILLINGS:
            errors["billing"] = f"Choose one of: {', '.join(QUOTE_BILLINGS)}."
        else:
            quote.billing = data["billing"]
    if "retainer_period" in data:
        quote.retainer_period = (data["retainer_period"] or "").strip().lower()
    if "period_fee" in data:
        quote.period_fee = money(data["period_fee"], "period_fee", errors, allow_none=True)
    if quote.project is not None and "currency" not in errors and quote.currency != quote.project.currency:
        errors["currency"] = f"“{quote.project.name}” is kept in {quote.project.currency}; quote it in that currency."
    if quote.billing == Billing.RETAINER:
        quote.retainer_period = quote.retainer_period or "month"
        if quote.retainer_period != "month":
            errors["retainer_period"] = "A retainer's period is a month."
    else:
        quote.retainer_period = ""
        quote.period_fee = None


@transaction.atomic
def quote_create(
    *,
    actor: Actor,
    client_id: int | None = None,
    title: str = "",
    lines: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Quote:
    """A draft quote for a client (the client defaults to the project's or deal's; the currency to the project's or
    client's)."""
    access.require(actor, "quote", "create")
    unknown = set(fields) - set(QUOTE_FIELDS)
    if unknown:
        raise ValidationError({f: "Unknown field." for f in sorted(unknown)})
    errors: dict[str, str] = {}
    if client_id is None and fields.get("project_id") is not None:
        project = visible_project(actor, fields["project_id"], {})
        client_id = project.client_id if project else None
    if client_id is None and fields.get("deal_id") is not None:
        client_id = (
            Deal.objects.filter(workspace=actor.workspace, pk=fields["deal_id"])
            .values_list("client_id", flat=True)
            .first()
        )
    client = _client(actor, client_id, errors)
    if client is None:
        raise ValidationError(errors)
    quote = Quote(workspace=actor.workspace, client=client, currency=client.currency, billing=Billing.FIXED_FEE)
    access.require(actor, "quote", "create", quote)
    _check_fields(actor, quote, {"title": title, **fields}, errors)
    clean = clean_lines(actor, lines or [], errors, RateFinder(actor, client, quote.project, quote.currency))
    if errors:
        raise ValidationError(errors)
    _apply_totals(quote, clean)
    validate(quote)
    quote.save()
    _replace_lines(quote, clean)
    events.emit(actor, "quote.created", quote, data=event_data(quote))
    return quote


def lock_quote(actor: Actor, quote: Quote, action: str) -> Quote:
    locked = Quote.objects.select_for_update(of=("self",)).select_related("client", "project").get(pk=quote.pk)
    access.require(actor, "quote", action, locked)
    return locked


@transaction.atomic
def quote_update(*, actor: Actor, quote: Quote, version: int | None, **changes: Any) -> Quote:
    """Change a draft; new lines replace all of them. A sent quote changes after `quote_revise` (back to draft)."""
    quote = lock_quote(actor, quote, "update")
    check_version(quote, version)
    unknown = set(changes) - set(QUOTE_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    if quote.status != QuoteStatus.DRAFT:
        raise Conflict(f"This quote is {quote.status}; only a draft changes (revise a sent one).", field="status")
    errors: dict[str, str] = {}
    before = {f: getattr(quote, f) for f in ("title", "currency", "tax_rate", "discount_pct", "billing", "total")}
    _check_fields(actor, quote, {k: v for k, v in changes.items() if k != "lines"}, errors)
    clean = None
    if "lines" in changes:
        clean = clean_lines(
            actor, changes["lines"], errors, RateFinder(actor, quote.client, quote.project, quote.currency)
        )
    if errors:
        raise ValidationError(errors)
    if clean is not None:
        _replace_lines(quote, clean)
    _apply_totals(quote, list(quote.lines.all()))
    validate(quote)
    bump_version(quote)
    quote.save()
    changed = {f: [v, getattr(quote, f)] for f, v in before.items() if getattr(quote, f) != v}
    if clean is not None:
        changed["lines"] = [None, len(clean)]
    events.emit(actor, "quote.updated", quote, data=event_data(quote) | {"changes": changed})
    return quote


@transaction.atomic
def quote_delete(*, actor: Actor, quote: Quote) -> None:
    """Delete a draft that was never sent (a sent one is declined, or revised)."""
    quote = lock_quote(actor, quote, "delete")
    if quote.status != QuoteStatus.DRAFT or quote.revision:
        raise Conflict("Only a draft that was never sent is deleted; decline a sent quote instead.", field="status")
    events.emit(actor, "quote.deleted", quote, data=event_data(quote))
    quote.delete()


def snapshot(quote: Quote) -> dict[str, Any]:
    """What the client was sent: the figures and every line, as JSON."""
    return {
        "title": quote.title,
        "currency": quote.currency,
        "billing": quote.billing,
        "period_fee": str(quote.period_fee) if quote.period_fee is not None else None,
        "valid_until": quote.valid_until.isoformat() if quote.valid_until else None,
        "tax_rate": str(quote.tax_rate),
        "discount_pct": str(quote.discount_pct),
        "lines_total": str(quote.lines_total),
        "discount_amount": str(quote.discount_amount),
        "subtotal": str(quote.subtotal),
        "tax": str(quote.tax),
        "total": str(quote.total),
        "notes": quote.notes,
        "lines": [
            {
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "amount": str(line.amount),
                "role": line.role,
                "person_id": line.person_id,
                "minutes": line.minutes,
                "phase": line.phase,
                "optional": line.optional,
                "selected": line.selected,
            }
            for line in quote.lines.all()
        ],
    }


def primary_contact(client: Client) -> Contact | None:
    return Contact.objects.filter(client=client, is_primary=True).exclude(email="").first()


@transaction.atomic
def quote_send(*, actor: Actor, quote: Quote) -> Quote:
    """E-mail the quote's PDF to the client's primary contact with a link to the portal (422 naming `client_id`
    without a primary contact with an e-mail). A version that differs from the last one sent is a new revision, its
    snapshot kept; sending the same version again only e-mails it again."""
    quote = lock_quote(actor, quote, "send")
    if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
        raise Conflict(f"This quote is {quote.status}; it is not sent again.", field="status")
    errors: dict[str, str] = {}
    contact = primary_contact(quote.client)
    if contact is None:
        errors["client_id"] = f"{quote.client.name} has no primary contact with an e-mail address to send it to."
    if not quote.lines.exists():
        errors["lines"] = "Add at least one line before sending."
    if errors:
        raise ValidationError(errors)
    assert contact is not None
    now = timezone.now()
    current = snapshot(quote)
    last = quote.revisions[-1]["snapshot"] if quote.revisions else None
    if current != last:
        quote.revision += 1
        quote.revisions = [
            *quote.revisions,
            {"revision": quote.revision, "sent_at": now.isoformat(), "snapshot": current},
        ]
    quote.status = QuoteStatus.SENT
    quote.sent_at = now
    bump_version(quote)
    quote.save()
    portal = settings.SITE_URL.rstrip("/") + reverse("relationships:portal") + "#portal-quotes"
    valid = f"It is valid until {formats.day(quote.valid_until)}.\n" if quote.valid_until else ""
    body = (
        f"Hello {contact.name},\n\n"
        f"please find attached our quote “{quote.title}” (revision {quote.revision}) of "
        f"{formats.money(quote.total, quote.currency)}.\n{valid}\n"
        f"You can accept or decline it in your portal: {portal}\n\n{actor.workspace.name}\n"
    )
    name = f"quote-{quote.pk}-r{quote.revision}.pdf"
    client_view.client_mail(
        quote.client,
        subject=f"Quote: {quote.title}",
        body=body,
        to=[contact.email],
        attachments=[(name, quote_pdf_bytes(quote), "application/pdf")],
    )
    events.emit(actor, "quote.sent", quote, data=event_data(quote) | {"to": [contact.email], "contact_id": contact.pk})
    return quote


@transaction.atomic
def quote_revise(*, actor: Actor, quote: Quote) -> Quote:
    """Take a sent quote back to draft to change it; sending it again makes the next revision."""
    quote = lock_quote(actor, quote, "update")
    if quote.status != QuoteStatus.SENT:
        raise Conflict(f"This quote is {quote.status}; only a sent quote is revised.", field="status")
    quote.status = QuoteStatus.DRAFT
    bump_version(quote)
    quote.save()
    events.emit(actor, "quote.revised", quote, data=event_data(quote))
    return quote


def _decidable(actor: Actor, quote: Quote, verb: str) -> None:
    if quote.status == QuoteStatus.DRAFT:
        raise Conflict(f"This quote is a draft; send it before it is {verb}.", field="status")
    if quote.status != QuoteStatus.SENT:
        raise Conflict(f"This quote is already {quote.status}.", field="status")
    if quote.valid_until and quote.valid_until < local_today(actor.workspace, timezone.now()):
        raise ValidationError(
            {"valid_until": f"This quote expired on {formats.day(quote.valid_until)}; send a new revision."}
        )


def _decider(actor: Actor, decided_by: str) -> str:
    """Who decided: the client-role user itself, or the name staff record (a contact on the phone), else staff."""
    if actor.is_client:
        return actor.person_name
    return (decided_by or "").strip()[:200] or actor.person_name


def _choose_optional(quote: Quote, optional_line_ids: list[int] | None) -> None:
    if optional_line_ids is None:
        return
    lines = list(quote.lines.all())
    unknown = set(optional_line_ids) - {line.pk for line in lines if line.optional}
    if unknown:
        raise ValidationError(
            {"optional_line_ids": f"Not an optional line of this quote: {', '.join(map(str, sorted(unknown)))}."}
        )
    for line in lines:
        if line.optional:
            line.selected = line.pk in optional_line_ids
    QuoteLine.objects.bulk_update(lines, ["selected"])
    _apply_totals(quote, lines)


def _phases(quote: Quote) -> list[tuple[str, Decimal]]:
    phases: dict[str, Decimal] = {}
    for line in quote.lines.all():
        if line.counts and line.phase:
            phases[line.phase] = phases.get(line.phase, Decimal("0.00")) + line.amount
    return list(phases.items())


def _project_fields(quote: Quote) -> dict[str, Any]:
    minutes = sum((line.minutes or 0) for line in quote.lines.all() if line.counts)
    if quote.billing == Billing.RETAINER:
        return {
            "billing": Billing.RETAINER,
            "retainer_period": quote.retainer_period or "month",
            "period_budget_amount": quote.period_fee if quote.period_fee is not None else quote.subtotal,
            "period_budget_minutes": minutes,
            "budget_amount": Decimal("0.00"),
            "budget_minutes": 0,
        }
    return {"billing": quote.billing, "budget_amount": quote.subtotal, "budget_minutes": minutes}


def _builder(actor: Actor, resource: str) -> Actor:
    """Who builds the project: the actor when its role may, else Baton itself (a client accepting in the portal,
    finance); the quote's own event names the actor."""
    return actor if access.allowed(actor, resource, "create") else Actor.system(actor.workspace)


def _make_project(actor: Actor, quote: Quote) -> Project:
    builder = _builder(actor, "project")
    fields = _project_fields(quote)
    project = delivery.project_create(
        actor=builder,
        client_id=quote.client_id,
        name=quote.title,
        status=ProjectStatus.PLANNED,
        currency=quote.currency,
        **fields,
    )
    fixed = quote.billing == Billing.FIXED_FEE and not quote.discount_pct
    for name, amount in _phases(quote):
        delivery.milestone_create(actor=builder, project=project, name=name, amount=amount if fixed else None)
    return project


def _rebudget(actor: Actor, quote: Quote, project: Project) -> Project:
    fields = _project_fields(quote)
    return project_budget_rebaseline(actor=actor, project=project, quote=quote, **fields)


@transaction.atomic
def quote_accept(
    *, actor: Actor, quote: Quote, optional_line_ids: list[int] | None = None, decided_by: str = ""
) -> tuple[Quote, Project]:
    """Accept a sent quote (staff, or the client in the portal; who and when are recorded). Without a project it
    creates a `planned` project for the client named after the quote: its billing, budget amount (the subtotal) and
    minutes (Σ line minutes), a milestone per phase; a retainer quote makes a retainer with the period fee. With a
    project, that project's budget is set from the quote (and its frozen baseline with it). The project's scope
    baseline lists the quote's lines (`GET /projects/{id}/scope-baseline`). Accepting twice: 409; a declined quote:
    409; an expired one: 422 naming `valid_until`."""
    quote = lock_quote(actor, quote, "decide")
    _decidable(actor, quote, "accepted")
    _choose_optional(quote, optional_line_ids)
    if quote.project is not None:
        project = _rebudget(actor, quote, quote.project)
    else:
        project = _make_project(actor, quote)
        quote.project = project
    quote.status = QuoteStatus.ACCEPTED
    quote.decided_at = timezone.now()
    quote.decided_by = _decider(actor, decided_by)
    quote.decided_by_person_id = actor.person_id
    bump_version(quote)
    quote.save()
    events.emit(
        actor,
        "quote.accepted",
        quote,
        data=event_data(quote) | {"decided_by": quote.decided_by, "by_client": actor.is_client},
    )
    return quote, project


@transaction.atomic
def quote_decline(*, actor: Actor, quote: Quote, reason: str = "", decided_by: str = "") -> Quote:
    """Decline a sent quote, with the reason (staff recording the client's no, or the client in the portal)."""
    quote = lock_quote(actor, quote, "decide")
    if quote.status == QuoteStatus.DRAFT:
        raise Conflict("This quote is a draft; send it before it is declined.", field="status")
    if quote.status != QuoteStatus.SENT:  # an expired sent quote may still be declined
        raise Conflict(f"This quote is already {quote.status}.", field="status")
    quote.status = QuoteStatus.DECLINED
    quote.decided_at = timezone.now()
    quote.decided_by = _decider(actor, decided_by)
    quote.decided_by_person_id = actor.person_id
    quote.decline_reason = (reason or "").strip()[:5000]
    bump_version(quote)
    quote.save()
    events.emit(
        actor,
        "quote.declined",
        quote,
        data=event_data(quote) | {"decided_by": quote.decided_by, "reason": quote.decline_reason},
    )
    return quote


def quote_expired(quote: Quote, today: date) -> bool:
    return quote.status == QuoteStatus.SENT and quote.valid_until is not None and quote.valid_until < today
