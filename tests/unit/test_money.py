from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop_shared.errors import ValidationError
from coop_shared.money import Money, round_cent, to_decimal


def test_float_is_refused_with_the_field_name():
    with pytest.raises(ValidationError) as error:
        Money.of(0.1, field="unit_price")
    assert "floats" in error.value.fields["unit_price"][0]


@pytest.mark.parametrize("text", ["abc", "1,50", "NaN", "Infinity", ""])
def test_garbage_is_refused(text):
    with pytest.raises(ValidationError):
        to_decimal(text)


def test_more_than_two_decimals_is_refused_not_rounded():
    with pytest.raises(ValidationError):
        Money.of("10.005")


def test_half_up_rounding_to_the_cent():
    assert round_cent(Decimal("2.345")) == Decimal("2.35")
    assert round_cent(Decimal("-2.345")) == Decimal("-2.35")
    assert Money.of("100.00").times(Decimal("0.21")) == Money.of("21.00")
    assert str(Money.of("19.99").times(Decimal("0.06"))) == "1.20"  # 1.1994


def test_arithmetic_stays_exact():
    assert Money.of("0.10") + Money.of("0.20") == Money.of("0.30")
    assert str(Money.of("1") - Money.of("1.01")) == "-0.01"
    with pytest.raises(TypeError):
        Money.of("1").times(1.5)


def test_allocate_gives_the_odd_cent_to_the_largest_remainder():
    assert [str(m) for m in Money.of("100.00").allocate([1, 1, 1])] == ["33.34", "33.33", "33.33"]
    assert [str(m) for m in Money.of("-0.05").allocate([1, 1])] == ["-0.03", "-0.02"]


@given(cents=st.integers(-(10**9), 10**9), weights=st.lists(st.integers(1, 1000), min_size=1, max_size=8))
def test_allocate_never_loses_a_cent(cents, weights):
    total = Money(Decimal(cents) / 100)
    parts = total.allocate(weights)
    assert sum((p for p in parts), Money.zero()) == total
    assert len(parts) == len(weights)
