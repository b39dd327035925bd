"""`be_salaried`: the entrepreneur is an employee of the cooperative (Dies).

Monthly payslip of a white-collar employee, private market sector: personal social security
13.07 % less the social work bonus, withholding tax by the key formula less the fiscal work
bonus, special social security contribution; employer contribution 25 % on top
(docs/domain/payroll-employees.md). Budget mode: gross = budget / (1 + employer rate), rounded
down to the cent, so that gross + employer contribution never exceeds the budget (same
document, the budget rule).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from coop_payroll.status_models import belgian_tax
from coop_payroll.status_models.parameters import ParameterRow, row_on
from coop_shared.money import Money
from coop_shared.status_models import BUDGET, COOPERATIVE, MEMBER, PayLine, PayRequest, PayResult, StatusModel

SOCIAL, TAX = "be_salaried_2026", "be_withholding_2026"


def _m(value) -> Money:
    return Money(Decimal(str(value)))


def work_bonus_layer(gross: Money, layer: dict) -> Money:
    """Xmax up to the lower bound, then decreasing by `coef` per euro, zero from the upper bound."""
    if gross.amount <= Decimal(layer["lower"]):
        return _m(layer["max"])
    if gross.amount >= Decimal(layer["upper"]):
        return Money.zero()
    return max(_m(layer["max"]) - (gross - _m(layer["lower"])).times(Decimal(layer["coef"])), Money.zero())


def social_work_bonus(gross: Money, contribution: Money, row: ParameterRow) -> tuple[Money, Money]:
    """Layers A and B, their sum capped at the personal contribution (B is cut first)."""
    a = work_bonus_layer(gross, row.get("work_bonus", "a"))
    b = work_bonus_layer(gross, row.get("work_bonus", "b"))
    a = min(a, contribution)
    b = min(b, contribution - a)
    return a, b


class BeSalaried(StatusModel):
    key = "be_salaried"
    label = {"fr": "Entrepreneur salarié", "nl": "Ondernemer-werknemer", "en": "Salaried entrepreneur"}

    def rules_version(self, period: str) -> str:
        day = PayRequest(period, BUDGET, Money.zero(), {}).first_day
        return f"be_salaried/{row_on(SOCIAL, day).valid_from}+withholding/{row_on(TAX, day).valid_from}"

    def parameters_schema(self) -> dict:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "household": {"enum": list(belgian_tax.HOUSEHOLDS), "default": belgian_tax.SINGLE},
                "dependent_children": {"type": "integer", "minimum": 0, "maximum": 20, "default": 0},
            },
        }

    def compute(self, request: PayRequest) -> PayResult:
        social, tax = row_on(SOCIAL, request.first_day), row_on(TAX, request.first_day)
        household = request.parameters.get("household", belgian_tax.SINGLE)
        children = int(request.parameters.get("dependent_children", 0))
        employer_rate = social.decimal("employer_rate")
        if request.mode == BUDGET:
            gross = Money((request.amount.amount / (1 + employer_rate)).quantize(Decimal("0.01"), ROUND_DOWN))
        else:
            gross = request.amount
        lines = payslip_lines(gross, household, children, social, tax)
        member_part = sum((line.amount for line in lines if line.borne_by == MEMBER), Money.zero())
        employer = sum((line.amount for line in lines if line.borne_by == COOPERATIVE), Money.zero())
        notes = tuple(f"{row.valid_from}: {row.source}" for row in (social, tax) if not row.certain)
        return PayResult(
            gross=gross,
            net_to_pay=gross - member_part,
            total_cost=gross + employer,
            lines=lines,
            rules_version=self.rules_version(request.period),
            notes=notes,
        )


def payslip_lines(
    gross: Money, household: str, children: int, social: ParameterRow, tax: ParameterRow
) -> tuple[PayLine, ...]:
    """Every line of the payslip, in the order it is printed."""
    employee_rate, employer_rate = social.decimal("employee_rate"), social.decimal("employer_rate")
    contribution = gross.times(employee_rate)
    bonus_a, bonus_b = social_work_bonus(gross, contribution, social)
    social_bonus = bonus_a + bonus_b
    taxable = gross - (contribution - social_bonus)
    held = belgian_tax.withholding(taxable, household, children, tax)
    fiscal_theoretical = bonus_a.times(social.decimal("fiscal_work_bonus", "a")) + bonus_b.times(
        social.decimal("fiscal_work_bonus", "b")
    )
    fiscal_bonus = min(fiscal_theoretical, held.monthly)
    special = belgian_tax.special_contribution(gross, household, social)
    return (
        PayLine(
            "employee_social_security",
            "Cotisation personnelle ONSS / RSZ-werknemersbijdrage",
            gross,
            employee_rate,
            contribution,
            MEMBER,
        ),
        PayLine(
            "social_work_bonus",
            "Bonus à l'emploi (volet social) / Werkbonus (sociaal)",
            None,
            None,
            -social_bonus,
            MEMBER,
        ),
        PayLine(
            "withholding_tax",
            "Précompte professionnel / Bedrijfsvoorheffing",
            taxable,
            None,
            held.monthly,
            MEMBER,
        ),
        PayLine(
            "fiscal_work_bonus",
            "Bonus à l'emploi (volet fiscal) / Fiscale werkbonus",
            None,
            None,
            -fiscal_bonus,
            MEMBER,
        ),
        PayLine(
            "special_social_security",
            "Cotisation spéciale de sécurité sociale / BBSZ",
            gross,
            None,
            special,
            MEMBER,
        ),
        PayLine(
            "employer_social_security",
            "Cotisation patronale ONSS / RSZ-werkgeversbijdrage",
            gross,
            employer_rate,
            gross.times(employer_rate),
            COOPERATIVE,
        ),
    )
