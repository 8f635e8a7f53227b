"""UN/CEFACT Cross Industry Invoice (CII D16B) in the EN 16931 profile: the XML inside a Factur-X / ZUGFeRD PDF.
Elements follow the schema's order (the Factur-X EN 16931 XSD checks it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from xml.etree import ElementTree as ET

from baton.finance.einvoice.document import GUIDELINE, SEPA_CREDIT_TRANSFER, Document, Party, price_text

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
for _prefix, _uri in (("rsm", RSM), ("ram", RAM), ("qdt", QDT), ("udt", UDT)):
    ET.register_namespace(_prefix, _uri)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    ns, _, name = tag.partition(":")
    uri = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}[ns]
    child = ET.SubElement(parent, f"{{{uri}}}{name}", attrs)
    if text is not None:
        child.text = text
    return child


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _date(parent: ET.Element, tag: str, day: dt.date, ns: str = "udt") -> None:
    _el(_el(parent, tag), f"{ns}:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _party(parent: ET.Element, tag: str, party: Party, *, contact: bool) -> None:
    node = _el(parent, tag)
    _el(node, "ram:Name", party.legal_name)
    if contact and (party.contact_name or party.contact_phone or party.email):
        person = _el(node, "ram:DefinedTradeContact")
        if party.contact_name:
            _el(person, "ram:PersonName", party.contact_name)
        if party.contact_phone:
            _el(_el(person, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", party.contact_phone)
        if party.email:
            _el(_el(person, "ram:EmailURIUniversalCommunication"), "ram:URIID", party.email)
    address = _el(node, "ram:PostalTradeAddress")
    if party.address.postcode:
        _el(address, "ram:PostcodeCode", party.address.postcode)
    for tag_name, line in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), party.address.lines, strict=False):
        _el(address, tag_name, line)
    _el(address, "ram:CityName", party.address.city)
    _el(address, "ram:CountryID", party.address.country)
    if party.endpoint:
        _el(_el(node, "ram:URIUniversalCommunication"), "ram:URIID", party.endpoint[1], schemeID=party.endpoint[0])
    _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")


def cii_xml(doc: Document) -> bytes:
    """The CII document (UTF-8, with an XML declaration)."""
    root = ET.Element(f"{{{RSM}}}CrossIndustryInvoice")
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)
    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", doc.number)
    _el(header, "ram:TypeCode", doc.type_code)
    _date(header, "ram:IssueDateTime", doc.issue_date)
    if doc.note:
        _el(_el(header, "ram:IncludedNote"), "ram:Content", doc.note)
    trade = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in doc.lines:
        item = _el(trade, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(line.number))
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        _el(_el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", price_text(line.unit_price))
        _el(
            _el(item, "ram:SpecifiedLineTradeDelivery"),
            "ram:BilledQuantity",
            f"{line.quantity}",
            unitCode=line.unit_code,
        )
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", doc.tax.category)
        _el(tax, "ram:RateApplicablePercent", _amount(doc.tax.rate))
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(line.amount))
    agreement = _el(trade, "ram:ApplicableHeaderTradeAgreement")
    _el(agreement, "ram:BuyerReference", doc.buyer_reference)
    _party(agreement, "ram:SellerTradeParty", doc.seller, contact=True)
    _party(agreement, "ram:BuyerTradeParty", doc.buyer, contact=False)
    _el(trade, "ram:ApplicableHeaderTradeDelivery")
    _settlement(_el(trade, "ram:ApplicableHeaderTradeSettlement"), doc)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _settlement(node: ET.Element, doc: Document) -> None:
    _el(node, "ram:PaymentReference", doc.number)
    _el(node, "ram:InvoiceCurrencyCode", doc.currency)
    means = _el(node, "ram:SpecifiedTradeSettlementPaymentMeans")
    _el(means, "ram:TypeCode", SEPA_CREDIT_TRANSFER)
    _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", doc.iban)
    if doc.bic:
        _el(_el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", doc.bic)
    tax = _el(node, "ram:ApplicableTradeTax")
    _el(tax, "ram:CalculatedAmount", _amount(doc.tax.amount))
    _el(tax, "ram:TypeCode", "VAT")
    if doc.tax.exemption_reason:
        _el(tax, "ram:ExemptionReason", doc.tax.exemption_reason)
    _el(tax, "ram:BasisAmount", _amount(doc.tax.basis))
    _el(tax, "ram:CategoryCode", doc.tax.category)
    if doc.tax.exemption_code:
        _el(tax, "ram:ExemptionReasonCode", doc.tax.exemption_code)
    _el(tax, "ram:RateApplicablePercent", _amount(doc.tax.rate))
    if doc.period_start and doc.period_end:
        period = _el(node, "ram:BillingSpecifiedPeriod")
        _date(period, "ram:StartDateTime", doc.period_start)
        _date(period, "ram:EndDateTime", doc.period_end)
    terms = _el(node, "ram:SpecifiedTradePaymentTerms")
    _el(terms, "ram:Description", doc.payment_terms)
    if doc.due_date and not doc.credit_note:
        _date(terms, "ram:DueDateDateTime", doc.due_date)
    totals = _el(node, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(doc.line_total))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(doc.tax_exclusive))
    _el(totals, "ram:TaxTotalAmount", _amount(doc.tax.amount), currencyID=doc.currency)
    _el(totals, "ram:GrandTotalAmount", _amount(doc.tax_inclusive))
    if doc.prepaid:
        _el(totals, "ram:TotalPrepaidAmount", _amount(doc.prepaid))
    _el(totals, "ram:DuePayableAmount", _amount(doc.payable))
    if doc.preceding_number:
        reference = _el(node, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", doc.preceding_number)
        if doc.preceding_date:
            _date(reference, "ram:FormattedIssueDateTime", doc.preceding_date, ns="qdt")
