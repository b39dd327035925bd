"""Typed errors survive nameko's serialisation: the caller gets the same class and fields."""

import pytest
from nameko.exceptions import deserialize, serialize

import coop_shared.runtime.errors  # noqa: F401  (registers the types)
from coop_shared.errors import (
    BusinessRuleViolation,
    Conflict,
    CoopError,
    Forbidden,
    NotFound,
    ValidationError,
)


@pytest.mark.parametrize(
    "error",
    [
        ValidationError(fields={"iban": ["Not a valid IBAN."]}),
        NotFound("No member 'x'."),
        Forbidden("Unknown credential."),
        Conflict("Slug taken.", {"slug": "dies"}),
        BusinessRuleViolation("Budget exceeded."),
    ],
)
def test_round_trip_keeps_type_message_and_details(error):
    back = deserialize(serialize(error))
    assert type(back) is type(error)
    assert isinstance(back, CoopError)
    assert (back.message, back.details) == (error.message, error.details)
    assert back.code == error.code


def test_codes_are_stable():
    assert [e.code for e in (ValidationError, NotFound, Forbidden, Conflict, BusinessRuleViolation)] == [
        "validation_error",
        "not_found",
        "forbidden",
        "conflict",
        "business_rule_violation",
    ]
