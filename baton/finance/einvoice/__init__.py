"""EN 16931 e-invoices of an issued invoice or credit note: Factur-X (PDF/A-3 + CII), UBL 2.1 in the Peppol BIS
Billing 3.0 profile, and XRechnung (UBL). `einvoice_of` picks the format; `document.py` holds the semantic model and
the legally required fields (422 naming each missing one), `cii.py` / `ubl.py` the two syntaxes, `facturx.py` the
PDF. The tests validate every document against the official XSDs and CEN's Schematron (finance's RULES.md)."""

from __future__ import annotations

from dataclasses import dataclass

from baton.core import access
from baton.core.access import Actor
from baton.finance.einvoice.cii import cii_xml
from baton.finance.einvoice.document import Document, accounting_settings, document_of, missing_fields, parse_address
from baton.finance.einvoice.facturx import facturx_pdf
from baton.finance.einvoice.ubl import ubl_xml
from baton.finance.models import Invoice

FORMATS = ("factur-x", "ubl", "xrechnung")

__all__ = [
    "FORMATS",
    "Document",
    "EInvoice",
    "accounting_settings",
    "cii_xml",
    "document_of",
    "einvoice_of",
    "missing_fields",
    "parse_address",
    "ubl_xml",
]


@dataclass(frozen=True)
class EInvoice:
    content: bytes
    content_type: str
    filename: str


def einvoice_of(*, actor: Actor, invoice: Invoice, fmt: str) -> EInvoice:
    """The e-invoice of a visible invoice in one of `FORMATS` (the caller resolved `invoice` through the selector)."""
    access.require(actor, "invoice", "view", invoice)
    name = (invoice.number or f"invoice-{invoice.pk}").replace("/", "-")
    if fmt == "factur-x":
        xml = cii_xml(document_of(invoice))
        return EInvoice(facturx_pdf(invoice, xml), "application/pdf", f"{name}-factur-x.pdf")
    xrechnung = fmt == "xrechnung"
    xml = ubl_xml(document_of(invoice, xrechnung=xrechnung), xrechnung=xrechnung)
    return EInvoice(xml, "application/xml", f"{name}-{fmt}.xml")
