"""Runs of salaried members on the shared fake unit of work: refusals as problems, a May run
paying the double holiday pay from its provision, the payslip's mandatory mentions read back
from the PDF, the individual account, the cooperative's ONSS number."""

import base64

import marshmallow
import pypdfium2
import pytest

from coop_members.handlers import cooperatives
from coop_members.orm import Base as MembersBase
from coop_members.repository import MembersRepository
from coop_members.schemas import CreateCooperativeSchema, UpdateCooperativeSchema
from coop_payroll.handlers import individual_account, payslips, runs
from coop_payroll.orm import Base
from coop_payroll.repository import PayrollRepository
from coop_payroll.schemas import IndividualAccountSchema, PrepareRunSchema
from coop_shared.credentials import ADMIN, MEMBER, PLATFORM, Identity
from coop_shared.errors import NotFound
from coop_shared.money import Money
from coop_shared.status_models import load_status_models
from tests.fixtures_data import DIES
from tests.unit.fake_uow import FakeUnitOfWork
from tests.unit.payroll_fakes import BatchBilling
from tests.unit.test_payroll_handlers import AMINA, AMINA_ACTIVITY, FakeMembersClient, identity, person

MODELS = load_status_models()
CONTRACT = {"household": "single", "weekly_hours": 30.4, "function": "Coursière", "start_date": "2025-01-01"}


class Billing(BatchBilling):
    """An activity with 20,000.00 available and what its provisions hold."""

    def __init__(self, provisions=None):
        self.held = provisions or {}

    def balance(self, activity_id):
        return Money.of("20000.00")

    def provisions(self, activity_id):
        return self.held


class Members(FakeMembersClient):
    def cooperative(self):
        return dict(
            super().cooperative(),
            address=DIES["address"],
            enterprise_number="0403170701",
            onss_number="123456789",
        )


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=PayrollRepository)


def members(**parameters):
    amina = person(AMINA, AMINA_ACTIVITY, parameters=dict(CONTRACT, **parameters))
    return Members(dict(amina, national_number="90031400036"))


def prepare(uow, period, *items, who=None, billing=None, people=None):
    data = PrepareRunSchema().load(
        {
            "period": period,
            "items": [
                {"member_id": AMINA, "activity_id": AMINA_ACTIVITY, "mode": "gross", "amount": a, "kind": k}
                for k, a in items
            ],
        }
    )
    return runs.prepare_run(uow, who or identity(), MODELS, people or members(), billing or Billing(), data)


def test_refused_contracts_are_problems_with_their_reason(uow):
    low = prepare(uow, "2026-11", ("monthly", "1500.00"))
    short = prepare(uow, "2026-11", ("monthly", "1500.00"), people=members(weekly_hours=12))
    assert (low["payslips"], short["payslips"]) == ([], [])
    assert [p["code"] for p in low["problems"] + short["problems"]] == ["not_eligible", "not_eligible"]
    assert "minimum wage" in low["problems"][0]["message"]
    assert "under one third of full time" in short["problems"][0]["message"]


def test_a_may_run_pays_the_double_holiday_pay_from_its_provision(uow):
    """Provision held by billing: 4 × 184.08 = 736.32; May's payslip adds 184.08 → 920.40 drawn
    from the provision, 2,208.00 − 920.40 = 1,287.60 from the balance."""
    billing = Billing({"double_holiday_pay": "736.32", "year_end_premium": "1005.60"})
    run = prepare(uow, "2026-05", ("monthly", "2400.00"), ("double_holiday_pay", "2400.00"), billing=billing)
    monthly, holiday = run["payslips"]
    assert (monthly["kind"], monthly["provisions"]) == (
        "monthly",
        {"double_holiday_pay": "184.08", "year_end_premium": "251.40"},
    )
    assert (holiday["kind"], holiday["gross"], holiday["from_provision"], holiday["draws_on"]) == (
        "double_holiday_pay",
        "2208.00",
        "920.40",
        "double_holiday_pay",
    )
    assert Money.of(holiday["balance_before"]) - Money.of(holiday["balance_after"]) == Money.of("1287.60")
    uow.commit()
    runs.close_run(uow, identity(), {"id": run["id"]}, MODELS)
    issued = {e["kind"]: e for e in uow.events_of("payslip_issued")}
    assert (issued["double_holiday_pay"]["from_provision"], issued["monthly"]["provisions"]) == (
        "920.40",
        {"double_holiday_pay": "184.08", "year_end_premium": "251.40"},
    )


def test_a_premium_without_six_months_seniority_is_refused(uow):
    run = prepare(uow, "2026-12", ("year_end_premium", "2400.00"), people=members(start_date="2026-07-02"))
    assert run["problems"][0]["message"] == "The end-of-year premium needs 6 months' seniority."


def test_the_payslip_pdf_carries_the_mandatory_mentions(uow):
    run = prepare(uow, "2026-11", ("monthly", "2400.00"))
    uow.commit()
    runs.close_run(uow, identity(), {"id": run["id"]}, MODELS)
    rendered = payslips.render_payslip(uow, identity(), members(), {"id": run["payslips"][0]["id"]}, MODELS)
    pdf = pypdfium2.PdfDocument(base64.b64decode(rendered["content"]))
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    for mention in (
        "Rue de la Loi 16, 1000 Bruxelles",
        "0403170701",
        "Numéro ONSS",
        "123456789",
        "Commission paritaire",
        "90031400036",
        "Coursière",
        "30.4 h / semaine (temps plein 38 h)",
        "Date de paiement",
        "Provisions de l'activité",
        "Réduction structurelle",
    ):
        assert mention in text, mention


def test_the_individual_account_adds_up_the_year(uow):
    first = prepare(uow, "2026-10", ("monthly", "2400.00"))
    second = prepare(uow, "2026-11", ("monthly", "2400.00"))
    prepare(uow, "2026-12", ("monthly", "2400.00"))  # a draft: not in the account
    uow.commit()
    for run in (first, second):
        runs.close_run(uow, identity(), {"id": run["id"]}, MODELS)
    data = IndividualAccountSchema().load({"member_id": AMINA, "year": 2026})
    account = individual_account.get_individual_account(uow, identity(), members(), data)
    assert [m["period"] for m in account["months"]] == ["2026-10", "2026-11"]
    # each month: contributions 313.68 − 88.43 + 12.64 = 237.89, withholding 241.80 − 29.31
    assert account["totals"] == {
        "gross": "4800.00",
        "contributions": "475.78",
        "withholding": "424.98",
        "net_to_pay": "3899.24",
    }
    other = Identity(role=MEMBER, cooperative_id=identity().cooperative_id, cooperative="dies", member_id="x")
    with pytest.raises(NotFound):
        individual_account.get_individual_account(uow, other, members(), data)


def test_the_onss_number_is_kept_without_separators_and_changed_by_the_admin():
    uow = FakeUnitOfWork(MembersBase.metadata, repository=MembersRepository)
    created = cooperatives.create_cooperative(
        uow, Identity(role=PLATFORM), CreateCooperativeSchema().load(dict(DIES, onss_number="1234567-89"))
    )
    assert created["onss_number"] == "123456789"
    admin = Identity(role=ADMIN, cooperative_id=created["id"], cooperative="dies")
    changed = cooperatives.update_cooperative(
        uow, admin, UpdateCooperativeSchema().load({"onss_number": "0123.456.789"})
    )
    assert changed["onss_number"] == "0123456789"
    with pytest.raises(marshmallow.ValidationError) as refused:
        UpdateCooperativeSchema().load({"onss_number": "12-34"})
    assert refused.value.messages == {"onss_number": ["An ONSS registration number has 9 or 10 digits."]}
