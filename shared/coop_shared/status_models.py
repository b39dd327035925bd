"""The status-model plugin contract: how an entrepreneur is paid.

A status model is found by key in the entry-point group `coop.status_models` (built-ins
register there exactly as a third-party package would). It is pure: the same request gives the
same result; rates and thresholds come from dated parameter rows, never from constants in
code; every result names the `rules_version` that produced it. Framework-free on purpose.

A request carries what a model may know: the member's own parameters (validated against the
model's `parameters_schema`), facts about the person (`MemberFacts`, from members) and facts
about the cooperative paying (`CooperativeFacts`, from payroll's settings). The caller never
tests a model's key to feed it: whatever a model needs beyond its parameters is a fact here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from coop_shared.money import Money
from coop_shared.plugins import discover

ENTRY_POINT_GROUP = "coop.status_models"
BUDGET, GROSS = "budget", "gross"
MEMBER, COOPERATIVE = "member", "cooperative"
# Kinds of payslip: the monthly pay, and the payments made from the provisions built each month
# (docs/domain/payroll-employees.md, "Provisions and the year").
MONTHLY = "monthly"
DOUBLE_HOLIDAY_PAY, YEAR_END_PREMIUM, EXIT_HOLIDAY_PAY = (
    "double_holiday_pay",
    "year_end_premium",
    "exit_holiday_pay",
)
PAYSLIP_KINDS = (MONTHLY, DOUBLE_HOLIDAY_PAY, YEAR_END_PREMIUM, EXIT_HOLIDAY_PAY)
PAYSLIP, DIRECTOR_STATEMENT = "payslip", "director_statement"


@dataclass(frozen=True)
class MemberFacts:
    """What a model may know of the person (from members): nationality for eligibility, etc."""

    nationality: str | None = None
    birth_date: date | None = None


@dataclass(frozen=True)
class CooperativeFacts:
    """What a model may know of the cooperative paying (from payroll's settings). None means
    unknown (a simulation outside a run): the model then falls back on its own default."""

    social_fund_fee_rate: Decimal | None = None  # fee of the directors' social insurance fund
    workers: int | None = None  # workers the cooperative declares to the ONSS (its headcount)


@dataclass(frozen=True)
class PayHistory:
    """What payroll's own payslips say of the member's year (for payments made from provisions):
    the gross of the monthly payslips of the calendar year before the period."""

    year_gross: Money | None = None


@dataclass(frozen=True)
class PayRequest:
    period: str  # 'YYYY-MM'
    mode: str  # BUDGET: amount is the total cost to the activity; GROSS: amount is gross pay
    amount: Money
    parameters: dict
    member: MemberFacts = field(default_factory=MemberFacts)
    cooperative: CooperativeFacts = field(default_factory=CooperativeFacts)
    kind: str = MONTHLY  # PAYSLIP_KINDS; a model that only pays monthly refuses the others
    history: PayHistory = field(default_factory=PayHistory)

    @property
    def first_day(self) -> date:
        year, month = (int(x) for x in self.period.split("-"))
        return date(year, month, 1)


@dataclass(frozen=True)
class PayLine:
    """One contribution, tax or pay element: amount = base × rate when a rate applies.
    Positive amounts are paid to or withheld from the member as `borne_by` says."""

    code: str
    label: str
    base: Money | None
    rate: Decimal | None
    amount: Money
    borne_by: str  # MEMBER (withheld from gross) or COOPERATIVE (on top of gross)


@dataclass(frozen=True)
class PayResult:
    gross: Money
    net_to_pay: Money
    total_cost: Money
    lines: tuple[PayLine, ...]
    rules_version: str
    payments: tuple[tuple[str, Money], ...] = ()  # other transfers to make, e.g. ("social_insurance_fund", x)
    notes: tuple[str, ...] = ()
    # The part of total_cost set aside on the activity's provisions, by kind (its lines are
    # COOPERATIVE lines too); a payment from a provision names the provision it draws on.
    provisions: tuple[tuple[str, Money], ...] = ()
    kind: str = MONTHLY
    draws_on: str | None = None

    def borne_by(self, who: str) -> Money:
        return sum((line.amount for line in self.lines if line.borne_by == who), Money.zero())


class NotEligible(Exception):
    """The model cannot pay this request (e.g. `trial` never pays); the message says why."""


class StatusModel:
    """Base of every status model. Subclasses set the class attributes and `compute`."""

    key: str = ""
    label: dict = {}  # {"fr": ..., "nl": ..., "en": ...}
    country: str = "BE"
    pays: bool = True
    # What the monthly document is: PAYSLIP, or DIRECTOR_STATEMENT for a company director, who
    # is never presented as an employee (docs/domain/payroll-directors.md). Notifications picks
    # its e-mail by it; the file name is made of it.
    document_kind: str = PAYSLIP
    # The words of the model's documents per language ({"fr": {"title": ..., "member": ...}}),
    # over the renderer's defaults: the renderer never tests a model's key to choose them.
    vocabulary: dict = {}
    # The yearly tax form its pay is reported on: 281.10 (employees' pay, the general case) or
    # 281.20 (company directors' remuneration), docs/domain/tax-forms.md.
    tax_form: str = "281.10"

    def rules_version(self, period: str) -> str:
        raise NotImplementedError

    def parameters_schema(self) -> dict:
        """JSON Schema of the member's parameters for this model."""
        return {"type": "object", "properties": {}, "additionalProperties": False}

    def eligibility(self, request: PayRequest) -> list[str]:
        """Reasons the request cannot be paid; empty when it can."""
        return []

    def compute(self, request: PayRequest) -> PayResult:
        raise NotImplementedError


def load_status_models() -> dict[str, StatusModel]:
    """Every installed status model, instantiated, keyed by its key."""
    models = {}
    for name, factory in discover(ENTRY_POINT_GROUP).items():
        model = factory()
        if model.key != name:
            raise ValueError(f"Entry point '{name}' provides a model keyed '{model.key}'.")
        models[name] = model
    return models


def validate_parameters(schema: dict, parameters: dict) -> dict:
    """A member's parameters checked against a model's JSON Schema, its defaults filled in;
    errors are reported per field (`parameters.household`)."""
    import jsonschema  # only where parameters are checked (members, payroll)

    from coop_shared.errors import ValidationError

    errors = {}
    for error in jsonschema.Draft202012Validator(schema).iter_errors(parameters):
        field = ".".join(["parameters", *map(str, error.absolute_path)])
        errors.setdefault(field, []).append(error.message)
    if errors:
        raise ValidationError(fields=errors)
    defaults = {k: v["default"] for k, v in schema.get("properties", {}).items() if "default" in v}
    return dict(defaults, **parameters)
