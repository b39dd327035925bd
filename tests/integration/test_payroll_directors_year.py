"""A BRUCOOP company director's year over the real bus and PostgreSQL: twelve monthly
statements, the activity debited each month with the statement's cost, the social insurance
fund paid four times (each quarter once, in the SEPA file of the quarter's last month, with the
fund's structured reference), then the month's 274 and the year's 281.20 totalling the
statements as list_payslips returns them (docs/domain/payroll-directors.md,
docs/domain/tax-forms.md)."""

import base64
import xml.etree.ElementTree as etree
from decimal import Decimal
from importlib import resources

import pytest
import xmlschema

from tests.integration import billing_setup
from tests.support import wait_for

PAIN = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
FUND_IBAN = "BE56363123456788"


@pytest.fixture
def brucoop(start_services, rpc_client):
    start_services("members", "billing", "payroll")
    world = billing_setup.build(rpc_client)
    return rpc_client(world.keys["brucoop"])


def fund_transfers(document: bytes) -> list[tuple[str, str, str]]:
    """(IBAN, amount, structured reference) of each transfer to the fund in a pain.001 file."""
    tree = etree.fromstring(document)  # noqa: S314 (our own file)
    return [
        (
            tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=PAIN),
            tx.findtext("p:Amt/p:InstdAmt", namespaces=PAIN),
            tx.findtext("p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref", namespaces=PAIN),
        )
        for tx in tree.iterfind(".//p:CdtTrfTxInf", PAIN)
        if tx.findtext("p:PmtId/p:EndToEndId", namespaces=PAIN).startswith("FUND-")
    ]


def test_a_directors_year_pays_the_fund_each_quarter_once_and_files_its_281_20(brucoop):
    members, billing, payroll = brucoop.members, brucoop.billing, brucoop.payroll
    director = members.register_member(
        {
            "first_name": "Lucie",
            "last_name": "Dubois",
            "email": "lucie@example.org",
            "language": "fr",
            "nationality": "BE",
            "national_number": "85073003328",
            "address": {"street": "Rue Neuve 5", "postal_code": "1020", "city": "Laeken", "country": "BE"},
            "iban": "BE35 3101 2345 6737",
        }
    )
    activity = members.add_activity({"member_id": director["id"], "name": "Conseil"})
    members.set_status_model(
        {
            "member_id": director["id"],
            "status_model": "be_director",
            "valid_from": "2026-01-01",
            "parameters": {
                "declared_income_estimate": "40000.00",
                "social_fund_reference": "+++090/9337/55493+++",
            },
        }
    )
    customer = billing.create_customer(billing_setup.NL_CUSTOMER)
    invoice = billing.issue_invoice(
        billing.create_invoice(
            {
                "activity_id": activity["id"],
                "customer_id": customer["id"],
                "vat_regime": "standard",
                "lines": [
                    {"description": "Advies", "quantity": "10", "unit_price": "4000.00", "vat_rate": "0.21"}
                ],
            }
        )["id"]
    )
    billing.record_payment(
        {
            "amount": invoice["total_incl_vat"],
            "value_date": invoice["issue_date"],
            "bank_reference": "BRU-YEAR-1",
            "invoice_id": invoice["id"],
        }
    )  # 40,000 less BRUCOOP's 8 %: 36,800.00 on the activity
    assert billing.get_activity_account(activity["id"])["balance"] == "36800.00"
    payroll.set_payroll_settings(
        {"social_fund_name": "Caisse d'assurances sociales (test)", "social_fund_iban": "BE56 3631 2345 6788"}
    )
    schema = xmlschema.XMLSchema(str(resources.files("sepaxml").joinpath("schemas", "pain.001.001.09.xsd")))
    to_the_fund = {}
    for month in range(1, 13):
        period = f"2026-{month:02d}"
        item = {
            "member_id": director["id"],
            "activity_id": activity["id"],
            "mode": "gross",
            "amount": "3000.00",
        }
        run = payroll.prepare_run({"period": period, "items": [item]})
        assert run["problems"] == [], period
        payroll.close_run(run["id"])
        document = base64.b64decode(payroll.export_sepa(run["id"])["content"])
        schema.validate(document)
        to_the_fund[month] = fund_transfers(document)
        # Each month the activity pays the statement's cost (3,000.00: the fund's third included).
        wait_for(
            lambda m=month: (
                billing.get_activity_account(activity["id"])["balance"] == f"{36800 - 3000 * m}.00"
            ),
            message=f"the {period} debit",
        )

    # Estimate 40,000: 20.5 % = 8,200 a year, 2,050.00 a quarter, + 3.05 % fee 62.53 = 2,112.53.
    quarter = [(FUND_IBAN, "2112.53", "090933755493")]
    assert to_the_fund == {m: (quarter if m % 3 == 0 else []) for m in range(1, 13)}
    paid = payroll.list_fund_payments({"year": 2026})
    assert [(p["quarter"], p["due_date"], p["amount"]) for p in paid["items"]] == [
        ("2026-Q1", "2026-03-31", "2112.53"),
        ("2026-Q2", "2026-06-30", "2112.53"),
        ("2026-Q3", "2026-09-30", "2112.53"),
        ("2026-Q4", "2026-12-31", "2112.53"),
    ]
    statements = payroll.list_payslips({"member_id": director["id"], "limit": 100})["items"]
    assert len(statements) == 12
    fund_thirds = sum(Decimal(p["payments"][0]["amount"]) for p in statements)
    assert fund_thirds == 4 * Decimal("2112.53")  # the thirds withheld are what the fund received

    def withheld(p):
        return sum(Decimal(line["amount"]) for line in p["lines"] if line["code"] == "withholding_tax")

    june = payroll.withholding_summary({"period": "2026-06"})
    directors = next(c for c in june["categories"] if c["category"] == "directors")
    [june_statement] = [p for p in statements if p["period"] == "2026-06"]
    assert Decimal(directors["withholding"]) == withheld(june_statement)
    assert june["total_withholding"] == directors["withholding"]

    forms = payroll.export_tax_forms({"year": 2026})
    root = etree.fromstring(base64.b64decode(forms["content"]))  # noqa: S314 (our own file)
    [fiche] = root.findall("Verzending/Aangiften/Aangifte/Opgaven/Opgave32510/Fiche28120")
    assert fiche.findtext("f2011_nationaalnr") == "85073003328"
    assert int(fiche.findtext("f20_2060_periodieke")) == sum(
        int(Decimal(p["gross"]) * 100) for p in statements
    )
    assert int(fiche.findtext("f20_2060_periodieke")) == 3600000  # 12 × 3,000.00
    assert int(fiche.findtext("f20_2066_totaalbedrijfsvoorheffing")) == sum(
        int(withheld(p) * 100) for p in statements
    )
    [row] = [r for r in forms["summary_325"] if r["form"] == "281.20"]
    assert (row["fiches"], row["remuneration"]) == (1, "36000.00")
    assert Decimal(row["withholding"]) == sum(withheld(p) for p in statements)
