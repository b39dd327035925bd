"""`be_director`: the entrepreneur is an independent company director (BRUCOOP).

Director remuneration, no employer contribution. Self-employed social contributions
(docs/domain/payroll-directors.md): main-occupation rates on the yearly base B = 97 % × (12·R − C),
where C itself depends on B — solved in closed form bracket by bracket — never less than the
minimum quarterly contribution, plus the social insurance fund's fee (a cooperative setting,
read from the request's `CooperativeFacts`).
When the cooperative pays them for the director (the default) they are withheld from the net
and transferred to the fund. Withholding tax: key formula, director variant (3 % lump-sum
expenses on the remuneration net of social contributions: docs/domain/payroll-employees.md
and docs/domain/payroll-directors.md); no work bonus.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coop_payroll.status_models import belgian_tax
from coop_payroll.status_models.parameters import ParameterRow, row_on
from coop_shared.money import Money
from coop_shared.status_models import MEMBER, PayLine, PayRequest, PayResult, StatusModel

SOCIAL, TAX = "be_director_2026", "be_withholding_2026"
# The lowest fund fee (3.05 % to 4.25 %, docs/domain/payroll-directors.md).
DEFAULT_FUND_FEE = Decimal("0.0305")


def yearly_contribution(annual_remuneration: Money, row: ParameterRow) -> tuple[Money, Money]:
    """(base B, contribution C) with B = k·(Y − C), k = 1 − lump-sum rate, C piecewise in B."""
    k = 1 - row.decimal("lump_sum_expenses_rate")
    r1, r2 = row.decimal("rate_1"), row.decimal("rate_2")
    t1, t2 = row.decimal("threshold_1"), row.decimal("threshold_2")
    y = annual_remuneration.amount
    base = k * y / (1 + k * r1)  # bracket 1: C = r1·B
    if base > t1:  # bracket 2: C = r1·T1 + r2·(B − T1)
        base = k * (y - (r1 - r2) * t1) / (1 + k * r2)
    if base > t2:  # above T2: C is the capped amount
        base = k * (y - (r1 * t1 + r2 * (t2 - t1)))
    capped = min(base, t2)
    contribution = r1 * min(capped, t1) + r2 * max(capped - t1, Decimal(0))
    return Money(base), Money(contribution)


class BeDirector(StatusModel):
    key = "be_director"
    label = {
        "fr": "Dirigeant d'entreprise indépendant",
        "nl": "Zelfstandig bedrijfsleider",
        "en": "Independent company director",
    }

    def rules_version(self, period: str) -> str:
        day = PayRequest(period, "gross", Money.zero(), {}).first_day
        return f"be_director/{row_on(SOCIAL, day).valid_from}+withholding/{row_on(TAX, day).valid_from}"

    def parameters_schema(self) -> dict:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "household": {"enum": list(belgian_tax.HOUSEHOLDS), "default": belgian_tax.SINGLE},
                "dependent_children": {"type": "integer", "minimum": 0, "maximum": 20, "default": 0},
                "cooperative_pays_social_contributions": {"type": "boolean", "default": True},
                "social_fund_fee_rate": {
                    "type": "string",
                    "pattern": r"^0\.\d{1,4}$",
                    "description": "set by the cooperative (payroll settings)",
                },
            },
        }

    def compute(self, request: PayRequest) -> PayResult:
        social, tax = row_on(SOCIAL, request.first_day), row_on(TAX, request.first_day)
        household = request.parameters.get("household", belgian_tax.SINGLE)
        children = int(request.parameters.get("dependent_children", 0))
        withheld_for_fund = request.parameters.get("cooperative_pays_social_contributions", True)
        gross = request.amount  # no employer contribution: budget and gross coincide
        contributions = monthly_contributions(gross, fund_fee_rate(request), social)
        taxable = gross - contributions.due  # contributions and fees are deductible
        held = belgian_tax.withholding(taxable, household, children, tax, expenses_key="director_expenses")
        lines = contributions.lines() if withheld_for_fund else []
        lines.append(
            PayLine(
                "withholding_tax",
                "Précompte professionnel / Bedrijfsvoorheffing",
                taxable,
                None,
                held.monthly,
                MEMBER,
            )
        )
        member_part = sum((line.amount for line in lines), Money.zero())
        payments = (("social_insurance_fund", contributions.due),) if withheld_for_fund else ()
        notes = tuple(f"{row.valid_from}: {row.source}" for row in (social, tax) if not row.certain)
        if not withheld_for_fund:
            notes += (
                "Social contributions are paid by the director; estimated at "
                f"{contributions.due} a month and deducted for the withholding tax only.",
            )
        return PayResult(
            gross=gross,
            net_to_pay=gross - member_part,
            total_cost=gross,
            lines=tuple(lines),
            rules_version=self.rules_version(request.period),
            payments=payments,
            notes=notes,
        )


def fund_fee_rate(request: PayRequest) -> Decimal:
    """The fee of the cooperative's social insurance fund: its payroll setting in a run
    (`CooperativeFacts`); outside a run (a simulation), the parameter if given, else the lowest."""
    if request.cooperative.social_fund_fee_rate is not None:
        return Decimal(request.cooperative.social_fund_fee_rate)
    return Decimal(str(request.parameters.get("social_fund_fee_rate", DEFAULT_FUND_FEE)))


@dataclass(frozen=True)
class MonthlyContributions:
    """A month's social contributions and the fund's fee on them."""

    base: Money  # the yearly base B
    monthly: Money
    simple: bool  # amount = base × rate holds (first bracket, above the minimum)
    rate: Decimal
    fee_rate: Decimal
    fee: Money

    @property
    def due(self) -> Money:
        """What the fund receives: contributions and fee."""
        return self.monthly + self.fee

    def lines(self) -> list[PayLine]:
        return [
            PayLine(
                "self_employed_social_contributions",
                "Cotisations sociales d'indépendant / Sociale bijdragen zelfstandige",
                Money(self.base.amount / 12),
                self.rate if self.simple else None,
                self.monthly,
                MEMBER,
            ),
            PayLine(
                "social_fund_fee",
                "Frais de gestion de la caisse / Beheerskosten sociaal fonds",
                self.monthly,
                self.fee_rate,
                self.fee,
                MEMBER,
            ),
        ]


def monthly_contributions(gross: Money, fee_rate: Decimal, social: ParameterRow) -> MonthlyContributions:
    """Contributions on 12 × the month's remuneration, never below the minimum quarterly / 3."""
    base, yearly = yearly_contribution(gross.times(12), social)
    proportional = Money(yearly.amount / 12)
    monthly = max(proportional, Money(social.decimal("minimum_quarterly") / 3))
    # A rate is shown only where amount = base × rate (first bracket, above the minimum).
    simple = monthly == proportional and base.amount <= social.decimal("threshold_1")
    return MonthlyContributions(
        base, monthly, simple, social.decimal("rate_1"), fee_rate, monthly.times(fee_rate)
    )
