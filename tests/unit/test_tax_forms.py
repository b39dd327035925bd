"""The withholding tax declared by the cooperative (docs/domain/tax-forms.md): the 274 of a
month equals the withholding of its payslips, and the year's 281.10 and 281.20 in Belcotax XML
(checked against the documented structure: the XSD cannot be had offline) total the year's
payslips, recomputed here from list_payslips."""

import base64
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pypdfium2
import pytest

from coop_payroll.handlers import payslips, runs, tax_forms
from coop_payroll.orm import Base
from coop_payroll.repository import PayrollRepository
from coop_payroll.schemas import ListPayslipsSchema, PrepareRunSchema, TaxYearSchema, WithholdingSummarySchema
from coop_shared.credentials import ADMIN, MEMBER, Identity
from coop_shared.errors import Forbidden, NotFound
from coop_shared.money import Money
from coop_shared.status_models import load_status_models
from tests.unit.fake_uow import FakeUnitOfWork
from tests.unit.payroll_fakes import BatchBilling, BatchMembers

MODELS = load_status_models()
COOP_ID = "00000000-0000-4000-8000-0000000000e1"
ANA, ANA_ACTIVITY = "00000000-0000-4000-8000-00000000e001", "00000000-0000-4000-8000-00000000e0a1"
LEO, LEO_ACTIVITY = "00000000-0000-4000-8000-00000000f001", "00000000-0000-4000-8000-00000000f0a1"
PEOPLE = {
    ANA: (
        "Ana",
        "Lopes",
        "be_salaried",
        {"household": "single", "dependent_children": 0},
        ANA_ACTIVITY,
        "85073003328",
    ),
    LEO: ("Léo", "Martin", "be_director", {}, LEO_ACTIVITY, "90010100123"),
}


def admin(role=ADMIN, member_id=None):
    return Identity(role=role, cooperative_id=COOP_ID, cooperative="mixte", member_id=member_id)


class Members(BatchMembers):
    def cooperative(self):
        return {
            "slug": "mixte",
            "name": "Coop Mixte",
            "iban": "BE05068123456775",
            "bic": "GKCCBEBB",
            "enterprise_number": "0403.170.701",
            "address": {"street": "Rue Haute 1", "postal_code": "1000", "city": "Bruxelles", "country": "BE"},
            "email": "admin@mixte.example",
            "languages": ["fr", "nl"],
        }

    def member(self, member_id):
        if member_id not in PEOPLE:
            raise NotFound(f"No member '{member_id}'.")
        first, last, model, parameters, activity, niss = PEOPLE[member_id]
        return {
            "id": member_id,
            "first_name": first,
            "last_name": last,
            "email": f"{first.lower()}@example.org",
            "language": "fr" if member_id == LEO else "nl",
            "nationality": "BE",
            "national_number": niss,
            "address": {"street": "Rue Neuve 5", "postal_code": "1020", "city": "Laeken", "country": "BE"},
            "iban": "BE35310123456737",
            "activities": [{"id": activity}],
            "status_history": [
                {
                    "status_model": model,
                    "valid_from": "2026-01-01",
                    "valid_until": None,
                    "parameters": parameters,
                }
            ],
        }

    def national_numbers(self, member_ids, purpose):
        """members' full numbers, as the service credential gets them (the member's answer is masked)."""
        return {i: self.member(i).get("national_number") for i in member_ids}

    def right_to_work(self, member_id, on):
        return {"allowed": True, "reasons": []}


class Billing(BatchBilling):
    def balance(self, activity_id):
        return Money.of("100000.00")

    def provisions(self, activity_id):
        return {}


@pytest.fixture(scope="module")
def year():
    """Three closed months (January to March 2026) of an employee (gross 3,500) and a director
    (gross 3,000), in one fake unit of work."""
    uow = FakeUnitOfWork(Base.metadata, repository=PayrollRepository)
    for period in ("2026-01", "2026-02", "2026-03"):
        data = PrepareRunSchema().load(
            {
                "period": period,
                "items": [
                    {"member_id": ANA, "activity_id": ANA_ACTIVITY, "mode": "gross", "amount": "3500.00"},
                    {"member_id": LEO, "activity_id": LEO_ACTIVITY, "mode": "gross", "amount": "3000.00"},
                ],
            }
        )
        run = runs.prepare_run(uow, admin(), MODELS, Members(), Billing(), data)
        assert run["problems"] == []
        runs.close_run(uow, admin(), {"id": run["id"]}, MODELS)
        uow.commit()
    return uow


def listed(uow, **filters):
    return payslips.list_payslips(uow, admin(), ListPayslipsSchema().load(dict(filters, limit=500)))["items"]


def amount(payslip, *codes, key="amount") -> Decimal:
    return sum((Decimal(line[key]) for line in payslip["lines"] if line["code"] in codes), Decimal(0))


def test_the_274_of_a_month_is_the_withholding_of_its_payslips(year):
    summary = tax_forms.withholding_summary(
        year, admin(), MODELS, WithholdingSummarySchema().load({"period": "2026-02"})
    )
    month = listed(year, period="2026-02")
    employee = [p for p in month if p["status_model"] == "be_salaried"]
    by_category = {c["category"]: c for c in summary["categories"]}
    # Employees: the withholding tax less the fiscal work bonus actually granted.
    assert Decimal(by_category["employees"]["withholding"]) == sum(
        amount(p, "withholding_tax", "fiscal_work_bonus") for p in employee
    )
    assert Decimal(by_category["employees"]["taxable"]) == sum(
        amount(p, "withholding_tax", key="base") for p in employee
    )
    # The director of 3,000: 560.10 on a taxable 2,487.22 (docs/domain/payroll-directors.md).
    assert (by_category["directors"]["taxable"], by_category["directors"]["withholding"]) == (
        "2487.22",
        "560.10",
    )
    assert (by_category["exceptional"]["withholding"], by_category["exceptional"]["parts"]) == ("0.00", 0)
    assert Decimal(summary["total_withholding"]) == sum(
        amount(p, "withholding_tax", "fiscal_work_bonus") for p in month
    )
    assert summary["due_date"] == "2026-03-15"
    assert by_category["directors"]["label"]["nl"] == "Bezoldigingen van bedrijfsleiders"


def test_a_month_without_payslips_owes_nothing_and_members_do_not_see_the_declaration(year):
    empty = tax_forms.withholding_summary(year, admin(), MODELS, {"period": "2026-07"})
    assert empty["total_withholding"] == "0.00"
    with pytest.raises(Forbidden):
        tax_forms.withholding_summary(year, admin(MEMBER, LEO), MODELS, {"period": "2026-02"})


def cents(value) -> int:
    return int(Decimal(value) * 100)


def test_the_years_281_forms_total_the_years_payslips_in_belcotax_structure(year):
    exported = tax_forms.export_tax_forms(
        year, admin(), MODELS, Members(), TaxYearSchema().load({"year": 2026}), date(2027, 2, 10)
    )
    root = ET.fromstring(base64.b64decode(exported["content"]))  # noqa: S314 (our own file)
    assert root.tag == "Verzendingen" and "}" not in root.tag  # no namespace
    [sending] = root.findall("Verzending")
    assert [
        sending.findtext(t) for t in ("v0002_inkomstenjaar", "v0010_bestandtype", "v0011_aanmaakdatum")
    ] == [
        "2026",
        "BELCOTAX",
        "10-02-2027",
    ]
    assert sending.findtext("v0024_nationaalnr") == "0403170701"
    declarations = sending.findall("Aangiften/Aangifte")
    assert len(declarations) == 2
    employees, directors = (d.find("Opgaven/Opgave32510") for d in declarations)
    [ana] = employees.findall("Fiche28110")
    [leo] = directors.findall("Fiche28120")
    assert [
        ana.findtext(t) for t in ("f2008_typefiche", "f2009_volgnummer", "f2011_nationaalnr", "f2013_naam")
    ] == [
        "28110",
        "1",
        "85073003328",
        "Lopes",
    ]
    assert [leo.findtext(t) for t in ("f2008_typefiche", "f2114_voornamen", "f2016_postcodebelgisch")] == [
        "28120",
        "Léo",
        "1020",
    ]

    # The totals, recomputed from list_payslips.
    slips = listed(year)
    of_ana = [p for p in slips if p["member_id"] == ANA]
    of_leo = [p for p in slips if p["member_id"] == LEO]
    assert len(of_ana) == len(of_leo) == 3
    ana_taxable = sum(cents(amount(p, "withholding_tax", key="base")) for p in of_ana)
    ana_held = sum(cents(amount(p, "withholding_tax", "fiscal_work_bonus")) for p in of_ana)
    ana_special = sum(cents(amount(p, "special_social_security")) for p in of_ana)
    assert int(ana.findtext("f10_2060_gewonebezoldiginge")) == ana_taxable
    assert int(ana.findtext("f10_2062_totaal")) == ana_taxable
    assert int(ana.findtext("f10_2074_bedrijfsvoorheffing")) == ana_held
    assert int(ana.findtext("f10_2075_bijzonderbijdrage")) == ana_special
    assert int(ana.findtext("f10_2059_totaalcontrole")) == 2 * ana_taxable + ana_held + ana_special
    leo_gross = sum(cents(p["gross"]) for p in of_leo)
    leo_held = sum(cents(amount(p, "withholding_tax")) for p in of_leo)
    assert (leo_gross, leo_held) == (900000, 168030)  # 3 × 3,000.00 and 3 × 560.10
    assert int(leo.findtext("f20_2060_periodieke")) == leo_gross == int(leo.findtext("f20_2063_totaal"))
    assert int(leo.findtext("f20_2066_totaalbedrijfsvoorheffing")) == leo_held
    assert int(leo.findtext("f20_2059_totaalcontrole")) == 2 * leo_gross + leo_held

    # Trailers: records = fiches + 2; sums of the sequence numbers, control totals and withholding.
    for declaration, fiche in zip(declarations, (ana, leo), strict=True):
        control = next(int(e.text) for e in fiche if e.tag.endswith("_2059_totaalcontrole"))
        held = int(
            fiche.findtext("f10_2074_bedrijfsvoorheffing")
            or fiche.findtext("f20_2066_totaalbedrijfsvoorheffing")
        )
        assert [declaration.findtext(t) for t in ("r8010_aantalrecords", "r8011_controletotaal")] == [
            "3",
            "1",
        ]
        assert int(declaration.findtext("r8012_controletotaal")) == control
        assert int(declaration.findtext("r8013_totaalvoorheffingen")) == held
    assert [
        sending.findtext(t)
        for t in ("r9010_aantallogbestanden", "r9011_totaalaantalrecords", "r9012_controletotaal")
    ] == [
        "4",
        "8",
        "2",
    ]
    assert int(sending.findtext("r9014_controletotaal")) == ana_held + leo_held

    # The 325 summary, in euros.
    summary = {row["form"]: row for row in exported["summary_325"]}
    assert summary["281.20"] == {
        "form": "281.20",
        "fiches": 1,
        "remuneration": "9000.00",
        "withholding": "1680.30",
        "control_total": str(Money(Decimal(2 * leo_gross + leo_held) / 100)),
    }
    assert (summary["281.10"]["fiches"], cents(summary["281.10"]["withholding"])) == (1, ana_held)


def test_each_member_gets_their_form_as_a_pdf_in_their_language(year):
    exported = tax_forms.export_tax_forms(year, admin(), MODELS, Members(), {"year": 2026}, date(2027, 2, 10))
    by_member = {f["member_id"]: f for f in exported["forms"]}
    text = pdf_text(by_member[LEO]["content"])
    assert "Fiche 281.20 — rémunérations des dirigeants d'entreprise" in text
    assert "9 000,00 €" in text and "1 680,30 €" in text and "Léo Martin" in text  # spaces normalised
    assert "Fiche 281.10 — bezoldigingen van werknemers" in pdf_text(by_member[ANA]["content"])
    assert by_member[LEO]["filename"] == f"28120-2026-{LEO[:8]}.pdf"


def pdf_text(content: str) -> str:
    document = pypdfium2.PdfDocument(base64.b64decode(content))
    return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
