"""E-invoices (EN 16931) of issued invoices and credit notes: Factur-X (PDF/A-3 + CII), UBL 2.1 / Peppol BIS 3.0 and
XRechnung, each validated by the official XSD and CEN's Schematron (`einvoice_check`); a broken one fails; missing
legally required fields answer 422 naming each."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from lxml import etree
from pypdf import PdfReader

from baton.devdata.testing.personas import PASSWORD
from baton.finance.einvoice import cii_xml, document_of, ubl_xml
from baton.finance.einvoice.document import _net_price, price_text
from baton.finance.models import AccountingSettings, Invoice
from baton.finance.tests.einvoice_check import schematron_errors, validation_errors, xsd_errors

pytestmark = pytest.mark.django_db
JSON = "application/json"
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
CBC = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
RAM = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


def legal_details(personas, *, buyer_country="DE", number="04011000-12345-03"):
    ws = personas.workspace
    ws.legal_name, ws.address, ws.country, ws.vat_id = "Studio GmbH", "Hauptstr. 1\n10115 Berlin", "DE", "DE123456789"
    ws.iban, ws.bic, ws.bank_name = "DE02120300000000202051", "BYLADEM1001", "Deutsche Kreditbank"
    ws.save()
    client = personas.client_a
    client.legal_name, client.address = "Acme Handels AG", "Marktplatz 5\nEtage 2\n80331 München"
    client.country, client.vat_id, client.number = buyer_country, f"{buyer_country}987654321", number
    client.save()
    AccountingSettings.objects.update_or_create(
        workspace=ws,
        defaults={"contact_name": "Fiona Finance", "contact_email": "billing@studio.test", "contact_phone": "+49 30 1"},
    )


def issued(api, client_id, lines, tax_rate):
    body = {"client_id": client_id, "tax_rate": tax_rate, "lines": lines}
    draft = api.post("/api/v1/invoices", body, content_type=JSON)
    assert draft.status_code == 201, draft.content
    invoice = api.post(f"/api/v1/invoices/{draft.json()['id']}/issue")
    assert invoice.status_code == 200, invoice.content
    return invoice.json()


TWO_LINES = [
    {"description": "Design sprint", "quantity": "12.5", "unit_price": "120.00"},
    {"description": "Hosting (November)", "quantity": "1", "unit_price": "49.99"},
]
DISCOUNT = {"description": "Loyalty discount", "quantity": "1", "unit_price": "-50.00"}


@pytest.fixture
def seeded(personas):
    """A taxed invoice (19 %), a tax-free one (reverse charge to another EU country, on client B), a credit note on
    the taxed one, and a part payment."""
    with time_machine.travel(NOW, tick=False):
        legal_details(personas)
        client_b = personas.client_b
        client_b.legal_name, client_b.address, client_b.country = "Bureau SARL", "1 rue de Rivoli\n75001 Paris", "FR"
        client_b.vat_id, client_b.number = "FR12345678901", "FR-B-77"
        client_b.save()
        api = personas["finance"].api()
        taxed = issued(api, personas.client_a.id, TWO_LINES, "19.00")
        untaxed = issued(api, client_b.id, [*TWO_LINES, DISCOUNT], "0")
        paid = api.post(f"/api/v1/invoices/{taxed['id']}/payments", {"amount": "500.00"}, content_type=JSON)
        assert paid.status_code == 201
        note = api.post(
            f"/api/v1/invoices/{taxed['id']}/credit-note",
            {"lines": [{"description": "Hosting refund", "quantity": "1", "unit_price": "49.99"}]},
            content_type=JSON,
        )
        assert note.status_code == 201, note.content
        credit = api.post(f"/api/v1/invoices/{note.json()['id']}/issue").json()
    return {"api": api, "taxed": taxed, "untaxed": untaxed, "credit": credit}


def _xml(invoice_id, fmt):
    invoice = Invoice.objects.get(pk=invoice_id)
    if fmt == "cii":
        return cii_xml(document_of(invoice))
    return ubl_xml(document_of(invoice, xrechnung=fmt == "xrechnung"), xrechnung=fmt == "xrechnung")


@pytest.mark.parametrize("which", ["taxed", "untaxed", "credit"])
@pytest.mark.parametrize("fmt", ["cii", "ubl", "xrechnung"])
def test_every_document_passes_xsd_and_schematron(seeded, which, fmt):
    xml = _xml(seeded[which]["id"], fmt)
    assert validation_errors(xml) == []


def test_ubl_totals_map_subtotal_total_and_balance_due(seeded):
    taxed = Invoice.objects.get(pk=seeded["taxed"]["id"])
    assert taxed.subtotal == Decimal("1549.99") and taxed.tax == Decimal("294.50")
    root = etree.fromstring(_xml(taxed.pk, "ubl"))
    total = lambda tag: root.findtext(f".//cbc:{tag}", namespaces=CBC)  # noqa: E731
    assert total("TaxExclusiveAmount") == "1549.99"
    assert total("TaxInclusiveAmount") == "1844.49"
    assert Decimal(total("PayableAmount")) == taxed.balance_due == Decimal("1844.49") - 500 - Decimal("59.49")
    assert root.findtext("cbc:CustomizationID", namespaces=CBC).endswith("poacc:billing:3.0")
    assert root.find(".//cbc:PaymentMeansCode", namespaces=CBC).text == "58"
    assert root.findtext(".//cac:PayeeFinancialAccount/cbc:ID", namespaces={**CBC, "cac": _CAC}) == (
        "DE02120300000000202051"
    )


_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"


def test_credit_note_states_positive_amounts_as_a_ubl_credit_note(seeded):
    xml = _xml(seeded["credit"]["id"], "ubl")
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=CBC) == "381"
    assert root.findtext(".//cbc:TaxInclusiveAmount", namespaces=CBC) == "59.49"
    assert root.findtext(".//cbc:PayableAmount", namespaces=CBC) == "59.49"
    assert (
        root.findtext(".//cac:InvoiceDocumentReference/cbc:ID", namespaces={**CBC, "cac": _CAC})
        == (seeded["taxed"]["number"])
    )
    cii = etree.fromstring(_xml(seeded["credit"]["id"], "cii"))
    assert cii.findtext(".//ram:TypeCode", namespaces=RAM) == "381"
    assert cii.findtext(".//ram:GrandTotalAmount", namespaces=RAM) == "59.49"


def test_xrechnung_carries_its_customization_and_leitweg_id(seeded):
    root = etree.fromstring(_xml(seeded["taxed"]["id"], "xrechnung"))
    assert root.findtext("cbc:CustomizationID", namespaces=CBC).endswith("xrechnung_3.0")
    assert root.findtext("cbc:BuyerReference", namespaces=CBC) == "04011000-12345-03"
    assert root.findtext(".//cbc:Telephone", namespaces=CBC) == "+49 30 1"


def test_broken_documents_fail_validation(seeded):
    xml = _xml(seeded["taxed"]["id"], "ubl")
    wrong_total = xml.replace(
        b'<cbc:TaxInclusiveAmount currencyID="USD">1844.49', b'<cbc:TaxInclusiveAmount currencyID="USD">1900.00'
    )
    assert wrong_total != xml
    assert any("BR-CO-15" in e for e in schematron_errors(wrong_total))
    root = etree.fromstring(xml)
    buyer = root.find(f"{{{_CAC}}}AccountingCustomerParty")
    root.remove(buyer)
    no_buyer = etree.tostring(root)
    assert xsd_errors(no_buyer)  # the buyer is mandatory in UBL's schema too
    cii = _xml(seeded["taxed"]["id"], "cii")
    broken = cii.replace(b"<ram:GrandTotalAmount>1844.49", b"<ram:GrandTotalAmount>1844.50")
    assert broken != cii and any("BR-CO-15" in e for e in schematron_errors(broken))


def test_api_serves_each_format_with_type_and_filename(seeded):
    api, taxed = seeded["api"], seeded["taxed"]
    for fmt, ctype in (("ubl", "application/xml"), ("xrechnung", "application/xml"), ("factur-x", "application/pdf")):
        response = api.get(f"/api/v1/invoices/{taxed['id']}/e-invoice?format={fmt}")
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == ctype
        assert taxed["number"] in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(body))
    embedded = reader.attachments
    assert list(embedded) == ["factur-x.xml"]
    xml = embedded["factur-x.xml"][0]
    assert validation_errors(xml) == []
    # PDF/A-3: declared in the XMP (part 3, conformance B, the Factur-X profile), an sRGB output intent, every font
    # embedded, the XML attached as the document's associated file.
    xmp = reader.xmp_metadata.stream.get_data().decode() if reader.xmp_metadata else ""
    assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "EN 16931" in xmp and "factur-x.xml" in xmp
    catalog: Any = reader.trailer["/Root"]
    assert catalog["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert catalog["/AF"][0].get_object()["/AFRelationship"] in ("/Data", "/Alternative")
    pages: list[Any] = list(reader.pages)
    fonts: list[Any] = [f.get_object() for page in pages for f in page["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts)


def test_missing_legal_fields_answer_422_naming_each(personas):
    with time_machine.travel(NOW, tick=False):
        api = personas["finance"].api()
        invoice = issued(api, personas.client_a.id, TWO_LINES, "19.00")
    response = api.get(f"/api/v1/invoices/{invoice['id']}/e-invoice?format=ubl")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"workspace.legal_name", "workspace.vat_id", "workspace.iban", "client.address", "client.vat_id"} <= fields
    legal_details(personas)
    client = personas.client_a
    client.number = ""
    client.vat_id = ""
    client.save()
    AccountingSettings.objects.filter(workspace=personas.workspace).update(contact_phone="")
    response = api.get(f"/api/v1/invoices/{invoice['id']}/e-invoice?format=xrechnung")
    fields = {e["field"] for e in response.json()["errors"]}
    assert response.status_code == 422 and fields == {"client.vat_id", "client.number", "settings.contact_phone"}


def test_drafts_have_no_e_invoice_and_unknown_formats_are_refused(personas):
    legal_details(personas)
    api = personas["finance"].api()
    body = {"client_id": personas.client_a.id, "lines": TWO_LINES}
    draft = api.post("/api/v1/invoices", body, content_type=JSON).json()
    assert api.get(f"/api/v1/invoices/{draft['id']}/e-invoice?format=ubl").status_code == 409
    assert api.get(f"/api/v1/invoices/{draft['id']}/e-invoice?format=pdf").status_code == 422


def test_invoice_page_links_the_downloads_and_explains_what_is_missing(seeded, personas):
    web = HttpClient()
    assert web.login(email=personas["finance"].email, password=PASSWORD)
    taxed = seeded["taxed"]
    page = web.get(f"/finance/invoices/{taxed['id']}/")
    assert b'id="invoice-einvoice"' in page.content and b"/e-invoice/xrechnung/" in page.content
    ubl = web.get(f"/finance/invoices/{taxed['id']}/e-invoice/ubl/")
    assert ubl.status_code == 200 and ubl["Content-Type"] == "application/xml"
    assert validation_errors(ubl.content) == []
    personas.client_a.__class__.objects.filter(pk=personas.client_a.pk).update(vat_id="")
    refused = web.get(f"/finance/invoices/{taxed['id']}/e-invoice/ubl/", follow=True)
    assert b"client.vat_id" in refused.content


def test_the_client_downloads_its_own_e_invoice(seeded, personas):
    client_api = personas["client_a"].api()
    response = client_api.get(f"/api/v1/invoices/{seeded['taxed']['id']}/e-invoice?format=ubl")
    assert response.status_code == 200
    other = client_api.get(f"/api/v1/invoices/{seeded['untaxed']['id']}/e-invoice?format=ubl")  # client B's
    assert other.status_code == 404


def test_a_time_line_whose_rate_is_an_average_keeps_quantity_times_price_equal_to_its_amount(seeded):
    taxed = Invoice.objects.get(pk=seeded["taxed"]["id"])
    line = taxed.lines.first()
    # As a line drawn from time can be: 12.5 h whose entries billed 1500.00 at two rates, shown at 120.33 / h.
    type(line).objects.filter(pk=line.pk).update(unit_price=Decimal("120.33"), kind="time")
    xml = _xml(taxed.pk, "ubl")
    root = etree.fromstring(xml)
    first = root.find(f"{{{_CAC}}}InvoiceLine")
    price = Decimal(first.findtext(f"{{{_CAC}}}Price/{{{CBC['cbc']}}}PriceAmount"))
    quantity = Decimal(first.findtext(f"{{{CBC['cbc']}}}InvoicedQuantity"))
    assert price == Decimal("120") and quantity == Decimal("12.50")  # 1500.00 / 12.5
    assert first.find(f"{{{CBC['cbc']}}}InvoicedQuantity").get("unitCode") == "HUR"
    assert validation_errors(xml) == [] and validation_errors(_xml(taxed.pk, "cii")) == []


def test_net_price_carries_the_decimals_the_amount_needs():
    price = _net_price(Decimal("3.00"), Decimal("100.33"), Decimal("301.00"))
    assert price_text(price) == "100.333333" and (3 * price).quantize(Decimal("0.01")) == Decimal("301.00")
    assert price_text(_net_price(Decimal("2"), Decimal("-25.00"), Decimal("-50.00"))) == "25.00"
    assert price_text(Decimal("1E+2")) == "100.00"
