"""Company directors (be_director, BRUCOOP): provisional social contributions by the quarter,
withheld in monthly thirds, paid to the fund once per quarter in the SEPA file of the run that
closes the quarter (docs/domain/payroll-directors.md). Figures a person can check by hand."""

import base64
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from coop_payroll.domain import directors as rules
from coop_payroll.handlers import directors, runs, sepa, settings
from coop_payroll.orm import Base
from coop_payroll.repository import PayrollRepository
from coop_payroll.schemas import FundPaymentsSchema, PrepareRunSchema, SettingsSchema
from coop_shared.credentials import ADMIN, AUDITOR, MEMBER, Identity
from coop_shared.errors import Forbidden, NotFound
from coop_shared.money import Money
from coop_shared.status_models import PayRequest, load_status_models
from tests.unit.fake_uow import FakeUnitOfWork
from tests.unit.payroll_fakes import BatchBilling, BatchMembers

MODELS = load_status_models()
DIRECTOR = MODELS["be_director"]
BRUCOOP_ID = "00000000-0000-4000-8000-0000000000b2"
YONAS, YONAS_ACTIVITY = "00000000-0000-4000-8000-00000000c001", "00000000-0000-4000-8000-00000000c0a1"
FUND_IBAN = "BE56363123456788"
REFERENCE = "+++090/9337/55493+++"  # 0909337554 mod 97 = 93
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


def admin(role=ADMIN, member_id=None):
    return Identity(role=role, cooperative_id=BRUCOOP_ID, cooperative="brucoop", member_id=member_id)


class Members(BatchMembers):
    def __init__(self, parameters):
        self.parameters = parameters

    def cooperative(self):
        return {"name": "BRUCOOP", "iban": "BE05068123456775", "bic": "GKCCBEBB"}

    def member(self, member_id):
        if member_id != YONAS:
            raise NotFound(f"No member '{member_id}'.")
        return {
            "id": YONAS,
            "first_name": "Yonas",
            "last_name": "Tesfaye",
            "email": "yonas@example.org",
            "language": "en",
            "nationality": "BE",
            "iban": "BE35310123456737",
            "activities": [{"id": YONAS_ACTIVITY}],
            "status_history": [
                {
                    "status_model": "be_director",
                    "valid_from": "2026-01-01",
                    "valid_until": None,
                    "parameters": self.parameters,
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


@pytest.fixture
def uow():
    uow = FakeUnitOfWork(Base.metadata, repository=PayrollRepository)
    settings.set_payroll_settings(
        uow,
        admin(),
        SettingsSchema().load(
            {"social_fund_name": "Caisse (test)", "social_fund_iban": "BE56 3631 2345 6788"}
        ),
    )
    return uow


def month(uow, period, parameters, amount="3000.00"):
    """Prepare and close the director's run of `period`; the closed run."""
    data = PrepareRunSchema().load(
        {
            "period": period,
            "items": [{"member_id": YONAS, "activity_id": YONAS_ACTIVITY, "mode": "gross", "amount": amount}],
        }
    )
    run = runs.prepare_run(uow, admin(), MODELS, Members(parameters), Billing(), data)
    closed = runs.close_run(uow, admin(), {"id": run["id"]}, MODELS)
    uow.commit()
    return closed


def fund_transfers(exported) -> list[tuple[str, str, str]]:
    """(IBAN, amount, remittance) of every transfer of the file to the fund."""
    tree = etree.fromstring(base64.b64decode(exported["content"]))
    out = []
    for tx in tree.iterfind(".//p:CdtTrfTxInf", NS):
        if tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS).startswith("FUND-"):
            remittance = tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS) or tx.findtext(
                "p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref", namespaces=NS
            )
            out.append(
                (
                    tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
                    tx.findtext("p:Amt/p:InstdAmt", namespaces=NS),
                    remittance,
                )
            )
    return out


def contributions(period, parameters, gross="3000.00", fee="0.0305"):
    from coop_shared.status_models import CooperativeFacts

    result = DIRECTOR.compute(
        PayRequest(period, "gross", Money.of(gross), parameters, cooperative=CooperativeFacts(Decimal(fee)))
    )
    lines = {line.code: str(line.amount) for line in result.lines}
    return lines["self_employed_social_contributions"], lines["social_fund_fee"], result


def test_on_a_declared_estimate_a_quarter_is_a_quarter_of_the_year_in_thirds():
    """Estimate 40,000: 20.5 % × 40,000 = 8,200 a year, 2,050.00 a quarter: 683.33, 683.33 and
    683.34 (the remainder); fee 3.05 % of 2,050 = 62.53 a quarter: 20.84, 20.84, 20.85."""
    estimate = {"declared_income_estimate": "40000.00"}
    thirds = [contributions(f"2026-0{m}", estimate)[:2] for m in (4, 5, 6)]
    assert thirds == [("683.33", "20.84"), ("683.33", "20.84"), ("683.34", "20.85")]
    assert sum(Decimal(c) + Decimal(f) for c, f in thirds) == Decimal("2112.53")


def test_the_legal_base_is_used_when_no_estimate_is_declared_and_the_quarterly_minimum_applies():
    """Legal base 80,000: 20.5 % × 73,447.52 + 14.16 % × 6,552.48 = 15,056.74 + 927.83 =
    15,984.57 a year, 3,996.14 a quarter, 1,332.05 a month (the third month 1,332.04). On a base of
    10,000 the quarter would be 512.50: the minimum 871.71 applies, 290.57 a month."""
    legal = {"reference_income": "80000.00"}
    assert contributions("2026-07", legal)[0] == "1332.05"
    assert contributions("2026-09", legal)[0] == "1332.04"
    assert contributions("2026-08", {"declared_income_estimate": "10000"})[0] == "290.57"
    assert contributions("2026-08", {}, gross="1500.00")[0] == "290.57"  # from the pay itself


def test_every_statement_notes_that_provisional_contributions_are_regularised():
    *_, result = contributions("2026-05", {"declared_income_estimate": "40000.00"})
    [note] = [n for n in result.notes if "régularisées" in n]
    assert "2050.00 €" in note and "revenu estimé déclaré 40000.00 €" in note
    assert "geregulariseerd op het definitieve inkomen" in note


def test_quarters_and_their_due_dates():
    assert [rules.quarter_of(f"2026-{m:02d}") for m in (1, 3, 4, 9, 12)] == [
        "2026-Q1",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
    assert [rules.due_date(f"2026-Q{q}") for q in (1, 2, 3, 4)] == [
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 31),
    ]
    assert [rules.closes_quarter(f"2026-{m:02d}") for m in (2, 3, 11, 12)] == [False, True, False, True]
    assert rules.structured_reference(REFERENCE) == "090933755493"
    assert rules.structured_reference("+++090/9337/55494+++") is None  # wrong check digits


def test_a_directors_year_pays_the_fund_four_times_each_quarter_once(uow):
    """Twelve monthly statements of 3,000 on an estimate of 40,000: the fund gets 2,112.53
    (2,050.00 + 62.53) in the SEPA file of March, June, September and December, nothing in the
    other months, and the year's four payments are 8,450.12."""
    parameters = {"declared_income_estimate": "40000.00", "social_fund_reference": REFERENCE}
    files = {}
    for m in range(1, 13):
        run = month(uow, f"2026-{m:02d}", parameters)
        files[m] = sepa.export_sepa(uow, admin(), {"id": run["id"]}, date(2026, m, 28))
    for m, exported in files.items():
        expected = [(FUND_IBAN, "2112.53", "090933755493")] if m % 3 == 0 else []
        assert fund_transfers(exported) == expected, m
        assert exported["transfers"] == 1 + len(expected)
    paid = directors.list_fund_payments(uow, admin(AUDITOR), FundPaymentsSchema().load({"year": 2026}))
    assert [(p["quarter"], p["due_date"], p["amount"], len(p["payslip_ids"])) for p in paid["items"]] == [
        ("2026-Q1", "2026-03-31", "2112.53", 3),
        ("2026-Q2", "2026-06-30", "2112.53", 3),
        ("2026-Q3", "2026-09-30", "2112.53", 3),
        ("2026-Q4", "2026-12-31", "2112.53", 3),
    ]
    assert sum((Money.of(p["amount"]) for p in paid["items"]), Money.zero()) == Money.of("8450.12")
    # Exported again, the December file pays the quarter again in the same file, never a second record.
    again = sepa.export_sepa(
        uow, admin(), {"id": files[12]["fund_payments"][0]["run_id"]}, date(2026, 12, 28)
    )
    assert fund_transfers(again) == fund_transfers(files[12])
    assert directors.list_fund_payments(uow, admin(), FundPaymentsSchema().load({"year": 2026}))["total"] == 4


def test_closing_the_quarter_twice_records_its_payment_once(uow):
    parameters = {}
    for m in (1, 2):
        month(uow, f"2026-{m:02d}", parameters)
    march = month(uow, "2026-03", parameters)
    runs.close_run(uow, admin(), {"id": march["id"]}, MODELS)
    [payment] = directors.list_fund_payments(uow, admin(), FundPaymentsSchema().load({"year": 2026}))["items"]
    # From the pay itself: 497.60 + 15.18 = 512.78 a month (docs/domain/payroll-directors.md).
    assert (payment["amount"], payment["reference"]) == ("1538.34", None)
    exported = sepa.export_sepa(uow, admin(), {"id": march["id"]}, date(2026, 3, 30))
    assert fund_transfers(exported) == [
        (FUND_IBAN, "1538.34", "Cotisations sociales provisoires 2026-Q1 Yonas Tesfaye")
    ]


def test_a_statement_closed_after_its_quarter_is_paid_at_the_next_quarters_end(uow):
    month(uow, "2026-04", {})
    month(uow, "2026-06", {})  # closes Q2 without May
    month(uow, "2026-05", {})  # late
    month(uow, "2026-09", {})
    items = directors.list_fund_payments(uow, admin(), FundPaymentsSchema().load({"year": 2026}))["items"]
    assert [(p["quarter"], p["amount"], len(p["payslip_ids"])) for p in items] == [
        ("2026-Q2", "1025.56", 2),  # April and June, at June's close
        ("2026-Q2", "512.78", 1),  # May, at September's close
        ("2026-Q3", "512.78", 1),
    ]


def test_fund_payments_are_for_operators_and_auditors(uow):
    with pytest.raises(Forbidden):
        directors.list_fund_payments(uow, admin(MEMBER, YONAS), FundPaymentsSchema().load({"year": 2026}))
