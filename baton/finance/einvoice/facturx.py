"""Factur-X / ZUGFeRD: the invoice's PDF (`finance/pdf.py`) as PDF/A-3 with the CII XML embedded as `factur-x.xml`
(profile EN 16931), by the `factur-x` package, which also checks the XML against the Factur-X EN 16931 XSD (a
restriction of CII D16B) before embedding it."""

from __future__ import annotations

from facturx import generate_from_binary

from baton.finance.models import Invoice
from baton.finance.pdf import invoice_pdf_bytes


def facturx_pdf(invoice: Invoice, xml: bytes) -> bytes:
    """The hybrid PDF. The XSD check raises on an invalid XML (a bug, never the user's input)."""
    title = "Credit note" if invoice.kind == "credit_note" else "Invoice"
    metadata = {
        "author": invoice.workspace.legal_name or invoice.workspace.name,
        "keywords": "Factur-X, ZUGFeRD, EN 16931",
        "title": f"{invoice.workspace.legal_name}: {title} {invoice.number}",
        "subject": f"Factur-X {title.lower()} {invoice.number}",
    }
    pdf = generate_from_binary(
        invoice_pdf_bytes(invoice, pdfa=True),
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata=metadata,
        lang="en-GB",
    )
    return bytes(pdf)
