"""Salaried members (be_salaried) beyond the full-time month: part time, the employer's side,
provisions and the payments made from them. Every figure is worked by hand in the docstring
from docs/domain/payroll-employees.md (November 2026 rows unless said)."""

from decimal import Decimal

import pytest

from coop_billing.domain import ledger
from coop_payroll.domain import payslips as rules
from coop_payroll.status_models import belgian_tax
from coop_payroll.status_models.be_salaried import BeSalaried
from coop_payroll.status_models.parameters import row_on
from coop_shared.money import Money
from coop_shared.status_models import (
    BUDGET,
    DOUBLE_HOLIDAY_PAY,
    EXIT_HOLIDAY_PAY,
    GROSS,
    YEAR_END_PREMIUM,
    CooperativeFacts,
    PayHistory,
    PayRequest,
)

MODEL = BeSalaried()


def compute(amount, period="2026-11", mode=GROSS, kind="monthly", history=None, workers=None, **parameters):
    return MODEL.compute(
        PayRequest(
            period,
            mode,
            Money.of(amount),
            parameters,
            cooperative=CooperativeFacts(workers=workers),
            kind=kind,
            history=history or PayHistory(),
        )
    )


def lines(result) -> dict:
    return {line.code: str(line.amount) for line in result.lines}


def test_four_fifths_time_work_bonus_is_read_on_the_full_time_equivalent():
    """30.4 h of 38 (H/U = 0.8), gross 2,400.00: S = 2,400 / 0.8 = 3,000.00; A = 127.54 −
    0.2739 × (3,000 − 2,937.93) = 110.54, B = 0 (S above 2,937.93); × 0.8 = 88.43. (Read on the
    actual gross it would be A 127.54 + B 145.17 = 272.71: the part-time rule lowers it.)
    Taxable 2,400 − (313.68 − 88.43) = 2,174.75; fiscal bonus 33.14 % × 88.43 = 29.31."""
    result = compute("2400.00", weekly_hours=30.4)
    got = lines(result)
    assert (got["employee_social_security"], got["social_work_bonus"]) == ("313.68", "-88.43")
    assert (got["withholding_tax"], got["fiscal_work_bonus"], got["special_social_security"]) == (
        "241.80",
        "-29.31",
        "12.64",
    )
    assert str(result.net_to_pay) == "1949.62"  # 2,400 − 313.68 + 88.43 − 241.80 + 29.31 − 12.64


def test_half_time_work_bonus_is_halved():
    """19 h of 38, gross 1,500.00: S = 3,000.00 → A 110.54 × 0.5 = 55.27."""
    assert lines(compute("1500.00", weekly_hours=19))["social_work_bonus"] == "-55.27"


def test_full_time_is_unchanged_by_the_part_time_rule():
    """be_salaried_2026.csv, K1 "isole-300000": 3,000.00 full time → bonus 110.54."""
    assert lines(compute("3000.00", period="2026-09"))["social_work_bonus"] == "-110.54"


def test_each_employer_contribution_is_its_own_line_and_the_structural_reduction_lowers_them():
    """Gross 2,400.00 at 4/5, fewer than 10 workers: 19.88 % = 477.12, 5.12 % = 122.88,
    closing fund 0.32 % = 7.68, temporary unemployment 0.09 % = 2.16, asbestos 0.01 % = 0.24,
    risk groups 0.10 % = 2.40, sector fund 200 0.23 % = 5.52. Structural reduction: S = 3 ×
    3,000 = 9,000/quarter; 0.14 × (11,687.74 − 9,000) = 376.28 + 0.16 × (9,738.14 − 9,000) =
    118.10 → 494.38 × 0.8 / 3 = 131.83 a month."""
    got = lines(compute("2400.00", weekly_hours=30.4))
    assert {k: v for k, v in got.items() if k.startswith("employer_")} == {
        "employer_basic": "477.12",
        "employer_wage_moderation": "122.88",
        "employer_closing_fund": "7.68",
        "employer_temporary_unemployment": "2.16",
        "employer_asbestos": "0.24",
        "employer_risk_groups": "2.40",
        "employer_sector_fund_200": "5.52",
    }
    assert got["structural_reduction"] == "-131.83"


def test_from_ten_and_twenty_workers_the_headcount_components_change():
    """25 workers: special unemployment 1.69 % = 40.56 and closing fund 0.37 % = 8.88."""
    got = lines(compute("2400.00", weekly_hours=30.4, workers=25))
    assert (got["employer_special_unemployment"], got["employer_closing_fund"]) == ("40.56", "8.88")
    assert "employer_special_unemployment" not in lines(compute("2400.00", workers=9))


def test_provisions_are_set_aside_and_part_of_the_cost():
    """Gross 2,400.00: double holiday pay 7.67 % = 184.08; premium 8.33 % = 199.92 plus
    employer contributions 25.75 % of it = 51.48. Total cost = 2,400 + 618.00 (employer) −
    131.83 + 184.08 + 199.92 + 51.48 = 3,321.65."""
    result = compute("2400.00", weekly_hours=30.4)
    assert {k: str(v) for k, v in result.provisions} == {
        "double_holiday_pay": "184.08",
        "year_end_premium": "251.40",
    }
    assert str(result.total_cost) == "3321.65"


def test_no_premium_provision_outside_joint_committee_200():
    result = compute("2400.00", joint_committee="329.02")
    assert [k for k, _ in result.provisions] == ["double_holiday_pay"]
    assert "employer_sector_fund_200" not in lines(result)


@pytest.mark.parametrize("budget", ["1800.00", "3321.65", "4000.00", "5000.00", "7777.77"])
def test_budget_mode_costs_the_budget_to_the_cent(budget):
    result = compute(budget, mode=BUDGET, weekly_hours=30.4)
    assert str(result.total_cost) == budget
    assert compute(str(result.gross + Money.of("0.01")), weekly_hours=30.4).total_cost > Money.of(budget)


def test_budget_of_the_hand_worked_cost_gives_back_its_gross():
    assert str(compute("3321.65", mode=BUDGET, weekly_hours=30.4).gross) == "2400.00"


def test_single_parent_reduction_lowers_the_withholding():
    """Single with 1 child: the annual reduction 624 becomes 624 + 624 → 52.00 a month less."""
    plain = lines(compute("3500.00", dependent_children=1))["withholding_tax"]
    single_parent = lines(compute("3500.00", dependent_children=1, single_parent=True))["withholding_tax"]
    assert Money.of(plain) - Money.of(single_parent) == Money.of("52.00")


def test_a_contract_under_one_third_of_full_time_is_refused():
    reasons = MODEL.eligibility(PayRequest("2026-11", GROSS, Money.of("1500.00"), {"weekly_hours": 12}))
    assert reasons == [
        "A contract of 12 h a week is under one third of full time (38 h): law of 3 July 1978, art. 11bis."
    ]


def test_a_gross_under_the_minimum_wage_for_the_hours_is_refused():
    """GMMI 2,189.81 from 1 April 2026, × 0.8 = 1,751.85 at 30.4 h; before April 2,154.81."""
    assert MODEL.eligibility(PayRequest("2026-11", GROSS, Money.of("1500.00"), {"weekly_hours": 30.4})) == [
        "Gross 1500.00 is under the minimum wage for 30.4 h a week (1751.85, GMMI of CCT 43)."
    ]
    assert MODEL.eligibility(PayRequest("2026-11", GROSS, Money.of("1751.85"), {"weekly_hours": 30.4})) == []
    assert "2154.81" in MODEL.eligibility(PayRequest("2026-03", GROSS, Money.of("2000.00"), {}))[0]


def test_double_holiday_pay_in_may():
    """Monthly gross 3,000.00, employed since 1 January 2025 (12 months in 2025): 92 % × 3,000
    = 2,760.00. Personal 13.07 % on 85 % of the month, 2,550.00 → 333.29. Withholding at the
    holiday-pay rate for a normal annual pay of (3,000 − 392.10) × 12 = 31,294.80: 36.34 % of
    2,426.71 = 881.87. No employer contribution: the cost is the 2,760.00 itself."""
    result = compute("3000.00", period="2026-05", kind=DOUBLE_HOLIDAY_PAY, start_date="2025-01-01")
    assert lines(result) == {
        "double_holiday_pay_social_security": "333.29",
        "withholding_tax_exceptional": "881.87",
    }
    assert (str(result.gross), str(result.net_to_pay), str(result.total_cost)) == (
        "2760.00",
        "1544.84",
        "2760.00",
    )
    assert (result.draws_on, result.provisions) == (DOUBLE_HOLIDAY_PAY, ())


def test_double_holiday_pay_is_prorated_to_the_months_of_the_previous_year():
    """Started 1 July 2025: 6 months → 92 % × 3,000 × 6 / 12 = 1,380.00."""
    result = compute("3000.00", period="2026-05", kind=DOUBLE_HOLIDAY_PAY, start_date="2025-07-01")
    assert str(result.gross) == "1380.00"


def test_year_end_premium_prorated_by_months_of_presence():
    """Joint committee 200, December salary 3,000.00, started 1 March 2026: 10 months → 2,500.00;
    personal 326.75; withholding at the "other" rate 40.38 % of 2,173.25 = 877.56; employer
    contributions on it as every month (25.75 % = 643.75 in all)."""
    result = compute("3000.00", period="2026-12", kind=YEAR_END_PREMIUM, start_date="2026-03-01")
    got = lines(result)
    assert (
        str(result.gross),
        got["year_end_premium_social_security"],
        got["withholding_tax_exceptional"],
    ) == (
        "2500.00",
        "326.75",
        "877.56",
    )
    assert str(result.total_cost) == "3143.75"
    assert result.draws_on == YEAR_END_PREMIUM


def test_year_end_premium_needs_six_months_seniority():
    request = PayRequest(
        "2026-12", GROSS, Money.of("3000.00"), {"start_date": "2026-07-02"}, kind=YEAR_END_PREMIUM
    )
    assert MODEL.eligibility(request) == ["The end-of-year premium needs 6 months' seniority."]


def test_exit_holiday_pay_is_15_34_percent_of_the_year_gross():
    """Gross of the year 30,000.00: single 7.67 % = 2,301.00 (ordinary contributions) and double
    7.67 % = 2,301.00 (13.07 % on 85/92 of it, 2,125.92 → 277.86)."""
    result = compute(
        "3000.00",
        period="2026-12",
        kind=EXIT_HOLIDAY_PAY,
        start_date="2026-03-01",
        history=PayHistory(year_gross=Money.of("30000.00")),
    )
    got = lines(result)
    assert str(result.gross) == "4602.00"
    assert (got["exit_holiday_pay_social_security"], got["double_holiday_pay_social_security"]) == (
        "300.74",
        "277.86",
    )
    assert got["employer_basic"] == "457.44"  # 19.88 % of the single part
    assert result.draws_on == DOUBLE_HOLIDAY_PAY


def test_exceptional_rates_follow_the_normal_annual_pay():
    tax = row_on("be_withholding_2026", PayRequest("2026-05", GROSS, Money.zero(), {}).first_day)
    rate = belgian_tax.exceptional_rate
    assert rate(Money.of("10675.00"), "holiday_pay", tax) == Decimal("0")
    assert rate(Money.of("31294.80"), "holiday_pay", tax) == Decimal("0.3634")
    assert rate(Money.of("31294.80"), "other", tax) == Decimal("0.4038")
    assert rate(Money.of("90000.00"), "other", tax) == Decimal("0.5350")


def test_a_payment_from_a_provision_empties_it_and_the_difference_meets_the_balance():
    """Provision 1,000.00 + 200.00 set aside in this run; a cost of 1,500.00 takes 1,200.00 from
    the provision and 300.00 from the balance of 2,000.00."""
    budgets = rules.ActivityBudgets(
        lambda a: Money.of("2000.00"), lambda a: {"double_holiday_pay": "1000.00"}
    )
    budgets.set_aside("a1", [("double_holiday_pay", Money.of("200.00"))])
    assert budgets.draw("a1", "double_holiday_pay", Money.of("1500.00")) == (
        Money.of("1200.00"),
        Money.of("2000.00"),
        Money.of("1700.00"),
    )
    assert budgets.provisions("a1") == {"double_holiday_pay": Money.zero()}
    # a provision larger than the cost gives the rest back to the balance
    budgets.set_aside("a1", [("double_holiday_pay", Money.of("500.00"))])
    assert budgets.draw("a1", "double_holiday_pay", Money.of("400.00"))[2] == Money.of("1800.00")


def test_the_ledger_keeps_provisions_apart_and_a_payment_draws_on_them():
    month = ledger.payroll_charged(
        "a1",
        Money.of("3321.65"),
        {"double_holiday_pay": Money.of("184.08"), "year_end_premium": Money.of("251.40")},
    )
    assert month.moved_on("activity:a1") == Money.of("-3321.65")
    assert month.moved_on("provision:a1:holiday") == Money.of("184.08")
    assert month.moved_on(ledger.PAYROLL_PAYABLE) == Money.of("2886.17")
    paid = ledger.payroll_charged("a1", Money.of("2760.00"), {}, "double_holiday_pay", Money.of("2208.96"))
    assert paid.moved_on("provision:a1:holiday") == Money.of("-2208.96")
    assert paid.moved_on("activity:a1") == Money.of("-551.04")
    assert paid.moved_on(ledger.PAYROLL_PAYABLE) == Money.of("2760.00")
