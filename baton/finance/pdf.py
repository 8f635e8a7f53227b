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


def pdf_text(value: object) -> str:
    return str(value).encode("cp1252", errors="replace").decode("cp1252")


def money_text(amount: Decimal, currency: str) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,.2f} {currency}"


@cache
def document_pdf_class() -> Any:
    """FPDF with the invoice's footer. fpdf2 and what it loads (~50 MB) come with the first PDF a process renders, not
    into every web worker, hence the import here."""
    from fpdf import FPDF  # noqa: PLC0415

    class InvoicePDF(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.set_text_color(*MUTED)
            self.cell(0, 8, pdf_text(self.footer_text), align="L")
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="R")

    return InvoicePDF


def pdf_filename(invoice: Invoice) -> str:
    """`INV-00001.pdf`, `CN-00001.pdf`, or `draft-12.pdf`."""
    return f"{(invoice.number or f'draft-{invoice.pk}').replace('/', '-')}.pdf"


def invoice_pdf_bytes(invoice: Invoice, *, pdfa: bool = False) -> bytes:
    """A one-document PDF of the invoice: both parties (legal names, addresses, VAT ids), the dates and payment terms,
    lines, totals, the balance due after payments and credits, payments, and how to pay (bank, IBAN, BIC). A credit
    note is titled as such and names the invoice it corrects. `pdfa`: PDF/A-3B (fonts embedded, sRGB output intent),
    the base of a Factur-X e-invoice (`finance/einvoice/facturx.py`)."""
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    title = "Credit note" if credit else "Invoice"
    pdf = (_pdfa_class() if pdfa and PDFA_FONTS.exists() else document_pdf_class())(format="A4", unit="mm")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_title(f"{title} {invoice.number or 'draft'}")
    pdf.set_author(pdf_text(_seller_name(invoice)))
    pdf.footer_text = f"{_seller_name(invoice)} - {title} {invoice.number or '(draft)'}"
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    _header(pdf, invoice, title, width)
    _parties(pdf, invoice, width)
    _facts(pdf, invoice, width)
    _lines(pdf, invoice, width)
    _totals(pdf, invoice, width, credit=credit)
    _payments_and_notes(pdf, invoice, width)
    _how_to_pay(pdf, invoice, width, credit=credit)
    return bytes(pdf.output())


def _seller_name(invoice: Invoice) -> str:
    return invoice.workspace.legal_name or invoice.workspace.name


def _header(pdf: FPDF, invoice: Invoice, title: str, width: float) -> None:
    """The seller's name, the title and number, VOID when void, a rule."""
    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(width * 0.6, 10, pdf_text(_seller_name(invoice))[:48])
    pdf.set_font("Helvetica", "B", 16)
    label = f"{title} {invoice.number}" if invoice.number else f"Draft {title.lower()}"
    pdf.cell(width * 0.4, 10, pdf_text(label), align="R", new_x="LMARGIN", new_y="NEXT")
    if invoice.status == "void":
        pdf.set_text_color(180, 35, 24)
        pdf.cell(width, 8, "VOID", align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
    pdf.set_draw_color(*LINE)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.l_margin + width, pdf.get_y() + 2)
    pdf.ln(6)


def _party(name: str, address: str, country: str, vat_id: str, extra: list[str]) -> list[str]:
    lines = [name, *[line.strip() for line in (address or "").splitlines() if line.strip()]]
    if country:
        lines.append(country)
    if vat_id:
        lines.append(f"VAT id: {vat_id}")
    return lines + extra


def _parties(pdf: FPDF, invoice: Invoice, width: float) -> None:
    """Two columns: the seller (from) and the buyer (billed to), each with legal name, address, country, VAT id."""
    workspace, client = invoice.workspace, invoice.client
    seller = _party(_seller_name(invoice), workspace.address, workspace.country, workspace.vat_id, [])
    buyer = _party(
        client.legal_name or client.name,
        client.address,
        client.country,
        client.vat_id,
        [f"Customer number: {client.number}"] if client.number else [],
    )
    column = width / 2
    pdf.set_font("Helvetica", "B", 8)
    pdf.set_text_color(*MUTED)
    pdf.cell(column, 5, "FROM")
    pdf.cell(column, 5, "BILLED TO", new_x="LMARGIN", new_y="NEXT")
    for i in range(max(len(seller), len(buyer))):
        for party in (seller, buyer):
            pdf.set_font("Helvetica", "B" if i == 0 else "", 10)
            pdf.set_text_color(*INK)
            pdf.cell(column, 5, pdf_text(party[i])[:60] if i < len(party) else "")
        pdf.ln(5)
    pdf.ln(5)


def _facts(pdf: FPDF, invoice: Invoice, width: float) -> None:
    """Number, dates, payment terms, currency, project, period, and what a credit note corrects: label-value pairs in
    two columns."""
    facts = [
        ("Number", invoice.number or "assigned when issued"),
        ("Issue date", invoice.issue_date.strftime("%d %b %Y") if invoice.issue_date else "-"),
    ]
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        if invoice.credit_for_id and invoice.credit_for:
            original = invoice.credit_for
            issued = f" of {original.issue_date:%d %b %Y}" if original.issue_date else ""
            facts.append(("Corrects", f"Invoice {original.number or '(draft)'}{issued}"))
    else:
        facts.append(("Due date", invoice.due_date.strftime("%d %b %Y") if invoice.due_date else "-"))
        if invoice.issue_date and invoice.due_date:
            days = (invoice.due_date - invoice.issue_date).days
            facts.append(("Payment terms", f"{days} days net" if days else "Due on receipt"))
        else:
            facts.append(("Payment terms", f"{invoice.workspace.payment_terms_days} days net"))
    facts.append(("Currency", invoice.currency))
    if invoice.project_id and invoice.project:
        facts.append(("Project", invoice.project.name))
    if invoice.period_start and invoice.period_end:
        facts.append(("Period", f"{invoice.period_start:%d %b %Y} - {invoice.period_end:%d %b %Y}"))
    pdf.set_font("Helvetica", size=10)
    half = (len(facts) + 1) // 2
    left, right = facts[:half], facts[half:]
    for i in range(half):
        for pair in (left[i], right[i] if i < len(right) else ("", "")):
            pdf.set_text_color(*MUTED)
            pdf.cell(30, 6, pdf_text(pair[0]))
            pdf.set_text_color(*INK)
            pdf.cell(width / 2 - 30, 6, pdf_text(pair[1])[:50])
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
        text = pdf_text(line.description)
        wrapped: Any = pdf.multi_cell(cols[0], 6, text, dry_run=True, output="LINES", align="L")
        height = 6.0 * max(1, len(wrapped))
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        y = pdf.get_y()
        pdf.multi_cell(cols[0], 6, text, new_x="RIGHT", new_y="TOP", align="L")
        pdf.cell(cols[1], 6, f"{line.quantity:,.2f}", align="R")
        pdf.cell(cols[2], 6, f"{line.shown_unit_price:,.2f}", align="R")  # a credit note's: positive, as entered
        pdf.cell(cols[3], 6, f"{line.shown_amount:,.2f}", align="R")
        pdf.set_xy(pdf.l_margin, y + height + 1)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1)
    pdf.ln(4)


def _total_row(pdf: FPDF, invoice: Invoice, width: float, label: str, amount: Decimal, bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 11 if bold else 10)
    pdf.cell(width - 60, 7, "")
    pdf.cell(25, 7, pdf_text(label), align="R")
    pdf.cell(35, 7, money_text(amount, invoice.currency), align="R", new_x="LMARGIN", new_y="NEXT")


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


def _how_to_pay(pdf: FPDF, invoice: Invoice, width: float, *, credit: bool) -> None:
    """The seller's bank details and the reference to quote; on a credit note, how it settles."""
    workspace = invoice.workspace
    pdf.ln(8)
    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "B", 10)
    if credit:
        pdf.cell(width, 7, "About this credit note", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        original = invoice.credit_for.number if invoice.credit_for_id and invoice.credit_for else "the invoice"
        pdf.multi_cell(
            width,
            5,
            align="L",
            text=pdf_text(
                f"This credit note reduces what is owed on invoice {original}. Any amount already paid beyond the "
                "new balance is refunded to you."
            ),
        )
        return
    pdf.cell(width, 7, "How to pay", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    rows = [
        ("Account holder", _seller_name(invoice)),
        ("Bank", workspace.bank_name),
        ("IBAN", _grouped(workspace.iban)),
        ("BIC", workspace.bic),
        ("Reference", invoice.number or ""),
    ]
    for label, value in rows:
        if value:
            pdf.set_text_color(*MUTED)
            pdf.cell(35, 6, pdf_text(label))
            pdf.set_text_color(*INK)
            pdf.cell(width - 35, 6, pdf_text(value), new_x="LMARGIN", new_y="NEXT")
    if invoice.due_date:
        pdf.set_text_color(*MUTED)
        pdf.cell(width, 6, pdf_text(f"Please pay by {invoice.due_date:%d %b %Y}."), new_x="LMARGIN", new_y="NEXT")


def _grouped(iban: str) -> str:
    """An IBAN in groups of four, as printed on paper."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


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
            detail = f"{payment.paid_on:%d %b %Y}  {refund}{money_text(payment.amount, invoice.currency)}"
            if payment.method:
                detail += f"  ({payment.method})"
            pdf.cell(width, 6, pdf_text(detail), new_x="LMARGIN", new_y="NEXT")
    if invoice.notes:
        pdf.ln(6)
        pdf.set_font("Helvetica", size=10)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(width, 5, pdf_text(invoice.notes), align="L")


# PDF/A forbids the standard 14 fonts (never embedded): the Factur-X PDF embeds DejaVu Sans (Debian's
# fonts-dejavu-core, on every machine of the project) in their place. Without it, the plain PDF is used.
PDFA_FONTS = Path("/usr/share/fonts/truetype/dejavu")


@cache
def _pdfa_class() -> Any:
    """The invoice PDF as PDF/A-3B: fpdf2 checks compliance, embeds the fonts and adds the sRGB output intent."""
    base = document_pdf_class()

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
