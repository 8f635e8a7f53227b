"""One invoice (or credit note) as the EN 16931 semantic model needs it, before any syntax: the parties, the lines,
the VAT breakdown and the totals. CII (`cii.py`) and UBL (`ubl.py`) write this same `Document` down.

Baton keeps a credit note's totals negative; EN 16931 states a credit note with positive amounts and its own type
code (381, UBL `CreditNote-2`), so every amount here is positive for a credit note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from baton.core import client_view
from baton.core.errors import Conflict
from baton.core.money import CENT
from baton.finance.models import AccountingSettings, Invoice, InvoiceKind, InvoiceStatus

GUIDELINE = "urn:cen.eu:en16931:2017"
PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
XRECHNUNG_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
SEPA_CREDIT_TRANSFER = "58"
EU = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)  # EL is Greece's VAT prefix; its ISO code is GR
# Peppol's electronic address schemes (EAS) of VAT numbers, by country; other sellers are addressed by e-mail (EM).
VAT_SCHEMES = {
    "AT": "9915", "BE": "9925", "BG": "9926", "CY": "9928", "CZ": "9929", "DE": "9930", "EE": "9931", "GB": "9932",
    "GR": "9933", "HR": "9934", "IE": "9935", "LU": "9938", "LV": "9939", "MT": "9943", "NL": "9944", "PL": "9945",
    "PT": "9946", "RO": "9947", "SI": "9949", "SK": "9950", "FR": "9957", "HU": "9910", "ES": "9920", "IT": "0211",
}  # fmt: skip


@dataclass(frozen=True)
class Address:
    lines: tuple[str, ...]  # street line(s)
    postcode: str
    city: str
    country: str


@dataclass(frozen=True)
class Party:
    legal_name: str
    address: Address
    vat_id: str
    email: str = ""
    contact_name: str = ""
    contact_phone: str = ""

    @property
    def endpoint(self) -> tuple[str, str] | None:
        """(scheme, id) of the party's electronic address: its VAT number where Peppol has a scheme for it, else its
        e-mail; None without either (EN 16931 leaves it optional, Peppol's network needs it)."""
        scheme = VAT_SCHEMES.get(self.address.country)
        if scheme:
            return scheme, self.vat_id
        return ("EM", self.email) if self.email else None


@dataclass(frozen=True)
class Line:
    number: int
    description: str
    quantity: Decimal
    unit_code: str  # UN/ECE rec. 20: HUR hours, C62 one
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Tax:
    """The single VAT category of a Baton invoice (one tax rate per invoice)."""

    category: str  # S standard, Z zero rated, AE reverse charge, G export outside the EU
    rate: Decimal
    basis: Decimal
    amount: Decimal
    exemption_reason: str = ""
    exemption_code: str = ""


@dataclass(frozen=True)
class Document:
    number: str
    credit_note: bool
    issue_date: dt.date
    due_date: dt.date | None
    currency: str
    buyer_reference: str
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    tax: Tax
    line_total: Decimal  # Σ line amounts (= subtotal, no document allowances)
    tax_exclusive: Decimal  # subtotal
    tax_inclusive: Decimal  # total
    prepaid: Decimal  # payments and issued credit notes already set against it
    payable: Decimal  # balance due
    iban: str
    bic: str
    bank_name: str
    payment_terms: str
    note: str
    period_start: dt.date | None
    period_end: dt.date | None
    preceding_number: str = ""  # a credit note's invoice
    preceding_date: dt.date | None = None

    @property
    def type_code(self) -> str:
        return "381" if self.credit_note else "380"


def parse_address(text: str, country: str) -> Address:
    """`address` holds street line(s), then a "postal code city" line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return Address((), "", "", country.upper())
    last = lines[-1]
    postcode, _, city = last.partition(" ")
    if not city or not any(ch.isdigit() for ch in postcode):
        postcode, city = "", last
    return Address(tuple(lines[:-1]), postcode, city.strip(), country.upper())


def missing_fields(invoice: Invoice, *, xrechnung: bool = False) -> dict[str, str]:
    """Every legally required field the workspace (seller) or the client (buyer) lacks, by name."""
    ws, client = invoice.workspace, invoice.client
    errors: dict[str, str] = {}
    for prefix, party in (("workspace", ws), ("client", client)):
        who = "The seller (workspace settings)" if prefix == "workspace" else "The buyer (the client)"
        for field, label in (("legal_name", "legal name"), ("address", "address"), ("country", "country")):
            if not str(getattr(party, field) or "").strip():
                errors[f"{prefix}.{field}"] = f"{who} needs a {label} on an e-invoice."
        if not party.vat_id.strip():
            errors[f"{prefix}.vat_id"] = f"{who} needs a VAT id on an e-invoice."
        if party.address.strip() and party.country:
            address = parse_address(party.address, party.country)
            if not address.city or (xrechnung and not address.postcode):
                errors[f"{prefix}.address"] = "Give the address as street, then a 'postal code city' line."
    if not ws.iban.strip():
        errors["workspace.iban"] = "A credit transfer needs the IBAN clients pay into."
    if xrechnung:
        settings = accounting_settings(ws.pk)
        if not client.number.strip():
            errors["client.number"] = "XRechnung needs the buyer's reference (Leitweg-ID): set the client's number."
        for field in ("contact_name", "contact_email", "contact_phone"):
            if not getattr(settings, field).strip():
                errors[f"settings.{field}"] = "XRechnung names the seller's contact: set it in the finance settings."
    return errors


PRICE_PLACES = Decimal("0.000001")


def _net_price(quantity: Decimal, unit_price: Decimal, amount: Decimal) -> Decimal:
    """The line's net price, positive, such that quantity x price rounds to its amount (Peppol's R120): a line drawn
    from time sums its entries' bill amounts, which hours x one shown rate need not give; its price then carries
    more decimals (amount / quantity)."""
    price = abs(unit_price)
    if quantity and (abs(quantity) * price).quantize(CENT, rounding=ROUND_HALF_UP) != abs(amount):
        price = (abs(amount) / abs(quantity)).quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)
    return price


def price_text(price: Decimal) -> str:
    """A price as written in the XML: cents, or the decimals it needs (never an exponent)."""
    if price == price.quantize(CENT):
        return f"{price:.2f}"
    return format(price.normalize(), "f")


def _shareable_note(invoice: Invoice) -> str:
    """The invoice's note, as the client may read it (core.client_view): dropped when it names internal information
    (an escalation's title), since an e-invoice reaches the client."""
    audience = client_view.audience_for(invoice.client)
    note = invoice.notes.strip()
    if not audience.may_see(client_view.INVOICE) or client_view.internal_fragments(invoice.client, note):
        return ""
    return note


def accounting_settings(workspace_id: int) -> AccountingSettings:
    settings, _ = AccountingSettings.objects.get_or_create(workspace_id=workspace_id)
    return settings


def tax_of(invoice: Invoice, seller_country: str, buyer_country: str, basis: Decimal, amount: Decimal) -> Tax:
    """The VAT category: standard when taxed; untaxed within one country is zero rated, to another EU country a
    reverse charge, outside the EU an export."""
    rate = invoice.tax_rate.quantize(Decimal("0.01"))
    if rate > 0:
        return Tax("S", rate, basis, amount)
    if seller_country == buyer_country:
        return Tax("Z", rate, basis, amount)
    if buyer_country in EU and seller_country in EU:
        return Tax("AE", rate, basis, amount, "Reverse charge", "VATEX-EU-AE")
    return Tax("G", rate, basis, amount, "Export outside the EU", "VATEX-EU-G")


def document_of(invoice: Invoice, *, xrechnung: bool = False) -> Document:
    """The EN 16931 document of an issued invoice or credit note; 409 for a draft or void one, 422 naming every
    missing legally required field."""
    if invoice.status not in (InvoiceStatus.SENT, InvoiceStatus.PAID) or not invoice.number or not invoice.issue_date:
        raise Conflict(f"{invoice} is {invoice.status}; only an issued invoice has an e-invoice.", field="status")
    errors = missing_fields(invoice, xrechnung=xrechnung)
    if errors:
        raise ValidationError(errors)
    ws, client = invoice.workspace, invoice.client
    settings = accounting_settings(ws.pk)
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    seller = Party(
        ws.legal_name.strip(),
        parse_address(ws.address, ws.country),
        ws.vat_id.strip(),
        email=settings.contact_email,
        contact_name=settings.contact_name,
        contact_phone=settings.contact_phone,
    )
    primary = client.contacts.filter(is_primary=True).exclude(email="").first()
    buyer = Party(
        client.legal_name.strip(),
        parse_address(client.address, client.country),
        client.vat_id.strip(),
        email=primary.email if primary else "",
    )
    sign = Decimal(-1) if credit else Decimal(1)  # a credit note states its (negative) lines positive
    lines = tuple(
        Line(
            number=i,
            description=line.description,
            # A price is never negative (BR-27): a negative line (a discount) carries a negative quantity instead.
            quantity=sign * line.quantity * (1 if line.unit_price >= 0 else -1),
            unit_code="HUR" if line.kind == "time" else "C62",
            unit_price=_net_price(line.quantity, line.unit_price, line.amount),
            amount=sign * line.amount,
        )
        for i, line in enumerate(invoice.lines.all(), start=1)
    )
    subtotal, tax, total = (
        (abs(v) for v in (invoice.subtotal, invoice.tax, invoice.total))
        if credit
        else (
            invoice.subtotal,
            invoice.tax,
            invoice.total,
        )
    )
    payable = total if credit else invoice.balance_due  # a credit note counts on its invoice: nothing paid on it
    original = invoice.credit_for if credit else None
    return Document(
        number=invoice.number,
        credit_note=credit,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        buyer_reference=client.number.strip() or invoice.number,
        seller=seller,
        buyer=buyer,
        lines=lines,
        tax=tax_of(invoice, seller.address.country, buyer.address.country, subtotal, tax),
        line_total=subtotal,
        tax_exclusive=subtotal,
        tax_inclusive=total,
        prepaid=total - payable,
        payable=payable,
        iban=ws.iban.replace(" ", "").upper(),
        bic=ws.bic.strip().upper(),
        bank_name=ws.bank_name.strip(),
        payment_terms=f"Payable within {ws.payment_terms_days} days by credit transfer, quoting {invoice.number}.",
        note=_shareable_note(invoice),
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        preceding_number=(original.number or "") if original else "",
        preceding_date=original.issue_date if original else None,
    )
