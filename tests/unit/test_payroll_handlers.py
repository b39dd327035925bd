"""payroll use cases on the shared fake unit of work, with the real installed status models and
small fakes of members and billing: figures a person can check against
tests/payroll_examples/, problems, events, refusals."""

import base64
from datetime import date

import marshmallow
import pytest

from coop_payroll.handlers import models as model_handlers
from coop_payroll.handlers import payslips, runs, sepa, settings
from coop_payroll.orm import Base
from coop_payroll.repository import PayrollRepository
from coop_payroll.schemas import ListPayslipsSchema, PrepareRunSchema, SettingsSchema, SimulateSchema
from coop_shared.credentials import ADMIN, AUDITOR, MEMBER, PLATFORM, STAFF, Identity
from coop_shared.errors import BusinessRuleViolation, Forbidden, NotFound
from coop_shared.money import Money
from coop_shared.status_models import load_status_models
from tests.unit.fake_uow import FakeUnitOfWork
from tests.unit.payroll_fakes import BatchBilling, BatchMembers

MODELS = load_status_models()
PERIOD = "2026-09"
DIES_ID = "00000000-0000-4000-8000-0000000000d1"
AMINA, BOB = "00000000-0000-4000-8000-00000000a001", "00000000-0000-4000-8000-00000000b001"
AMINA_ACTIVITY, BOB_ACTIVITY = "00000000-0000-4000-8000-00000000a0a1", "00000000-0000-4000-8000-00000000b0a1"
EXECUTION_DAY = date(2026, 10, 1)


def identity(role=ADMIN, member_id=None):
    return Identity(role=role, cooperative_id=DIES_ID, cooperative="dies", member_id=member_id)


def person(member_id, activity_id, status_model="be_salaried", parameters=None, **fields):
    return dict(
        {
            "id": member_id,
            "first_name": "Amina" if member_id == AMINA else "Bob",
            "last_name": "Diallo" if member_id == AMINA else "Peeters",
            "email": f"{member_id[-4:]}@example.org",
            "language": "fr",
            "nationality": "BE",
            "iban": "BE46735123456736",
            "activities": [{"id": activity_id}],
            "status_history": [
                {
                    "status_model": status_model,
                    "valid_from": "2026-01-01",
                    "valid_until": None,
                    "parameters": {"household": "single", "dependent_children": 0}
                    if parameters is None
                    else parameters,
                }
            ],
        },
        **fields,
    )


class FakeMembersClient(BatchMembers):
    """What members would answer: the cooperative, the people, their right to work."""

    def __init__(self, *people, not_allowed=()):
        self.people = {p["id"]: p for p in people}
        self.not_allowed = set(not_allowed)
        self.asked_right_to_work = []

    def cooperative(self):
        return {"name": "Dies", "iban": "BE05068123456775", "bic": "GKCCBEBB"}

    def member(self, member_id):
        if member_id not in self.people:
            raise NotFound(f"No member '{member_id}'.")
        return self.people[member_id]

    def national_numbers(self, member_ids, purpose):
        """members' full numbers, as the service credential gets them (the member's answer is masked)."""
        return {i: self.member(i).get("national_number") for i in member_ids}

    def right_to_work(self, member_id, on):
        self.asked_right_to_work.append((member_id, on.isoformat()))
        if member_id in self.not_allowed:
            return {"allowed": False, "reasons": ["Residence card B1234567 expired on 2026-08-31."]}
        return {"allowed": True, "reasons": []}


class FakeBillingClient(BatchBilling):
    def __init__(self, **balances):
        self.balances = {activity: Money.of(amount) for activity, amount in balances.items()}
        self.asked = []

    def balance(self, activity_id):
        self.asked.append(activity_id)
        return self.balances[activity_id]

    def provisions(self, activity_id):
        return {}


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=PayrollRepository)


def item(member_id=AMINA, activity_id=AMINA_ACTIVITY, mode="budget", amount="5000.00"):
    return {"member_id": member_id, "activity_id": activity_id, "mode": mode, "amount": amount}


def prepare(uow, members, billing, *items, who=None):
    data = PrepareRunSchema().load({"period": PERIOD, "items": list(items)})
    return runs.prepare_run(uow, who or identity(), MODELS, members, billing, data)


def amina_and_bob():
    return FakeMembersClient(person(AMINA, AMINA_ACTIVITY), person(BOB, BOB_ACTIVITY))


def test_a_budget_of_5000_pays_the_gross_whose_full_cost_is_the_budget(uow):
    """docs/domain/payroll-employees.md, "From a budget to a gross salary": gross 3,512.09,
    employer lines 25.75 %, structural reduction 53.74, provisions 269.40 + 367.89; the total
    cost is exactly the budget."""
    run = prepare(uow, amina_and_bob(), FakeBillingClient(**{AMINA_ACTIVITY: "6000.00"}), item())
    assert (run["status"], run["problems"]) == ("draft", [])
    [slip] = run["payslips"]
    assert (slip["gross"], slip["net_to_pay"], slip["total_cost"]) == ("3512.09", "2405.71", "5000.00")
    assert slip["provisions"] == {"double_holiday_pay": "269.40", "year_end_premium": "367.89"}
    assert (slip["balance_before"], slip["balance_after"]) == ("6000.00", "1000.00")
    assert (slip["amount"], slip["member_name"], slip["rules_version"]) == (
        "5000.00",
        "Amina Diallo",
        "be_salaried/2026-09-01+withholding/2026-01-01",
    )
    lines = {line["code"]: line["amount"] for line in slip["lines"]}
    assert (lines["withholding_tax"], lines["special_social_security"]) == ("622.48", "24.87")
    assert (lines["structural_reduction"], lines["employer_basic"]) == ("-53.74", "698.20")
    assert (run["total_cost"], run["total_net_to_pay"]) == ("5000.00", "2405.71")
    assert uow.events == []  # nothing is announced before the run closes


def test_a_run_reads_back_with_the_same_figures(uow):
    run = prepare(uow, amina_and_bob(), FakeBillingClient(**{AMINA_ACTIVITY: "6000.00"}), item())
    uow.commit()
    again = runs.get_run(uow, identity(AUDITOR), {"id": run["id"]})
    assert again == run


def test_the_second_payslip_on_an_activity_sees_what_the_first_one_left(uow):
    billing = FakeBillingClient(**{AMINA_ACTIVITY: "6000.00"})
    run = prepare(uow, amina_and_bob(), billing, item(), item(mode="gross", amount="2500.00"))
    [slip] = run["payslips"]
    [problem] = run["problems"]
    assert slip["balance_after"] == "1000.00"
    assert problem["code"] == "budget_exceeded"
    assert problem["message"] == "Total cost 3282.58 exceeds the activity balance 1000.00."
    assert billing.asked == [AMINA_ACTIVITY]  # billing is asked once per activity and run


def test_a_second_member_beyond_the_balance_of_his_activity_gets_a_problem(uow):
    billing = FakeBillingClient(**{AMINA_ACTIVITY: "5000.00", BOB_ACTIVITY: "3900.00"})
    run = prepare(
        uow,
        amina_and_bob(),
        billing,
        item(),
        item(BOB, BOB_ACTIVITY, amount="4000.00"),
    )
    assert [p["member_id"] for p in run["payslips"]] == [AMINA]
    assert run["payslips"][0]["balance_after"] == "0.00"
    assert [(p["member_id"], p["activity_id"], p["code"]) for p in run["problems"]] == [
        (BOB, BOB_ACTIVITY, "budget_exceeded")
    ]
    assert "3900.00" in run["problems"][0]["message"]


def test_closing_twice_issues_each_payslip_once(uow):
    billing = FakeBillingClient(**{AMINA_ACTIVITY: "6000.00", BOB_ACTIVITY: "3300.00"})
    run = prepare(uow, amina_and_bob(), billing, item(), item(BOB, BOB_ACTIVITY, "gross", "2500.00"))
    uow.commit()
    closed = runs.close_run(uow, identity(STAFF), {"id": run["id"]})
    uow.commit()
    again = runs.close_run(uow, identity(), {"id": run["id"]})
    assert (closed["status"], again["status"]) == ("closed", "closed")
    issued = uow.events_of("payslip_issued")
    assert sorted((e["member_id"], e["total_cost"]) for e in issued) == [(AMINA, "5000.00"), (BOB, "3282.58")]
    assert {e["payslip_id"] for e in issued} == {p["id"] for p in run["payslips"]}
    assert issued[0]["member_email"] and issued[0]["rules_version"].startswith("be_salaried/")
    assert uow.events_of("payroll_closed") == [
        {
            "run_id": run["id"],
            "period": PERIOD,
            "payslips": 2,
            "total_cost": "8282.58",
            "total_net_to_pay": "4568.97",  # 2,405.71 + 2,163.26
        }
    ]


def test_a_member_paid_in_a_closed_run_is_not_paid_again_that_month(uow):
    members, billing = amina_and_bob(), FakeBillingClient(**{AMINA_ACTIVITY: "20000.00"})
    first = prepare(uow, members, billing, item())
    draft = prepare(uow, members, billing, item())  # a draft pays nothing: no problem yet
    assert draft["problems"] == []
    runs.close_run(uow, identity(), {"id": first["id"]})
    uow.commit()
    again = prepare(uow, members, billing, item(mode="gross", amount="10.00"))
    assert again["payslips"] == []
    assert [(p["code"], p["message"]) for p in again["problems"]] == [
        ("already_paid", f"The member already has a closed monthly payslip for {PERIOD}.")
    ]


def test_a_run_with_only_problems_cannot_be_closed(uow):
    members = FakeMembersClient(person(AMINA, AMINA_ACTIVITY, "trial", parameters={}))
    run = prepare(uow, members, FakeBillingClient(), item(mode="gross", amount="100.00"))
    assert run["problems"][0]["code"] == "not_paid" and "Trial" in run["problems"][0]["message"]
    with pytest.raises(BusinessRuleViolation):
        runs.close_run(uow, identity(), {"id": run["id"]})


def test_no_right_to_work_is_asked_for_the_last_day_of_the_period_and_reported(uow):
    members = FakeMembersClient(person(AMINA, AMINA_ACTIVITY), not_allowed={AMINA})
    run = prepare(uow, members, FakeBillingClient(), item())
    assert members.asked_right_to_work == [(AMINA, "2026-09-30")]
    assert [(p["code"], p["message"]) for p in run["problems"]] == [
        ("no_right_to_work", "Residence card B1234567 expired on 2026-08-31.")
    ]


def test_an_activity_of_someone_else_refuses_the_whole_run(uow):
    with pytest.raises(NotFound):
        prepare(uow, amina_and_bob(), FakeBillingClient(), item(AMINA, BOB_ACTIVITY))


def test_a_director_pays_the_fund_fee_the_cooperative_set(uow):
    """The fee of the cooperative's fund (its payroll settings) reaches be_director through the
    request's cooperative facts: 3.05 % by default, 4.25 % once set (497.60 × 4.25 % = 21.15)."""
    members = FakeMembersClient(person(AMINA, AMINA_ACTIVITY, "be_director", parameters={}))
    billing = FakeBillingClient(**{AMINA_ACTIVITY: "9000.00"})
    by_default = prepare(uow, members, billing, item(mode="gross", amount="3000.00"))["payslips"][0]
    assert {line["code"]: line["amount"] for line in by_default["lines"]} == {
        "self_employed_social_contributions": "497.60",
        "social_fund_fee": "15.18",
        "withholding_tax": "560.10",
    }
    assert (by_default["net_to_pay"], by_default["payments"]) == (
        "1927.12",
        [{"to": "social_insurance_fund", "amount": "512.78"}],
    )
    settings.set_payroll_settings(
        uow,
        identity(),
        SettingsSchema().load(
            {
                "social_fund_name": "Caisse (test)",
                "social_fund_iban": "BE56 3631 2345 6788",
                "social_fund_fee_rate": "0.0425",
            }
        ),
    )
    uow.commit()
    set_fee = prepare(uow, members, billing, item(mode="gross", amount="3000.00"))["payslips"][0]
    fee = next(line for line in set_fee["lines"] if line["code"] == "social_fund_fee")
    assert (fee["rate"], fee["amount"], set_fee["net_to_pay"]) == ("0.0425", "21.15", "1923.63")


def test_the_sepa_file_pays_each_net_and_the_directors_fund(uow):
    members = FakeMembersClient(person(AMINA, AMINA_ACTIVITY, "be_director", parameters={}))
    billing = FakeBillingClient(**{AMINA_ACTIVITY: "9000.00"})
    run = prepare(uow, members, billing, item(mode="gross", amount="3000.00"))
    with pytest.raises(BusinessRuleViolation):
        sepa.export_sepa(uow, identity(), {"id": run["id"]}, EXECUTION_DAY)  # a draft is not paid
    runs.close_run(uow, identity(), {"id": run["id"]})
    with pytest.raises(BusinessRuleViolation):  # no fund account yet
        sepa.export_sepa(uow, identity(), {"id": run["id"]}, EXECUTION_DAY)
    settings.set_payroll_settings(
        uow,
        identity(),
        SettingsSchema().load(
            {"social_fund_name": "Caisse (test)", "social_fund_iban": "BE56 3631 2345 6788"}
        ),
    )
    exported = sepa.export_sepa(uow, identity(), {"id": run["id"]}, EXECUTION_DAY)
    assert (exported["transfers"], exported["control_sum"]) == (2, "2439.90")  # 1,927.12 + 512.78
    assert b"BE56363123456788" in base64.b64decode(exported["content"])


def test_settings_are_an_admin_matter_and_returned_as_stored(uow):
    data = SettingsSchema().load({"social_fund_name": "Caisse", "social_fund_iban": "BE56 3631 2345 6788"})
    with pytest.raises(Forbidden):
        settings.set_payroll_settings(uow, identity(STAFF), data)
    assert settings.set_payroll_settings(uow, identity(), data) == {
        "social_fund_name": "Caisse",
        "social_fund_iban": "BE56363123456788",
        "social_fund_bic": None,
        "social_fund_fee_rate": "0.0305",
        "workers": None,
    }


def test_settings_change_only_what_is_given_and_the_fund_comes_with_its_account(uow):
    fund = SettingsSchema().load({"social_fund_name": "Caisse", "social_fund_iban": "BE56 3631 2345 6788"})
    settings.set_payroll_settings(uow, identity(), fund)
    uow.commit()
    # Dies declares its headcount without touching the fund BRUCOOP-style cooperatives name.
    after = settings.set_payroll_settings(uow, identity(), SettingsSchema().load({"workers": 12}))
    assert (after["workers"], after["social_fund_name"], after["social_fund_iban"]) == (
        12,
        "Caisse",
        "BE56363123456788",
    )
    for half_a_fund in ({"social_fund_name": "Caisse"}, {"social_fund_iban": "BE56 3631 2345 6788"}, {}):
        with pytest.raises(marshmallow.ValidationError):
            SettingsSchema().load(half_a_fund)


def test_runs_are_for_operators(uow):
    with pytest.raises(Forbidden):
        prepare(uow, amina_and_bob(), FakeBillingClient(), item(), who=identity(AUDITOR))


def test_a_member_key_sees_its_own_payslips_only(uow):
    billing = FakeBillingClient(**{AMINA_ACTIVITY: "6000.00", BOB_ACTIVITY: "6000.00"})
    run = prepare(uow, amina_and_bob(), billing, item(), item(BOB, BOB_ACTIVITY))
    amina_key = identity(MEMBER, member_id=AMINA)
    listed = payslips.list_payslips(uow, amina_key, ListPayslipsSchema().load({}))
    assert (listed["total"], [p["member_id"] for p in listed["items"]]) == (1, [AMINA])
    everyone = payslips.list_payslips(uow, identity(), ListPayslipsSchema().load({"run_id": run["id"]}))
    assert everyone["total"] == 2
    bob_slip = next(p for p in run["payslips"] if p["member_id"] == BOB)
    with pytest.raises(NotFound):
        payslips.get_payslip(uow, amina_key, {"id": bob_slip["id"]})
    assert payslips.list_payslips(uow, identity(MEMBER), ListPayslipsSchema().load({}))["total"] == 0


def test_a_payslip_renders_as_a_pdf(uow):
    run = prepare(uow, amina_and_bob(), FakeBillingClient(**{AMINA_ACTIVITY: "6000.00"}), item())
    slip = run["payslips"][0]
    rendered = payslips.render_payslip(uow, identity(), amina_and_bob(), {"id": slip["id"]})
    assert rendered["filename"] == f"payslip-{PERIOD}-{slip['id'][:8]}.pdf"
    assert base64.b64decode(rendered["content"]).startswith(b"%PDF")


def test_simulate_gives_the_fps_reference_withholding_to_every_cooperative_role():
    data = SimulateSchema().load(
        {"status_model": "be_salaried", "period": PERIOD, "mode": "gross", "amount": "3500.00"}
    )
    result = model_handlers.simulate(MODELS, identity(MEMBER, member_id=AMINA), data)
    assert {line["code"]: line["amount"] for line in result["lines"]}["withholding_tax"] == "617.41"
    assert (result["net_to_pay"], result["status_model"]) == ("2400.40", "be_salaried")
    with pytest.raises(Forbidden):
        model_handlers.simulate(MODELS, Identity(role=PLATFORM), data)


def test_the_installed_models_are_listed_in_order():
    listed = model_handlers.list_status_models(MODELS)
    keys = [m["key"] for m in listed["items"]]
    assert keys == sorted(keys) and {"be_director", "be_salaried", "trial"} <= set(keys)
    assert listed["total"] == len(MODELS)
    director = next(m for m in listed["items"] if m["key"] == "be_director")
    assert director["pays"] is True and "household" in director["parameters_schema"]["properties"]
