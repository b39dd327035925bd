"""Peppol BIS 3.0 UBL of issued invoices and credit notes (e-invoicing), checked offline with the
official artefacts: the UBL 2.1 XSD, the CEN EN 16931 rules and the Peppol rules. A single fatal
rule fails the test and is printed."""

from __future__ import annotations

import base64
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from coop_billing.einvoicing.validator import Validator
from coop_shared.errors import ValidationError
from tests import support
from tests.integration import billing_setup

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
# The official Peppol examples (rules/examples of peppol-bis-invoice-3, 3.0.19), vendored for the tests.
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "peppol-examples"
PUBLIC_BODY = {
    "name": "Commune d'Ixelles",
    "kind": "public_body",
    "enterprise_number": "0207.373.429",
    "peppol_id": "0208:0207373429",
    "email": "factures@ixelles.example",
    "language": "fr",
    "address": {
        "street": "Chaussée d'Ixelles 168",
        "postal_code": "1050",
        "city": "Ixelles",
        "country": "BE",
    },
}


@pytest.fixture(scope="module")
def validator():
    return Validator()


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing")
    return billing_setup.build(rpc_client)


def ubl_of(world, document_id: str) -> bytes:
    rendered = world.dies.render_invoice({"invoice_id": document_id, "format": "ubl"})
    assert rendered["content_type"] == "application/xml"
    return base64.b64decode(rendered["content"])


def assert_acceptable(validator, content: bytes, label: str) -> ET.Element:
    report = validator.validate(content)
    print(
        f"{label}: {report.document}, {len(report.fatal)} fatal, {len(report.findings) - len(report.fatal)} warnings"
    )
    assert report.fatal == [], "\n".join(
        f"{f.rule_set} {f.rule}: {f.text} at {f.location}" for f in report.fatal
    )
    return ET.fromstring(content)


def issued(world, **invoice) -> dict:
    return world.dies.issue_invoice(
        world.dies.create_invoice(billing_setup.two_line_invoice(world, **invoice))["id"]
    )


def test_each_vat_regime_and_a_credit_note_pass_the_xsd_and_both_rule_sets(world, validator):
    german = world.dies.create_customer(billing_setup.DE_COMPANY)
    commune = world.dies.create_customer(PUBLIC_BODY)
    documents = {
        "standard, two rates": issued(world, buyer_reference="PO-2026-118"),
        "reverse charge (construction)": issued(
            world,
            vat_regime="reverse_charge_construction",
            lines=[
                {"description": "Pose de cuisine", "quantity": "1", "unit_price": "2500.00", "vat_rate": "0"}
            ],
        ),
        "intra-EU services": issued(
            world,
            vat_regime="intra_eu_services",
            customer_id=german["id"],
            lines=[{"description": "Consulting", "quantity": "2", "unit_price": "450.00", "vat_rate": "0"}],
        ),
        "exempt": issued(
            world,
            vat_regime="exempt",
            customer_id=commune["id"],
            lines=[
                {
                    "description": "Formation professionnelle",
                    "quantity": "3",
                    "unit_price": "120.50",
                    "vat_rate": "0",
                }
            ],
        ),
    }
    categories = {}
    for label, invoice in documents.items():
        root = assert_acceptable(validator, ubl_of(world, invoice["id"]), label)
        assert root.findtext("cbc:ID", namespaces=NS) == invoice["number"]
        assert (
            root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)
            == invoice["total_incl_vat"]
        )
        categories[label] = sorted(
            e.text for e in root.findall("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID", namespaces=NS)
        )
    assert categories == {
        "standard, two rates": ["S", "S"],
        "reverse charge (construction)": ["AE"],
        "intra-EU services": ["AE"],  # a reverse charge (art. 196 Directive 2006/112/EC), not K (goods)
        "exempt": ["E"],
    }

    standard = ET.fromstring(ubl_of(world, documents["standard, two rates"]["id"]))
    assert standard.find("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", NS).attrib == {
        "schemeID": "0208"
    }
    assert (
        standard.findtext("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", namespaces=NS)
        == "0403170701"
    )
    assert (
        standard.findtext("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", namespaces=NS)
        == "0202239951"
    )
    assert standard.findtext("cbc:BuyerReference", namespaces=NS) == "PO-2026-118"
    assert standard.findtext("cac:PaymentMeans/cbc:PaymentMeansCode", namespaces=NS) == "30"
    assert (
        standard.findtext("cac:PaymentMeans/cbc:PaymentID", namespaces=NS)
        == documents["standard, two rates"]["structured_communication"]
    )
    assert (
        standard.findtext("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", namespaces=NS)
        == "BE05068123456775"
    )
    pdf = base64.b64decode(
        standard.findtext(
            "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", namespaces=NS
        )
    )
    assert pdf.startswith(b"%PDF")

    credit = world.dies.create_credit_note(
        {
            "invoice_id": documents["standard, two rates"]["id"],
            "reason": "Livres retournés",
            "lines": [{"line_id": documents["standard, two rates"]["lines"][1]["id"], "quantity": "1"}],
        }
    )
    root = assert_acceptable(validator, ubl_of(world, credit["id"]), "credit note")
    assert root.tag.endswith("}CreditNote")
    assert (
        root.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=NS)
        == documents["standard, two rates"]["number"]
    )
    assert (
        root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == credit["total_incl_vat"]
    )


US_COMPANY = {
    "name": "Cargo Bikes Inc.",
    "kind": "company",
    "peppol_id": "0060:123456789",
    "language": "en",
    "address": {"street": "1 Main Street", "postal_code": "97201", "city": "Portland", "country": "US"},
}


def category_of(root) -> list[tuple]:
    """(category, percent, exemption code) of each VAT breakdown line, and of each line's item."""
    return [
        (
            e.findtext("cbc:ID", namespaces=NS),
            e.findtext("cbc:Percent", namespaces=NS),
            e.findtext("cbc:TaxExemptionReasonCode", namespaces=NS),
        )
        for e in root.findall("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
        + root.findall("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory", NS)
    ]


def test_the_new_regimes_pass_the_three_rule_sets_with_their_codes(world, validator):
    german = world.dies.create_customer(billing_setup.DE_COMPANY)
    american = world.dies.create_customer(US_COMPANY)
    line = {"description": "Vélo cargo", "quantity": "2", "unit_price": "1450.00", "vat_rate": "0"}
    documents = {
        "intra-EU services": issued(
            world, vat_regime="intra_eu_services", customer_id=german["id"], lines=[dict(line, unit="HUR")]
        ),
        "intra-EU goods": issued(
            world,
            vat_regime="intra_eu_goods",
            customer_id=german["id"],
            lines=[line],
            supply_date="2026-11-20",
        ),
        "export": issued(world, vat_regime="export", customer_id=american["id"], lines=[line]),
        "outside scope": issued(
            world,
            vat_regime="outside_scope",
            customer_id=american["id"],
            lines=[dict(line, description="Atelier à Portland", unit="DAY", quantity="3")],
        ),
        "renovation 6 %": issued(
            world,
            vat_regime="renovation",
            renovation_declaration=True,
            lines=[dict(line, description="Rénovation salle de bain", unit="MTK", vat_rate="0.06")],
        ),
    }
    roots = {
        label: assert_acceptable(validator, ubl_of(world, invoice["id"]), label)
        for label, invoice in documents.items()
    }
    assert {label: category_of(root) for label, root in roots.items()} == {
        "intra-EU services": [("AE", "0.00", "VATEX-EU-AE"), ("AE", "0.00", None)],
        "intra-EU goods": [("K", "0.00", "VATEX-EU-IC"), ("K", "0.00", None)],
        "export": [("G", "0.00", "VATEX-EU-G"), ("G", "0.00", None)],
        "outside scope": [("O", None, "VATEX-EU-O"), ("O", None, None)],  # no rate (BR-O-05, BR-48)
        "renovation 6 %": [("S", "6.00", None), ("S", "6.00", None)],
    }
    reasons = {
        label: root.findtext(
            "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason", namespaces=NS
        )
        for label, root in roots.items()
    }
    # The German and American customers read English (their customer language).
    assert "art. 196 Directive 2006/112/EC" in reasons["intra-EU services"]
    assert "article 39bis" in reasons["intra-EU goods"]
    assert "article 39 of the Belgian VAT Code" in reasons["export"]
    assert "Outside the scope of Belgian VAT" in reasons["outside scope"]
    assert reasons["renovation 6 %"] is None  # S carries no exemption reason (BR-S-10)
    # BR-O-02: no VAT identifier of the seller or the buyer on an invoice outside the scope.
    assert roots["outside scope"].find("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", NS) is None
    assert (
        roots["export"].findtext(
            "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS
        )
        == "BE0403170701"
    )
    # Intra-Community supply: when (BT-72) and where (BT-80) it was delivered.
    goods = roots["intra-EU goods"]
    assert goods.findtext("cac:Delivery/cbc:ActualDeliveryDate", namespaces=NS) == "2026-11-20"
    assert (
        goods.findtext(
            "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode", namespaces=NS
        )
        == "DE"
    )
    units = {
        label: root.find("cac:InvoiceLine/cbc:InvoicedQuantity", NS).attrib["unitCode"]
        for label, root in roots.items()
    }
    assert units == {
        "intra-EU services": "HUR",
        "intra-EU goods": "C62",
        "export": "C62",
        "outside scope": "DAY",
        "renovation 6 %": "MTK",
    }


def test_an_intra_community_supply_of_goods_needs_the_customer_eu_vat_number(world):
    american = world.dies.create_customer(US_COMPANY)
    with pytest.raises(ValidationError) as error:
        world.dies.create_invoice(
            billing_setup.two_line_invoice(
                world,
                vat_regime="intra_eu_goods",
                customer_id=american["id"],
                lines=[{"description": "Vélo", "quantity": "1", "unit_price": "900.00", "vat_rate": "0"}],
            )
        )
    assert "customer_id" in str(error.value)
    with pytest.raises(ValidationError) as error:
        world.dies.create_invoice(
            billing_setup.two_line_invoice(
                world,
                vat_regime="renovation",
                lines=[
                    {"description": "Carrelage", "quantity": "1", "unit_price": "900.00", "vat_rate": "0.06"}
                ],
            )
        )
    assert "renovation_declaration" in str(error.value)


def test_supply_period_and_line_periods_are_in_the_ubl(world, validator):
    invoice = issued(
        world,
        period_start="2026-10-01",
        period_end="2026-10-31",
        lines=[
            {
                "description": "Livraisons à vélo",
                "quantity": "12.5",
                "unit": "HUR",
                "unit_price": "48.00",
                "vat_rate": "0.21",
                "period_start": "2026-10-01",
                "period_end": "2026-10-15",
            },
            {
                "description": "Trajets",
                "quantity": "40",
                "unit": "KMT",
                "unit_price": "0.50",
                "vat_rate": "0.21",
            },
        ],
    )
    root = assert_acceptable(validator, ubl_of(world, invoice["id"]), "period")
    assert (
        root.findtext("cac:InvoicePeriod/cbc:StartDate", namespaces=NS),
        root.findtext("cac:InvoicePeriod/cbc:EndDate", namespaces=NS),
    ) == ("2026-10-01", "2026-10-31")
    first = root.find("cac:InvoiceLine", NS)
    assert (
        first.findtext("cac:InvoicePeriod/cbc:StartDate", namespaces=NS),
        first.findtext("cac:InvoicePeriod/cbc:EndDate", namespaces=NS),
    ) == ("2026-10-01", "2026-10-15")
    assert [e.attrib["unitCode"] for e in root.findall("cac:InvoiceLine/cbc:InvoicedQuantity", NS)] == [
        "HUR",
        "KMT",
    ]


def test_the_validator_catches_what_a_receiver_would_refuse(world, validator):
    good = ubl_of(world, issued(world)["id"])
    assert validator.validate(good).acceptable
    wrong_total = good.replace(
        b'<cbc:PayableAmount currencyID="EUR">1180.01<', b'<cbc:PayableAmount currencyID="EUR">1180.00<'
    )
    assert wrong_total != good
    assert {f.rule for f in validator.validate(wrong_total).fatal} >= {"BR-CO-16"}
    bad_endpoint = good.replace(b'schemeID="0208">0403170701<', b'schemeID="0208">0403170702<', 1)
    assert "PEPPOL-COMMON-R043" in {f.rule for f in validator.validate(bad_endpoint).fatal}
    not_ubl = validator.validate(
        good.replace(b"<cbc:IssueDate>", b"<cbc:IssueDay>", 1).replace(
            b"</cbc:IssueDate>", b"</cbc:IssueDay>", 1
        )
    )
    assert [f.rule_set for f in not_ubl.fatal] and not_ubl.fatal[0].rule_set == "xsd"


def test_staff_check_a_received_e_invoice_from_the_command_line(tmp_path):
    examples = sorted(EXAMPLES.glob("*.xml"))
    broken = tmp_path / "broken.xml"
    broken.write_bytes(
        examples[0].read_bytes().replace(b"<cbc:CustomizationID>", b"<cbc:CustomizationID>x", 1)
    )
    done = subprocess.run(
        support.coop_command() + ["billing", "validate-ubl", *map(str, examples)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("acceptable (0 fatal") == len(examples) == 4
    refused = subprocess.run(
        support.coop_command() + ["billing", "validate-ubl", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1 and "REFUSED" in refused.stdout and "PEPPOL-EN16931-R004" in refused.stdout
