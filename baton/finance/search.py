"""Invoices in search (knowledge's `register_search_source`, from finance's `wiring.py`): found by their number,
client, project, notes and line descriptions, among the invoices `invoice_list` shows the person (owner, admin and
finance all; an AM its clients'; a PM its projects'; a client user its own client's issued ones; a member none)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.finance.models import Invoice
from baton.finance.selectors import invoice_list
from baton.knowledge.search_sources import SearchDoc, SearchSource, register_search_source

_DIGITS = re.compile(r"(\d+)$")


def invoice_title(invoice: Invoice) -> str:
    what = invoice.get_kind_display()
    if invoice.number:
        return f"{what} {invoice.number}"
    return f"Draft {what.lower()} for {invoice.client.name}"


def invoice_documents(invoice: Invoice) -> list[SearchDoc]:
    number = invoice.number or ""
    digits = _DIGITS.search(number)
    short = str(int(digits.group(1))) if digits else ""  # INV-00012 is also found as "12"
    lines = [line.description for line in invoice.lines.all()]
    body = "\n".join(
        p
        for p in (
            f"{number} {short}".strip(),
            invoice.client.name,
            invoice.project.name if invoice.project_id and invoice.project else "",
            invoice.get_status_display(),
            invoice.notes,
            *lines,
        )
        if p
    )
    return [SearchDoc(invoice_title(invoice), body, invoice.client_id, invoice.project_id)]


def invoice_records(workspace: Workspace) -> Iterable[Invoice]:
    return Invoice.objects.filter(workspace=workspace).select_related("client", "project").prefetch_related("lines")


def invoices_of_client(client_id: int) -> list[int]:
    return list(Invoice.objects.filter(client_id=client_id).values_list("id", flat=True))


def invoice_visible(actor: Actor) -> QuerySet[Invoice]:
    return invoice_list(actor=actor)


def invoice_url(actor: Actor, invoice_id: int, client_id: int | None) -> str:
    return reverse("finance:invoice", args=[invoice_id])


register_search_source(
    SearchSource(
        kind="invoice",
        label="Invoice",
        plural="Invoices",
        model=Invoice,
        resource="invoice",
        documents=invoice_documents,
        visible=invoice_visible,
        url=invoice_url,
        records=invoice_records,
        refresh_on={"client": invoices_of_client},  # its text names the client
    )
)
