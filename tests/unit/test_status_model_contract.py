"""The contract every installed status model must pass — built-ins and third-party alike,
found the same way (entry points). A model added to the environment is tested here without
anyone writing a test for it."""

from decimal import Decimal

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop_shared.money import Money
from coop_shared.status_models import (
    BUDGET,
    COOPERATIVE,
    GROSS,
    MEMBER,
    CooperativeFacts,
    NotEligible,
    PayRequest,
    load_status_models,
)

MODELS = load_status_models()
PERIODS = [f"2026-{m:02d}" for m in range(1, 13)]


def test_built_ins_and_the_test_plugin_are_discovered():
    assert {"be_salaried", "be_director", "trial", "flat_fee"} <= set(MODELS)


def parameters_for(schema: dict):
    """Valid parameters drawn from a model's own JSON Schema."""
    fields = {}
    for name, spec in schema.get("properties", {}).items():
        if "enum" in spec:
            fields[name] = st.sampled_from(spec["enum"])
        elif spec.get("type") == "integer":
            fields[name] = st.integers(spec.get("minimum", 0), min(spec.get("maximum", 5), 5))
        elif spec.get("type") == "boolean":
            fields[name] = st.booleans()
    return st.fixed_dictionaries({}, optional=fields)


# What a run tells every model of the cooperative (its payroll settings); a simulation tells
# nothing (None). Fund fees run from 3.05 % to 4.25 % (docs/domain/payroll-directors.md).
cooperative_facts = st.builds(
    CooperativeFacts,
    social_fund_fee_rate=st.none() | st.sampled_from(["0.0305", "0.035", "0.0425"]).map(Decimal),
)


@pytest.mark.parametrize("key", sorted(MODELS))
def test_schema_is_valid_json_schema_and_labels_are_trilingual(key):
    model = MODELS[key]
    jsonschema.Draft202012Validator.check_schema(model.parameters_schema())
    assert set(model.label) == {"fr", "nl", "en"}
    assert model.rules_version("2026-11")


@pytest.mark.parametrize("key", sorted(MODELS))
def test_contract(key):
    model = MODELS[key]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        period=st.sampled_from(PERIODS),
        mode=st.sampled_from([BUDGET, GROSS]),
        cents=st.integers(50_000, 2_500_000),
        parameters=parameters_for(model.parameters_schema()),
        cooperative=cooperative_facts,
    )
    def check(period, mode, cents, parameters, cooperative):
        request = PayRequest(period, mode, Money(Decimal(cents) / 100), parameters, cooperative=cooperative)
        if not model.pays:
            with pytest.raises(NotEligible):
                model.compute(request)
            assert model.eligibility(request)
            return
        result = model.compute(request)
        assert result == model.compute(request)  # deterministic
        amounts = [result.gross, result.net_to_pay, result.total_cost] + [
            line.amount for line in result.lines
        ]
        assert all(a.amount == a.amount.quantize(Decimal("0.01")) for a in amounts)  # cent-exact
        assert result.net_to_pay == result.gross - result.borne_by(MEMBER)  # lines sum to totals
        assert result.total_cost == result.gross + result.borne_by(COOPERATIVE)
        assert result.net_to_pay >= Money.zero()  # never a negative net
        if mode == BUDGET:
            assert result.total_cost <= request.amount  # budget never exceeded
        assert result.rules_version

    check()
