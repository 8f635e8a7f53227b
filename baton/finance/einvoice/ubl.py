"""UBL 2.1 Invoice / CreditNote in the Peppol BIS Billing 3.0 profile, and XRechnung (the same document with KoSIT's
CustomizationID, a buyer reference (Leitweg-ID) and the seller's contact). Elements follow the UBL schema's order."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree as ET

from baton.finance.einvoice.document import (
    PEPPOL_CUSTOMIZATION,
    PEPPOL_PROFILE,
    SEPA_CREDIT_TRANSFER,
    XRECHNUNG_CUSTOMIZATION,
    Document,
    Party,
    price_text,
)

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ET.register_namespace("cac", CAC)
ET.register_namespace("cbc", CBC)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    ns, _, name = tag.partition(":")
    child = ET.SubElement(parent, f"{{{CAC if ns == 'cac' else CBC}}}{name}", attrs)
    if text is not None:
        child.text = text
    return child


def _money(parent: ET.Element, tag: str, value: Decimal, currency: str) -> None:
    _el(parent, tag, f"{value:.2f}", currencyID=currency)


def _party(parent: ET.Element, tag: str, party: Party, *, contact: bool) -> None:
    node = _el(_el(parent, tag), "cac:Party")
    if party.endpoint:
        _el(node, "cbc:EndpointID", party.endpoint[1], schemeID=party.endpoint[0])
    address = _el(node, "cac:PostalAddress")
    for tag_name, line in zip(("cbc:StreetName", "cbc:AdditionalStreetName"), party.address.lines, strict=False):
        _el(address, tag_name, line)
    _el(address, "cbc:CityName", party.address.city)
    if party.address.postcode:
        _el(address, "cbc:PostalZone", party.address.postcode)
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", party.address.country)
    tax_scheme = _el(node, "cac:PartyTaxScheme")
    _el(tax_scheme, "cbc:CompanyID", party.vat_id)
    _el(_el(tax_scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    _el(_el(node, "cac:PartyLegalEntity"), "cbc:RegistrationName", party.legal_name)
    if contact and (party.contact_name or party.contact_phone or party.email):
        person = _el(node, "cac:Contact")
        if party.contact_name:
            _el(person, "cbc:Name", party.contact_name)
        if party.contact_phone:
            _el(person, "cbc:Telephone", party.contact_phone)
        if party.email:
            _el(person, "cbc:ElectronicMail", party.email)


def _tax_category(parent: ET.Element, tag: str, doc: Document, *, reason: bool) -> None:
    category = _el(parent, tag)
    _el(category, "cbc:ID", doc.tax.category)
    _el(category, "cbc:Percent", f"{doc.tax.rate:.2f}")
    if reason and doc.tax.exemption_code:
        _el(category, "cbc:TaxExemptionReasonCode", doc.tax.exemption_code)
        _el(category, "cbc:TaxExemptionReason", doc.tax.exemption_reason)
    _el(_el(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def ubl_xml(doc: Document, *, xrechnung: bool = False) -> bytes:
    """The UBL Invoice (CreditNote for a credit note), UTF-8 with an XML declaration."""
    ET.register_namespace("", CREDIT_NOTE if doc.credit_note else INVOICE)
    name = "CreditNote" if doc.credit_note else "Invoice"
    root = ET.Element(f"{{{CREDIT_NOTE if doc.credit_note else INVOICE}}}{name}")
    _el(root, "cbc:CustomizationID", XRECHNUNG_CUSTOMIZATION if xrechnung else PEPPOL_CUSTOMIZATION)
    _el(root, "cbc:ProfileID", PEPPOL_PROFILE)
    _el(root, "cbc:ID", doc.number)
    _el(root, "cbc:IssueDate", doc.issue_date.isoformat())
    if doc.due_date and not doc.credit_note:
        _el(root, "cbc:DueDate", doc.due_date.isoformat())
    _el(root, "cbc:CreditNoteTypeCode" if doc.credit_note else "cbc:InvoiceTypeCode", doc.type_code)
    if doc.note:
        _el(root, "cbc:Note", doc.note)
    _el(root, "cbc:DocumentCurrencyCode", doc.currency)
    _el(root, "cbc:BuyerReference", doc.buyer_reference)
    if doc.period_start and doc.period_end:
        period = _el(root, "cac:InvoicePeriod")
        _el(period, "cbc:StartDate", doc.period_start.isoformat())
        _el(period, "cbc:EndDate", doc.period_end.isoformat())
    if doc.preceding_number:
        reference = _el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _el(reference, "cbc:ID", doc.preceding_number)
        if doc.preceding_date:
            _el(reference, "cbc:IssueDate", doc.preceding_date.isoformat())
    _party(root, "cac:AccountingSupplierParty", doc.seller, contact=True)
    _party(root, "cac:AccountingCustomerParty", doc.buyer, contact=False)
    means = _el(root, "cac:PaymentMeans")
    _el(means, "cbc:PaymentMeansCode", SEPA_CREDIT_TRANSFER)
    _el(means, "cbc:PaymentID", doc.number)
    account = _el(means, "cac:PayeeFinancialAccount")
    _el(account, "cbc:ID", doc.iban)
    if doc.bank_name:
        _el(account, "cbc:Name", doc.bank_name)
    if doc.bic:
        _el(_el(account, "cac:FinancialInstitutionBranch"), "cbc:ID", doc.bic)
    _el(_el(root, "cac:PaymentTerms"), "cbc:Note", doc.payment_terms)
    _totals(root, doc)
    for line in doc.lines:
        _line(root, doc, line.number)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _totals(root: ET.Element, doc: Document) -> None:
    tax_total = _el(root, "cac:TaxTotal")
    _money(tax_total, "cbc:TaxAmount", doc.tax.amount, doc.currency)
    subtotal = _el(tax_total, "cac:TaxSubtotal")
    _money(subtotal, "cbc:TaxableAmount", doc.tax.basis, doc.currency)
    _money(subtotal, "cbc:TaxAmount", doc.tax.amount, doc.currency)
    _tax_category(subtotal, "cac:TaxCategory", doc, reason=True)
    legal = _el(root, "cac:LegalMonetaryTotal")
    _money(legal, "cbc:LineExtensionAmount", doc.line_total, doc.currency)
    _money(legal, "cbc:TaxExclusiveAmount", doc.tax_exclusive, doc.currency)
    _money(legal, "cbc:TaxInclusiveAmount", doc.tax_inclusive, doc.currency)
    if doc.prepaid:
        _money(legal, "cbc:PrepaidAmount", doc.prepaid, doc.currency)
    _money(legal, "cbc:PayableAmount", doc.payable, doc.currency)


def _line(root: ET.Element, doc: Document, number: int) -> None:
    line = doc.lines[number - 1]
    node = _el(root, "cac:CreditNoteLine" if doc.credit_note else "cac:InvoiceLine")
    _el(node, "cbc:ID", str(line.number))
    quantity = "cbc:CreditedQuantity" if doc.credit_note else "cbc:InvoicedQuantity"
    _el(node, quantity, f"{line.quantity}", unitCode=line.unit_code)
    _money(node, "cbc:LineExtensionAmount", line.amount, doc.currency)
    item = _el(node, "cac:Item")
    _el(item, "cbc:Name", line.description[:200])
    _tax_category(item, "cac:ClassifiedTaxCategory", doc, reason=False)
    _el(_el(node, "cac:Price"), "cbc:PriceAmount", price_text(line.unit_price), currencyID=doc.currency)
