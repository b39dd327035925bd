"""Withholding tax by the key formula (Annex III AR/CIR 92, 2026) and the special social
security contribution, as docs/domain/payroll-employees.md sets them out. Every step is
rounded to the cent, half away from zero (FPS Finance key formula 2026, n° 3)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coop_payroll.status_models.parameters import ParameterRow
from coop_shared.money import Money

SINGLE, SPOUSE_WITHOUT_INCOME, SPOUSE_WITH_INCOME = "single", "spouse_without_income", "spouse_with_income"
HOUSEHOLDS = (SINGLE, SPOUSE_WITHOUT_INCOME, SPOUSE_WITH_INCOME)


def _m(value) -> Money:
    return Money(Decimal(str(value)))


def scale_tax(income: Money, scale: list[dict]) -> Money:
    """Tax of the progressive scale on a yearly income (the communal surcharge is built in)."""
    if income.amount <= 0:
        return Money.zero()
    bracket = scale[0]
    for row in scale:
        if income.amount > Decimal(row["above"]):
            bracket = row
    return _m(bracket["tax"]) + (income - _m(bracket["above"])).times(Decimal(bracket["rate"]))


def children_reduction(children: int, row: ParameterRow) -> Money:
    table = row.get("children_reduction")
    if children < len(table):
        return _m(table[children])
    return _m(table[-1]) + _m(row.get("extra_child_reduction")).times(children - len(table) + 1)


@dataclass(frozen=True)
class Withholding:
    annual_income: Money
    expenses: Money
    net_taxable: Money
    spouse_share: Money
    tax_before_reductions: Money
    reductions: Money
    annual_tax: Money
    monthly: Money


def withholding(
    taxable_month: Money,
    household: str,
    children: int,
    row: ParameterRow,
    expenses_key: str = "employee_expenses",
    single_parent: bool = False,
) -> Withholding:
    """Monthly withholding before the fiscal work bonus (steps 2 to 8 of the key formula,
    docs/domain/payroll-employees.md). `single_parent`: a single taxpayer with dependent
    children gets the single-parent reduction on top of the children's (step 7)."""
    annual = taxable_month.times(12)
    expenses = min(annual.times(row.decimal(expenses_key, "rate")), _m(row.get(expenses_key, "max")))
    net_taxable = annual - expenses
    scale = row.get("scale")
    tax_free = _m(row.get("tax_on_tax_free_sum"))
    spouse_share = Money.zero()
    if household == SPOUSE_WITHOUT_INCOME:  # marital quotient, "barème II"
        spouse_share = min(
            net_taxable.times(row.decimal("marital_quotient", "rate")), _m(row.get("marital_quotient", "max"))
        )
        tax = (
            scale_tax(spouse_share, scale) + scale_tax(net_taxable - spouse_share, scale) - tax_free.times(2)
        )
    else:
        tax = scale_tax(net_taxable, scale) - tax_free
    tax = max(tax, Money.zero())
    reduction = children_reduction(children, row)
    if single_parent:
        reduction += _m(row.get("single_parent_reduction"))
    reductions = min(reduction, tax)
    annual_tax = tax - reductions
    return Withholding(
        annual,
        expenses,
        net_taxable,
        spouse_share,
        tax,
        reductions,
        annual_tax,
        Money(annual_tax.amount / 12),
    )


def special_contribution(gross: Money, household: str, row: ParameterRow) -> Money:
    """Monthly special social security contribution (CSSS), by household scale."""
    for bracket in row.get("special_contribution", household):
        if bracket["up_to"] is None or gross.amount <= Decimal(bracket["up_to"]):
            above = max(gross - _m(bracket["above"]), Money.zero())
            amount = _m(bracket["fixed"]) + above.times(Decimal(bracket["rate"]))
            if "min" in bracket:
                amount = max(amount, _m(bracket["min"]))
            if "max" in bracket:
                amount = min(amount, _m(bracket["max"]))
            return amount
    raise ValueError("special contribution scale must end with an open bracket")


def exceptional_rate(normal_annual: Money, column: str, row: ParameterRow) -> Decimal:
    """Flat withholding rate of an exceptional allocation (Annex III n° 53): read from the
    normal annual pay; `column` is "holiday_pay" (double or exit holiday pay) or "other"
    (end-of-year premium, bonuses)."""
    for bracket in row.get("exceptional"):
        if bracket["up_to"] is None or normal_annual.amount <= Decimal(bracket["up_to"]):
            return Decimal(bracket[column])
    raise ValueError("exceptional allocation scale must end with an open bracket")


# The household facts the withholding key formula reads, as JSON Schema properties of every
# Belgian status model's parameters (be_salaried, be_director).
HOUSEHOLD_PARAMETERS = {
    "household": {"enum": list(HOUSEHOLDS), "default": SINGLE},
    "dependent_children": {"type": "integer", "minimum": 0, "maximum": 20, "default": 0},
}
