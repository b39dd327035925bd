"""What a payslip withholds, split for the books (coop_payroll/domain/withholdings.py): the
withholding tax (453), the social security (454) and a director's fund (459), on payslips the
real status models compute, and carried by `payslip_issued`."""

from decimal import Decimal

from coop_payroll.domain import withholdings
from coop_payroll.views import line_out, payslip_issued
from coop_shared.money import Money
from coop_shared.status_models import CooperativeFacts, PayRequest, load_status_models

MODELS = load_status_models()


def stored(result) -> list[dict]:
    return [line_out(line) for line in result.lines]


def by_code(result) -> dict:
    return {line.code: line.amount for line in result.lines}


def test_an_employees_withholdings_split_into_tax_and_social_security():
    result = MODELS["be_salaried"].compute(
        PayRequest("2026-11", "gross", Money.of("3000.00"), {}, cooperative=CooperativeFacts())
    )
    split = withholdings.split(stored(result))
    lines = by_code(result)
    # 453: the withholding tax less the fiscal work bonus
    assert split["withholding_tax"] == lines["withholding_tax"] + lines["fiscal_work_bonus"]
    # 454: 13.07 % ONSS less the social work bonus, plus the special contribution
    assert split["employee_social_security"] == (
        lines["employee_social_security"] + lines["social_work_bonus"] + lines["special_social_security"]
    )
    assert lines["employee_social_security"] == Money.of("392.10")  # 13.07 % of 3,000.00
    assert split["social_fund"] == Money.zero()
    withheld = split["withholding_tax"] + split["employee_social_security"]
    assert withheld == result.gross - result.net_to_pay
    provisions = sum((amount for _, amount in result.provisions), Money.zero())
    assert split["employer_social_security"] == result.total_cost - result.gross - provisions
    assert split["employer_social_security"].amount > Decimal("600")  # about 25 % of the gross


def test_a_directors_contributions_go_to_the_fund_and_no_onss_is_withheld():
    result = MODELS["be_director"].compute(
        PayRequest(
            "2026-11",
            "gross",
            Money.of("3000.00"),
            {"declared_income_estimate": "40000.00"},
            cooperative=CooperativeFacts(Decimal("0.0305")),
        )
    )
    split = withholdings.split(stored(result))
    lines = by_code(result)
    assert split["social_fund"] == lines["self_employed_social_contributions"] + lines["social_fund_fee"]
    assert split["social_fund"] == Money.of("704.17")  # 683.33 + 20.84, the second month's third
    assert split["employee_social_security"] == Money.zero() == split["employer_social_security"]
    assert split["withholding_tax"] == lines["withholding_tax"]
    assert split["withholding_tax"] + split["social_fund"] == result.gross - result.net_to_pay


def test_payslip_issued_carries_the_split_as_strings():
    class Run:
        id, period = "run-1", "2026-11"

    class Slip:
        id, member_id, activity_id, status_model = "ps-1", "m-1", "a-1", "be_salaried"
        gross, net_to_pay, total_cost = Money.of("100.00"), Money.of("70.00"), Money.of("125.00")
        member, rules_version, kind, provisions, draws_on = {}, "t", "monthly", {}, None
        from_provision = Money.zero()
        lines = [
            {"code": "employee_social_security", "amount": "13.07", "borne_by": "member"},
            {"code": "withholding_tax", "amount": "16.93", "borne_by": "member"},
            {"code": "employer_basic", "amount": "25.00", "borne_by": "cooperative"},
        ]

    payload = payslip_issued(Run, Slip)
    assert (payload["withholding_tax"], payload["employee_social_security"]) == ("16.93", "13.07")
    assert (payload["employer_social_security"], payload["social_fund"]) == ("25.00", "0.00")
