"""Payroll over the real bus and PostgreSQL: Dies pays a salaried entrepreneur from her
activity balance, BRUCOOP a director; rights to work and budgets are enforced; the bank file
validates."""

import base64
import xml.etree.ElementTree as etree
from datetime import date, timedelta
from importlib import resources

import pypdfium2
import pytest
import xmlschema

from coop_shared.errors import BusinessRuleViolation, ValidationError
from tests import support
from tests.integration import billing_setup
from tests.integration.payroll_setup import NEXT_YEAR, PERIOD, fund_activity, salaried
from tests.support import wait_for


def quarter_end(day: date) -> str:
    """'YYYY-MM' of the last month of the quarter holding `day` (March, June, September, December)."""
    return f"{day.year}-{(day.month - 1) // 3 * 3 + 3:02d}"


QUARTER_END = quarter_end(date.today())


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing", "payroll")
    return billing_setup.build(rpc_client)


def test_dies_pays_a_4000_budget_once(world, rpc_client, suite_settings):
    fund_activity(world, "4444.44")  # 4,444.44 − 444.44 contribution = 4,000.00
    assert world.dies.get_activity_account(world.activity["id"])["balance"] == "4000.00"
    salaried(world)
    payroll = rpc_client(world.keys["dies"]).payroll
    run = payroll.prepare_run(
        {
            "period": PERIOD,
            "items": [
                {
                    "member_id": world.member["id"],
                    "activity_id": world.activity["id"],
                    "mode": "budget",
                    "amount": "4000.00",
                }
            ],
        }
    )
    assert run["problems"] == []
    slip = run["payslips"][0]
    # docs/domain/payroll-employees.md, worked example: the 4,000.00 pay the gross, the employer
    # lines less the structural reduction, and the provisions
    assert (slip["gross"], slip["total_cost"], slip["balance_before"], slip["balance_after"]) == (
        "2912.56",
        "4000.00",
        "4000.00",
        "0.00",
    )
    assert slip["rules_version"].startswith("be_salaried/") and {line["code"] for line in slip["lines"]} >= {
        "employee_social_security",
        "withholding_tax",
        "special_social_security",
        "employer_basic",
        "structural_reduction",
        "provision_double_holiday_pay",
    }

    closed = payroll.close_run(run["id"])
    assert closed["status"] == "closed"
    account = lambda: world.dies.get_activity_account(world.activity["id"])  # noqa: E731
    wait_for(lambda: account()["balance"] == "0.00", message="billing to debit the payslip")
    assert payroll.close_run(run["id"])["status"] == "closed"  # twice: nothing new
    [event] = support.outbox_bodies(suite_settings["PAYROLL_DATABASE_URL"], "payslip_issued")
    support.publish_raw(suite_settings["AMQP_URI"], "payroll", "payslip_issued", event)  # redelivered
    # A sentinel payslip for another activity, queued behind the redelivery: once it is booked,
    # the redelivery has been handled too.
    other = world.dies_members.add_activity({"member_id": world.member["id"], "name": "Sentinel"})
    sentinel = dict(
        event,
        event_id="00000000-0000-4000-8000-00000000000a",
        payload=dict(
            event["payload"], payslip_id="sentinel", activity_id=other["id"], total_cost="1.00", provisions={}
        ),
    )
    support.publish_raw(suite_settings["AMQP_URI"], "payroll", "payslip_issued", sentinel)
    wait_for(
        lambda: world.dies.get_activity_account(other["id"])["balance"] == "-1.00", message="the sentinel"
    )
    assert account()["balance"] == "0.00"
    assert [e["amount"] for e in account()["entries"] if e["kind"] == "payroll"] == ["-4000.00"]
    assert (account()["provisions"], account()["provision_balance"]) == (
        {"double_holiday_pay": "223.40", "year_end_premium": "305.09"},
        "528.49",
    )

    again = payroll.prepare_run(
        {
            "period": PERIOD,
            "items": [
                {
                    "member_id": world.member["id"],
                    "activity_id": world.activity["id"],
                    "mode": "gross",
                    "amount": "10.00",
                }
            ],
        }
    )
    assert again["problems"][0]["code"] == "already_paid"


def test_budget_above_the_balance_is_a_problem_not_a_payslip(world, rpc_client):
    fund_activity(world, "1000.00")  # balance 900.00
    salaried(world)
    run = rpc_client(world.keys["dies"]).payroll.prepare_run(
        {
            "period": PERIOD,
            "items": [
                {
                    "member_id": world.member["id"],
                    "activity_id": world.activity["id"],
                    "mode": "budget",
                    "amount": "4000.00",
                }
            ],
        }
    )
    assert run["payslips"] == [] and run["problems"][0]["code"] == "budget_exceeded"
    assert "900.00" in run["problems"][0]["message"]


def test_expired_residence_card_refuses_the_payslip_and_says_why(world, rpc_client):
    fund_activity(world, "4444.44")
    salaried(world, valid_until=(date.today().replace(day=1) - timedelta(days=1)).isoformat())
    check = world.dies_members.check_right_to_work(
        {"member_id": world.member["id"], "on": date.today().isoformat()}
    )
    assert check["allowed"] is False
    run = rpc_client(world.keys["dies"]).payroll.prepare_run(
        {
            "period": PERIOD,
            "items": [
                {
                    "member_id": world.member["id"],
                    "activity_id": world.activity["id"],
                    "mode": "budget",
                    "amount": "1000.00",
                }
            ],
        }
    )
    assert run["payslips"] == []
    problem = run["problems"][0]
    assert problem["code"] == "no_right_to_work"
    assert "Residence card B1234567 expired on" in problem["message"]


def test_trial_member_gets_a_problem_not_a_payslip(world, rpc_client):
    fund_activity(world, "1000.00")
    world.dies_members.set_status_model(
        {"member_id": world.member["id"], "status_model": "trial", "valid_from": f"{PERIOD}-01"}
    )
    run = rpc_client(world.keys["dies"]).payroll.prepare_run(
        {
            "period": PERIOD,
            "items": [
                {
                    "member_id": world.member["id"],
                    "activity_id": world.activity["id"],
                    "mode": "gross",
                    "amount": "100.00",
                }
            ],
        }
    )
    assert run["problems"][0]["code"] == "not_paid" and "Trial" in run["problems"][0]["message"]


def test_status_models_must_be_enabled_and_parameters_valid(world):
    with pytest.raises(BusinessRuleViolation) as refused:
        world.dies_members.set_status_model(
            {"member_id": world.member["id"], "status_model": "be_director", "valid_from": f"{PERIOD}-01"}
        )
    assert "not enabled" in refused.value.message
    with pytest.raises(ValidationError) as invalid:
        world.dies_members.set_status_model(
            {
                "member_id": world.member["id"],
                "status_model": "be_salaried",
                "valid_from": f"{PERIOD}-01",
                "parameters": {"household": "married"},
            }
        )
    assert "parameters.household" in invalid.value.fields
    member = world.dies_members.set_status_model(
        {
            "member_id": world.member["id"],
            "status_model": "be_salaried",
            "valid_from": "2026-01-01",
            "parameters": {},
        }
    )
    assert member["status_parameters"] == {  # defaults applied
        "household": "single",
        "dependent_children": 0,
        "single_parent": False,
        "weekly_hours": 38,
        "full_time_hours": 38,
        "joint_committee": "200",
    }
    member = world.dies_members.set_status_model(
        {"member_id": world.member["id"], "status_model": "trial", "valid_from": "2026-02-01"}
    )
    assert [(h["status_model"], h["valid_until"]) for h in member["status_history"]] == [
        ("be_salaried", "2026-01-31"),
        ("trial", None),
    ]


def test_brucoop_director_statement_and_sepa_file(start_services, rpc_client, world):
    # The social insurance fund is paid at the end of each quarter (docs/domain/payroll-directors.md):
    # this month's statement is paid to the fund with the run of the last month of the quarter.
    brucoop_key = world.keys["brucoop"]
    members, billing = rpc_client(brucoop_key).members, rpc_client(brucoop_key).billing
    director = members.register_member(
        {
            "first_name": "Yonas",
            "last_name": "Tesfaye",
            "email": "yonas@example.org",
            "language": "en",
            "nationality": "ER",
            "iban": "BE35 3101 2345 6737",
        }
    )
    activity = members.add_activity({"member_id": director["id"], "name": "Consulting"})
    members.set_status_model(
        {
            "member_id": director["id"],
            "status_model": "be_director",
            "valid_from": f"{QUARTER_END}-01",
            "parameters": {},
        }
    )
    members.record_document(
        {
            "member_id": director["id"],
            "kind": "professional_card",
            "reference": "PC-2026-001",
            "valid_from": "2026-01-01",
            "valid_until": NEXT_YEAR,
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
                    {"description": "Advies", "quantity": "10", "unit_price": "800.00", "vat_rate": "0.21"}
                ],
            }
        )["id"]
    )
    billing.record_payment(
        {
            "amount": invoice["total_incl_vat"],
            "value_date": invoice["issue_date"],
            "bank_reference": "BRU-1",
            "invoice_id": invoice["id"],
        }
    )  # balance 7,360.00
    payroll = rpc_client(brucoop_key).payroll
    payroll.set_payroll_settings(
        {
            "social_fund_name": "Caisse d'assurances sociales (test)",
            "social_fund_iban": "BE56 3631 2345 6788",
            "social_fund_fee_rate": "0.0305",
        }
    )
    run = payroll.prepare_run(
        {
            "period": QUARTER_END,
            "items": [
                {
                    "member_id": director["id"],
                    "activity_id": activity["id"],
                    "mode": "gross",
                    "amount": "3000.00",
                }
            ],
        }
    )
    statement = run["payslips"][0]
    lines = {line["code"]: line["amount"] for line in statement["lines"]}
    assert lines == {
        "self_employed_social_contributions": "497.60",
        "social_fund_fee": "15.18",
        "withholding_tax": "560.10",
    }
    assert (statement["net_to_pay"], statement["total_cost"]) == ("1927.12", "3000.00")
    payroll.close_run(run["id"])
    exported = payroll.export_sepa(run["id"])
    document = base64.b64decode(exported["content"])
    schema = xmlschema.XMLSchema(str(resources.files("sepaxml").joinpath("schemas", "pain.001.001.09.xsd")))
    schema.validate(document)  # raises if the file is not valid
    tree = etree.fromstring(document)  # noqa: S314 (our own file)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    amounts = [a.text for a in tree.findall(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", ns)]
    assert sorted(amounts) == ["1927.12", "512.78"]  # the net, and contributions + fee to the fund
    assert tree.find(".//p:GrpHdr/p:CtrlSum", ns).text == "2439.90" == exported["control_sum"]
    assert {x.text for x in tree.findall(".//p:CdtrAcct/p:Id/p:IBAN", ns)} == {
        "BE35310123456737",
        "BE56363123456788",
    }
    pdf = base64.b64decode(payroll.render_payslip(statement["id"])["content"])
    text = " ".join(pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range().split())
    assert "Remuneration statement" in text and "€497.60" in text and statement["rules_version"] in text


@pytest.mark.parametrize(
    "gross, withholding", [("3500.00", "617.41"), ("4000.00", "826.70"), ("5000.00", "1245.27")]
)
def test_simulate_over_rpc_gives_the_fps_reference_withholding(world, rpc_client, gross, withholding):
    """The FPS reference withholdings of docs/domain/payroll-employees.md: single, no children,
    September 2026."""
    result = rpc_client(world.keys["dies"]).payroll.simulate(
        {
            "status_model": "be_salaried",
            "period": "2026-09",
            "mode": "gross",
            "amount": gross,
            "parameters": {"household": "single", "dependent_children": 0},
        }
    )
    assert {line["code"]: line["amount"] for line in result["lines"]}["withholding_tax"] == withholding
    assert result["rules_version"] == "be_salaried/2026-09-01+withholding/2026-01-01"
