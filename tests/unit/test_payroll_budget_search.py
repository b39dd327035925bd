"""Budget mode's gross found in a handful of payslip costs (issue 18) is, to the cent, the one the
search by halves over every cent finds (`budget_gross_by_halves`, the first implementation):
over many budgets, working times, joint committees, headcounts and periods."""

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from coop_payroll.status_models.be_salaried import (
    SOCIAL,
    TAX,
    BeSalaried,
    Contract,
    MonthlyCost,
    budget_gross,
    budget_gross_by_halves,
    monthly_cost,
)
from coop_payroll.status_models.parameters import row_on
from coop_shared.money import Money
from coop_shared.status_models import BUDGET, CooperativeFacts, PayRequest

PERIODS = ("2026-01", "2026-03", "2026-04", "2026-07", "2026-09", "2026-11", "2026-12")
cents = st.integers(min_value=-500, max_value=3_000_000)  # up to 30,000.00, a few negative


def request_of(amount: Money, period, weekly_hours, joint_committee, workers) -> PayRequest:
    parameters = {"weekly_hours": weekly_hours, "joint_committee": joint_committee}
    return PayRequest(period, BUDGET, amount, parameters, cooperative=CooperativeFacts(workers=workers))


def both(budget_cents, period="2026-11", weekly_hours=38, joint_committee="200", workers=None):
    budget = Money(Decimal(budget_cents) / 100)
    request = request_of(budget, period, weekly_hours, joint_committee, workers)
    contract, day = Contract.of(request.parameters), request.first_day
    social, tax = row_on(SOCIAL, day), row_on(TAX, day)
    return (
        budget_gross(budget, request, contract, social, tax),
        budget_gross_by_halves(budget, request, contract, social, tax),
    )


@settings(max_examples=400, deadline=None)
@given(
    budget_cents=cents,
    period=st.sampled_from(PERIODS),
    weekly_hours=st.sampled_from([12.67, 13, 19, 24, 30.4, 32, 38, 40, 45]),
    joint_committee=st.sampled_from(["200", "124", "337.00"]),
    workers=st.sampled_from([None, 3, 10, 19, 20, 250]),
)
@example(budget_cents=0, period="2026-11", weekly_hours=38, joint_committee="200", workers=None)
@example(budget_cents=1, period="2026-11", weekly_hours=38, joint_committee="200", workers=None)
@example(budget_cents=400000, period="2026-11", weekly_hours=38, joint_committee="200", workers=None)
@example(budget_cents=-1, period="2026-11", weekly_hours=38, joint_committee="200", workers=None)
def test_the_quick_search_finds_the_cent_the_search_by_halves_finds(
    budget_cents, period, weekly_hours, joint_committee, workers
):
    new, old = both(budget_cents, period, weekly_hours, joint_committee, workers)
    assert new == old


def test_every_cent_of_a_range_of_budgets_around_the_structural_reduction():
    """Budgets cent by cent where the structural reduction is in force and where it ends
    (quarterly reference wage S0 = 11,458.57, so a full-time gross about 3,819.52)."""
    for start in (100, 250_000, 450_000, 520_000):
        for budget_cents in range(start, start + 300):
            new, old = both(budget_cents)
            assert new == old, budget_cents


@settings(max_examples=400, deadline=None)
@given(
    gross_cents=st.integers(min_value=0, max_value=3_000_000),
    period=st.sampled_from(PERIODS),
    weekly_hours=st.sampled_from([12.67, 13, 19, 24, 30.4, 32, 38, 40, 45]),
    joint_committee=st.sampled_from(["200", "124", "337.00"]),
    workers=st.sampled_from([None, 3, 10, 19, 20, 250]),
)
@example(gross_cents=0, period="2026-11", weekly_hours=38, joint_committee="200", workers=None)
@example(gross_cents=381952, period="2026-11", weekly_hours=38, joint_committee="200", workers=None)
def test_the_cost_on_decimals_is_the_sum_of_the_payslip_lines(
    gross_cents, period, weekly_hours, joint_committee, workers
):
    request = request_of(Money.of("1.00"), period, weekly_hours, joint_committee, workers)
    contract, social = Contract.of(request.parameters), row_on(SOCIAL, request.first_day)
    gross = Decimal(gross_cents) / 100
    expected = monthly_cost(Money(gross), request, contract, social, None)
    assert Money(MonthlyCost(request, contract, social)(gross)) == expected


def test_the_cost_never_falls_as_the_gross_grows():
    """What both searches rest on: cent by cent, a higher gross never costs less."""
    request = request_of(Money.of("9000.00"), "2026-11", 30.4, "200", None)
    contract, social, tax = Contract.of(request.parameters), row_on(SOCIAL, request.first_day), None
    previous = Money.zero()
    for gross_cents in range(0, 900_000, 37):
        cost = monthly_cost(Money(Decimal(gross_cents) / 100), request, contract, social, tax)
        assert cost >= previous, gross_cents
        previous = cost


def test_a_budget_asks_a_handful_of_payslip_costs(monkeypatch):
    asked = []
    real = MonthlyCost.__call__
    monkeypatch.setattr(MonthlyCost, "__call__", lambda self, gross: asked.append(gross) or real(self, gross))
    result = BeSalaried().compute(request_of(Money.of("4000.00"), "2026-11", 38, "200", None))
    assert str(result.total_cost) == "4000.00"
    assert 1 <= len(asked) <= 8  # the search by halves asked 20
