"""Quotes as PDF (fpdf2, the look of `finance/pdf.py`): both parties with their addresses and tax ids, the lines
(optional items marked), the totals and the validity. Core Helvetica, Windows-1252; other characters are replaced."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from baton.finance.models import Quote
from baton.finance.pdf import INK, LINE, MUTED, document_pdf_class
from baton.finance.pdf import money_text as _money
from baton.finance.pdf import pdf_text as _text

if TYPE_CHECKING:
    from fpdf import FPDF

BILLING = {"fixed_fee": "Fixed fee", "time_and_materials": "Time and materials", "retainer": "Retainer"}


def quote_pdf_bytes(quote: Quote) -> bytes:
    """The quote as a one-document PDF."""
    pdf = document_pdf_class()(format="A4", unit="mm")
    pdf.core_fonts_encoding = "windows-1252"
    revision = f"revision {quote.revision}" if quote.revision else "draft"
    pdf.set_title(_text(f"Quote {quote.title} ({revision})"))
    pdf.set_author(_text(quote.workspace.name))
    pdf.footer_text = f"{quote.workspace.name} - Quote Q-{quote.pk} ({revision})"
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    _header(pdf, quote, width)
    _parties(pdf, quote, width)
    _lines(pdf, quote, width)
    _totals(pdf, quote, width)
    if quote.notes:
        pdf.ln(6)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(width, 5, _text(quote.notes))
    return bytes(pdf.output())


def _header(pdf: FPDF, quote: Quote, width: float) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(width / 2, 10, _text(quote.workspace.legal_name or quote.workspace.name))
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(width / 2, 10, _text(f"Quote Q-{quote.pk}"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.cell(width, 7, _text(quote.title), align="R", new_x="LMARGIN", new_y="NEXT")
    if quote.status in ("accepted", "declined"):
        pdf.set_text_color(*MUTED)
        pdf.cell(width, 7, quote.status.upper(), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
    pdf.ln(4)


def _party(name: str, address: str, country: str, vat_id: str) -> list[str]:
    rows = [name, *[r for r in (address or "").splitlines() if r.strip()]]
    if country:
        rows.append(country)
    if vat_id:
        rows.append(f"VAT id {vat_id}")
    return rows


def _parties(pdf: FPDF, quote: Quote, width: float) -> None:
    """From (the workspace) and For (the client), each with its address and tax id; then the terms."""
    ws, client = quote.workspace, quote.client
    left = _party(ws.legal_name or ws.name, ws.address, ws.country, ws.vat_id)
    right = _party(client.legal_name or client.name, client.address, client.country, client.vat_id)
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(width / 2, 6, "From")
    pdf.cell(width / 2, 6, "For", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.set_text_color(*INK)
    for i in range(max(len(left), len(right))):
        pdf.cell(width / 2, 5, _text(left[i] if i < len(left) else "")[:60])
        pdf.cell(width / 2, 5, _text(right[i] if i < len(right) else "")[:60], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    terms = [("Billing", BILLING.get(quote.billing, quote.billing)), ("Currency", quote.currency)]
    if quote.billing == "retainer" and quote.period_fee is not None:
        terms.append(("Monthly fee", _money(quote.period_fee, quote.currency)))
    terms.append(("Valid until", quote.valid_until.strftime("%d %b %Y") if quote.valid_until else "-"))
    if quote.sent_at:
        terms.append(("Sent", quote.sent_at.strftime("%d %b %Y")))
    for label, value in terms:
        pdf.set_text_color(*MUTED)
        pdf.cell(30, 6, _text(label))
        pdf.set_text_color(*INK)
        pdf.cell(width - 30, 6, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _lines(pdf: FPDF, quote: Quote, width: float) -> None:
    """The lines' table, by phase when the quote has phases; an optional line is marked (and whether it is chosen)."""
    cols = (width - 95, 25, 35, 35)
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_text_color(*MUTED)
    pdf.set_draw_color(*LINE)
    for text, w, align in zip(("Description", "Quantity", "Unit price", "Amount"), cols, "LRRR", strict=True):
        pdf.cell(w, 8, text, border="B", align=align)
    pdf.ln(8)
    phase = None
    for line in quote.lines.all():
        if line.phase and line.phase != phase:
            phase = line.phase
            pdf.set_font("Helvetica", "B", 10)
            pdf.set_text_color(*INK)
            pdf.cell(width, 7, _text(phase), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        pdf.set_text_color(*(MUTED if line.optional and not line.selected else INK))
        text = line.description
        who = line.role or (line.person.name if line.person_id and line.person else "")
        if who:
            text += f" ({who})"
        if line.optional:
            text += " - optional, chosen" if line.selected else " - optional"
        text = _text(text)
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
    pdf.set_text_color(*INK)
    pdf.ln(4)


def _total_row(pdf: FPDF, quote: Quote, width: float, label: str, amount: Decimal, bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 11 if bold else 10)
    pdf.cell(width - 70, 7, "")
    pdf.cell(35, 7, _text(label), align="R")
    pdf.cell(35, 7, _money(amount, quote.currency), align="R", new_x="LMARGIN", new_y="NEXT")


def _totals(pdf: FPDF, quote: Quote, width: float) -> None:
    if quote.discount_amount:
        _total_row(pdf, quote, width, "Lines", quote.lines_total)
        _total_row(pdf, quote, width, f"Discount {quote.discount_pct:.2f}%", -quote.discount_amount)
    _total_row(pdf, quote, width, "Subtotal", quote.subtotal)
    _total_row(pdf, quote, width, f"Tax {quote.tax_rate:.2f}%", quote.tax)
    _total_row(pdf, quote, width, "Total", quote.total, bold=True)
    if any(line.optional and not line.selected for line in quote.lines.all()):
        pdf.set_font("Helvetica", size=9)
        pdf.set_text_color(*MUTED)
        pdf.cell(width, 6, "Optional items not chosen are not included in the totals.", new_x="LMARGIN", new_y="NEXT")
