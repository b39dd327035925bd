"""payroll's pure rules: periods, the status in force, the checks a payslip must pass (each
failure a problem with its code and message) and the running balance of an activity."""

from datetime import date
from decimal import Decimal

import pytest

from coop_payroll.domain import payslips as rules
from coop_payroll.domain.runs import RunStatus, period_days
from coop_shared.errors import BusinessRuleViolation, ValidationError
from coop_shared.money import Money
from coop_shared.status_models import BUDGET, CooperativeFacts, load_status_models

MODELS = load_status_models()


def problem_of(check, *args):
    with pytest.raises(rules.Problem) as raised:
        check(*args)
    return raised.value.code, raised.value.message


def history(*rows):
    return {
        "status_history": [
            {"status_model": model, "valid_from": start, "valid_until": until, "parameters": {}}
            for model, start, until in rows
        ]
    }


def test_a_period_runs_from_its_first_to_its_last_day():
    assert period_days("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_days("2028-02") == (date(2028, 2, 1), date(2028, 2, 29))
    assert period_days("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))


def test_run_states_are_the_stored_strings():
    assert [str(s) for s in RunStatus] == ["draft", "closed"]


def test_the_status_in_force_is_the_row_covering_the_day():
    member = history(("be_salaried", "2026-01-01", "2026-05-31"), ("trial", "2026-06-01", None))
    assert rules.status_in(member, date(2026, 5, 31))["status_model"] == "be_salaried"
    assert rules.status_in(member, date(2026, 6, 1))["status_model"] == "trial"
    assert rules.status_in(member, date(2025, 12, 31)) is None
    assert rules.status_in({}, date(2026, 6, 1)) is None


def test_a_member_paid_in_a_closed_run_is_already_paid_for_that_period_only():
    paid = {("m1", "2026-09", "monthly")}
    assert problem_of(rules.check_not_paid_before, "m1", "2026-09", paid) == (
        rules.ALREADY_PAID,
        "The member already has a closed monthly payslip for 2026-09.",
    )
    rules.check_not_paid_before("m1", "2026-10", paid)
    rules.check_not_paid_before("m2", "2026-09", paid)
    rules.check_not_paid_before("m1", "2026-09", paid, "year_end_premium")  # another kind


def test_a_member_needs_a_status_model_and_the_model_installed():
    day = date(2026, 9, 1)
    assert problem_of(rules.model_in_force, history(), day, MODELS) == (
        rules.NO_STATUS_MODEL,
        "No status model on 2026-09-01: set one with set_status_model.",
    )
    assert problem_of(rules.model_in_force, history(("be_freelance", "2026-01-01", None)), day, MODELS) == (
        rules.MODEL_NOT_INSTALLED,
        "Status model 'be_freelance' is not installed.",
    )
    status, model = rules.model_in_force(history(("be_salaried", "2026-01-01", None)), day, MODELS)
    assert (status["status_model"], model.key) == ("be_salaried", "be_salaried")


def test_a_model_that_never_pays_says_why():
    code, message = problem_of(rules.check_model_pays, MODELS["trial"], "2026-09", BUDGET)
    assert code == rules.NOT_PAID and message.startswith("Trial status")
    rules.check_model_pays(MODELS["be_salaried"], "2026-09", BUDGET)


def test_no_right_to_work_gives_members_reasons():
    right = {"allowed": False, "reasons": ["Residence card B1 expired on 2026-08-31.", "No permit."]}
    assert problem_of(rules.check_right_to_work, right) == (
        rules.NO_RIGHT_TO_WORK,
        "Residence card B1 expired on 2026-08-31. No permit.",
    )
    rules.check_right_to_work({"allowed": True, "reasons": []})


def test_the_net_needs_an_iban():
    assert problem_of(rules.check_iban, {"iban": None})[0] == rules.NO_IBAN
    assert problem_of(rules.check_iban, {})[0] == rules.NO_IBAN
    rules.check_iban({"iban": "BE46735123456736"})


def test_the_activity_balance_runs_down_through_a_run():
    asked = []
    budgets = rules.ActivityBudgets(lambda a: asked.append(a) or Money.of("5000.00"))
    assert budgets.spend("a1", Money.of("4000.00")) == (Money.of("5000.00"), Money.of("1000.00"))
    assert problem_of(budgets.spend, "a1", Money.of("1000.01")) == (
        rules.BUDGET_EXCEEDED,
        "Total cost 1000.01 exceeds the activity balance 1000.00.",
    )
    assert budgets.spend("a1", Money.of("1000.00")) == (Money.of("1000.00"), Money.zero())  # exactly all
    assert budgets.spend("a2", Money.of("1.00"))[0] == Money.of("5000.00")  # each activity its own
    assert asked == ["a1", "a2"]  # billing is asked once per activity


def test_the_request_carries_the_members_parameters_and_the_cooperative_facts():
    status = {"parameters": {"household": "single"}}
    facts = CooperativeFacts(social_fund_fee_rate=Decimal("0.0305"))
    item = {"mode": "gross", "amount": Decimal("3000")}
    request = rules.pay_request("2026-09", item, status, {"nationality": "GN"}, facts)
    assert (request.amount, request.parameters, request.member.nationality, request.cooperative) == (
        Money.of("3000.00"),
        {"household": "single"},
        "GN",
        facts,
    )
    assert request.parameters is not status["parameters"]  # the member's row is left as it was


def test_a_model_refusing_or_lacking_rules_refuses_the_call_with_a_typed_error():
    status = {"parameters": {}}
    item = {"mode": "gross", "amount": Decimal("100")}
    trial = rules.pay_request("2026-09", item, status, {}, CooperativeFacts())
    with pytest.raises(BusinessRuleViolation):
        rules.pay(MODELS["trial"], trial)
    too_early = rules.pay_request("2001-01", item, status, {}, CooperativeFacts())
    with pytest.raises(ValidationError) as invalid:
        rules.pay(MODELS["be_salaried"], too_early)
    assert "period" in invalid.value.fields


def test_the_figures_state_the_result_and_the_balance_around_it():
    request = rules.pay_request(
        "2026-09", {"mode": "gross", "amount": Decimal("3000")}, {"parameters": {}}, {}, CooperativeFacts()
    )
    result = rules.pay(MODELS["be_director"], request)
    figures = rules.payslip_figures(result, Money.of("9000.00"), Money.of("6000.00"))
    assert (str(figures["gross"]), str(figures["net_to_pay"]), str(figures["total_cost"])) == (
        "3000.00",
        "1927.12",
        "3000.00",
    )
    assert figures["payments"] == [{"to": "social_insurance_fund", "amount": "512.78"}]
    assert (figures["balance_before"], figures["balance_after"]) == (Money.of("9000.00"), Money.of("6000.00"))
