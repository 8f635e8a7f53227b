"""Invoices as PDF (fpdf2, pure Python). The built-in Helvetica with the Windows-1252 encoding covers Western
European text and the euro sign; anything else is replaced rather than failing the download."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baton.finance.models import Invoice, InvoiceKind

if TYPE_CHECKING:
    from fpdf import FPDF

INK = (29, 35, 48)
MUTED = (93, 102, 119)
LINE = (223, 227, 234)


def _text(value: object) -> str:
    return str(value).encode("cp1252", errors="replace").decode("cp1252")


def _money(amount: Decimal, currency: str) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,.2f} {currency}"


@cache
def _invoice_pdf_class() -> Any:
    """FPDF with the invoice's footer. fpdf2 and what it loads (~50 MB) come with the first PDF a process renders, not
    into every web worker, hence the import here."""
    from fpdf import FPDF  # noqa: PLC0415

    class InvoicePDF(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.set_text_color(*MUTED)
            self.cell(0, 8, _text(self.footer_text), align="L")
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="R")

    return InvoicePDF


def invoice_pdf_bytes(invoice: Invoice, *, pdfa: bool = False) -> bytes:
    """A one-document PDF of the invoice: header, parties, lines, totals, payments. `pdfa`: PDF/A-3B (fonts embedded,
    sRGB output intent), the base of a Factur-X e-invoice (`finance/einvoice/facturx.py`)."""
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    title = "Credit note" if credit else "Invoice"
    pdf = (_pdfa_class() if pdfa and PDFA_FONTS.exists() else _invoice_pdf_class())(format="A4", unit="mm")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_title(f"{title} {invoice.number or 'draft'}")
    pdf.set_author(_text(invoice.workspace.name))
    pdf.footer_text = f"{invoice.workspace.name} - {title} {invoice.number or '(draft)'}"
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    _header(pdf, invoice, title, width)
    _parties(pdf, invoice, width)
    _lines(pdf, invoice, width)
    _totals(pdf, invoice, width, credit=credit)
    _payments_and_notes(pdf, invoice, width)
    return bytes(pdf.output())


def _header(pdf: FPDF, invoice: Invoice, title: str, width: float) -> None:
    """The workspace's name, the title and number, VOID when void."""
    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(width / 2, 10, _text(invoice.workspace.name))
    pdf.set_font("Helvetica", "B", 16)
    label = f"{title} {invoice.number}" if invoice.number else f"Draft {title.lower()}"
    pdf.cell(width / 2, 10, _text(label), align="R", new_x="LMARGIN", new_y="NEXT")
    if invoice.status == "void":
        pdf.set_text_color(180, 35, 24)
        pdf.cell(width, 8, "VOID", align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
    pdf.ln(4)


def _parties(pdf: FPDF, invoice: Invoice, width: float) -> None:
    """Two columns: who is billed, the project, what it corrects; the dates, currency and period."""
    pdf.set_font("Helvetica", size=10)
    left = [("Billed to", invoice.client.name)]
    if invoice.project_id and invoice.project:
        left.append(("Project", invoice.project.name))
    if invoice.credit_for_id and invoice.credit_for:
        left.append(("Corrects", str(invoice.credit_for)))
    right = [
        ("Issued", invoice.issue_date.strftime("%d %b %Y") if invoice.issue_date else "-"),
        ("Due", invoice.due_date.strftime("%d %b %Y") if invoice.due_date else "-"),
        ("Currency", invoice.currency),
    ]
    if invoice.period_start and invoice.period_end:
        right.append(("Period", f"{invoice.period_start:%d %b %Y} - {invoice.period_end:%d %b %Y}"))
    for i in range(max(len(left), len(right))):
        for pair in (left[i] if i < len(left) else ("", ""), right[i] if i < len(right) else ("", "")):
            pdf.set_text_color(*MUTED)
            pdf.cell(25, 6, _text(pair[0]))
            pdf.set_text_color(*INK)
            pdf.cell(width / 2 - 25, 6, _text(pair[1])[:60])
        pdf.ln(6)
    pdf.ln(6)


def _lines(pdf: FPDF, invoice: Invoice, width: float) -> None:
    """The lines' table; a line that does not fit starts a new page."""
    cols = (width - 95, 25, 35, 35)
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_text_color(*MUTED)
    pdf.set_draw_color(*LINE)
    for text, w, align in zip(("Description", "Quantity", "Unit price", "Amount"), cols, "LRRR", strict=True):
        pdf.cell(w, 8, text, border="B", align=align)
    pdf.ln(8)
    pdf.set_font("Helvetica", size=10)
    pdf.set_text_color(*INK)
    for line in invoice.lines.all():
        text = _text(line.description)
        wrapped: Any = pdf.multi_cell(cols[0], 6, text, dry_run=True, output="LINES")
        height = 6.0 * max(1, len(wrapped))
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        y = pdf.get_y()
        pdf.multi_cell(cols[0], 6, text, new_x="RIGHT", new_y="TOP")
        pdf.cell(cols[1], 6, f"{line.quantity:,.2f}", align="R")
        pdf.cell(cols[2], 6, f"{line.unit_price:,.2f}", align="R")
        pdf.cell(cols[3], 6, f"{line.amount:,.2f}", align="R")
        pdf.set_xy(pdf.l_margin, y + height + 1)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1)
    pdf.ln(4)


def _total_row(pdf: FPDF, invoice: Invoice, width: float, label: str, amount: Decimal, bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 11 if bold else 10)
    pdf.cell(width - 60, 7, "")
    pdf.cell(25, 7, _text(label), align="R")
    pdf.cell(35, 7, _money(amount, invoice.currency), align="R", new_x="LMARGIN", new_y="NEXT")


def _totals(pdf: FPDF, invoice: Invoice, width: float, *, credit: bool) -> None:
    """Subtotal, tax and total; on an issued invoice what was paid and credited, and the balance due."""
    _total_row(pdf, invoice, width, "Subtotal", invoice.subtotal)
    _total_row(pdf, invoice, width, f"Tax {invoice.tax_rate:.2f}%", invoice.tax)
    _total_row(pdf, invoice, width, "Total", invoice.total, bold=True)
    if not credit and invoice.status in ("sent", "paid"):
        if invoice.amount_paid:
            _total_row(pdf, invoice, width, "Paid", -invoice.amount_paid)
        if invoice.amount_credited:
            _total_row(pdf, invoice, width, "Credited", -invoice.amount_credited)
        if invoice.balance_due < 0:  # a credit note left more credited than was unpaid
            _total_row(pdf, invoice, width, "Refund owed to you", invoice.refund_owed, bold=True)
        else:
            _total_row(pdf, invoice, width, "Balance due", invoice.balance_due, bold=True)


def _payments_and_notes(pdf: FPDF, invoice: Invoice, width: float) -> None:
    """The payments received, then the notes."""
    payments = list(invoice.payments.all())
    if payments:
        pdf.ln(6)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(width, 7, "Payments received", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for payment in payments:
            refund = "refund  " if payment.amount < 0 else ""
            detail = f"{payment.paid_on:%d %b %Y}  {refund}{_money(payment.amount, invoice.currency)}"
            if payment.method:
                detail += f"  ({payment.method})"
            pdf.cell(width, 6, _text(detail), new_x="LMARGIN", new_y="NEXT")
    if invoice.notes:
        pdf.ln(6)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(width, 5, _text(invoice.notes))


# PDF/A forbids the standard 14 fonts (never embedded): the Factur-X PDF embeds DejaVu Sans (Debian's
# fonts-dejavu-core, on every machine of the project) in their place. Without it, the plain PDF is used.
PDFA_FONTS = Path("/usr/share/fonts/truetype/dejavu")


@cache
def _pdfa_class() -> Any:
    """The invoice PDF as PDF/A-3B: fpdf2 checks compliance, embeds the fonts and adds the sRGB output intent."""
    base = _invoice_pdf_class()

    class InvoicePDFA(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, enforce_compliance="PDF/A-3B", **kwargs)
            for style, name in (("", "DejaVuSans"), ("B", "DejaVuSans-Bold"), ("I", "DejaVuSans-Oblique")):
                self.add_font("DejaVu", style, str(PDFA_FONTS / f"{name}.ttf"))

        def set_font(self, family: str | None = None, style: str = "", size: float = 0) -> None:
            if family and family.lower() in ("helvetica", "arial"):
                family = "DejaVu"
            super().set_font(family, style, size)

    return InvoicePDFA
