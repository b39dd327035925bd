"""`be_director`: the entrepreneur is an independent company director (BRUCOOP).

Director remuneration, no employer contribution. Self-employed social contributions
(docs/domain/payroll-directors.md) are provisional contributions of the quarter, due to the
director's social insurance fund by the quarter's last day: on the director's declared income
estimate or on the legal base the fund notified (parameters), else on the base the month's
remuneration implies, B = 97 % × (12·R − C), where C itself depends on B — solved in closed form
bracket by bracket; never less than the minimum quarterly contribution; plus the fund's fee (a
cooperative setting, read from the request's `CooperativeFacts`). Each month's statement
withholds a third of the quarter (the third month the remainder, so that three thirds make the
quarter to the cent); payroll pays the fund once per quarter
(docs/adr/012-directors-by-the-quarter-and-tax-forms.md). When the cooperative pays them for
the director (the default) they are withheld from the net.

Withholding tax: key formula, director variant (3 % lump-sum expenses on the remuneration net
of social contributions: docs/domain/payroll-employees.md and docs/domain/payroll-directors.md);
no work bonus. The words of every document are a company director's, never an employee's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coop_payroll.status_models import belgian_tax
from coop_payroll.status_models.parameters import ParameterRow, row_on
from coop_shared.money import Money
from coop_shared.status_models import (
    DIRECTOR_STATEMENT,
    MEMBER,
    PayLine,
    PayRequest,
    PayResult,
    StatusModel,
)

SOCIAL, TAX = "be_director_2026", "be_withholding_2026"
# The lowest fund fee (3.05 % to 4.25 %, docs/domain/payroll-directors.md).
DEFAULT_FUND_FEE = Decimal("0.0305")
AMOUNT_PATTERN = r"^\d{1,9}(\.\d{1,2})?$"
# A Belgian structured communication (+++123/4567/89002+++), the fund's reference for the member.
REFERENCE_PATTERN = r"^(\+\+\+)?\d{3}/?\d{4}/?\d{5}(\+\+\+)?$"

# A company director's documents use the words of a company director, never an employee's
# (docs/domain/payroll-directors.md, "Vocabulary"): read by the statement PDF over its defaults.
VOCABULARY = {
    "fr": {
        "title": "Relevé de rémunération de dirigeant d'entreprise",
        "gross": "Rémunération brute de dirigeant d'entreprise",
        "member": "dirigeant d'entreprise",
        "cost": "Coût total pour l'activité",
    },
    "nl": {
        "title": "Overzicht van de bezoldiging van bedrijfsleider",
        "gross": "Brutobezoldiging van bedrijfsleider",
        "member": "bedrijfsleider",
        "cost": "Totale kost voor de activiteit",
    },
    "en": {
        "title": "Remuneration statement — company director's remuneration",
        "gross": "Company director's gross remuneration",
        "member": "company director",
        "cost": "Total cost to the activity",
    },
}


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
    return Money(base), Money(contribution_on_base(base, row))


def contribution_on_base(base: Decimal, row: ParameterRow) -> Decimal:
    """The yearly contribution on a base B: r1 up to T1, r2 from T1 to T2, nothing above."""
    r1, r2 = row.decimal("rate_1"), row.decimal("rate_2")
    t1, t2 = row.decimal("threshold_1"), row.decimal("threshold_2")
    capped = min(max(base, Decimal(0)), t2)
    return r1 * min(capped, t1) + r2 * max(capped - t1, Decimal(0))


def third_of(quarterly: Money, month_in_quarter: int) -> Money:
    """A month's third of a quarterly amount: a third rounded to the cent the first two months,
    the remainder the third, so that the quarter's three statements add up to it exactly."""
    third = Money(quarterly.amount / 3)
    return third if month_in_quarter < 3 else quarterly - third - third


class BeDirector(StatusModel):
    key = "be_director"
    label = {
        "fr": "Dirigeant d'entreprise indépendant",
        "nl": "Zelfstandig bedrijfsleider",
        "en": "Independent company director",
    }
    document_kind = DIRECTOR_STATEMENT
    vocabulary = VOCABULARY
    tax_form = "281.20"  # company directors' remuneration (docs/domain/tax-forms.md)

    def rules_version(self, period: str) -> str:
        day = PayRequest(period, "gross", Money.zero(), {}).first_day
        return f"be_director/{row_on(SOCIAL, day).valid_from}+withholding/{row_on(TAX, day).valid_from}"

    def parameters_schema(self) -> dict:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                **belgian_tax.HOUSEHOLD_PARAMETERS,
                "cooperative_pays_social_contributions": {"type": "boolean", "default": True},
                "social_fund_fee_rate": {
                    "type": "string",
                    "pattern": r"^0\.\d{1,4}$",
                    "description": "set by the cooperative (payroll settings)",
                },
                "declared_income_estimate": {
                    "type": "string",
                    "pattern": AMOUNT_PATTERN,
                    "description": "the year's net professional income the director declared to the "
                    "fund: the base of the provisional contributions",
                },
                "reference_income": {
                    "type": "string",
                    "pattern": AMOUNT_PATTERN,
                    "description": "the legal base: the income of three years earlier, revalued, as the fund "
                    "notified it (used when no estimate is declared)",
                },
                "social_fund_reference": {
                    "type": "string",
                    "pattern": REFERENCE_PATTERN,
                    "description": "the structured communication the fund gave the director",
                },
            },
        }

    def compute(self, request: PayRequest) -> PayResult:
        social, tax = row_on(SOCIAL, request.first_day), row_on(TAX, request.first_day)
        household = request.parameters.get("household", belgian_tax.SINGLE)
        children = int(request.parameters.get("dependent_children", 0))
        withheld_for_fund = request.parameters.get("cooperative_pays_social_contributions", True)
        gross = request.amount  # no employer contribution: budget and gross coincide
        contributions = monthly_contributions(gross, fund_fee_rate(request), social, request)
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
        notes += (contributions.regularisation_note(),)
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
    """A month's third of the quarter's provisional social contributions and the fund's fee."""

    base: Money  # the yearly base B
    monthly: Money
    simple: bool  # amount = base / 12 × rate holds (first bracket, above the minimum, no estimate)
    rate: Decimal
    fee_rate: Decimal
    fee: Money
    quarterly: Money  # the quarter's provisional contribution (the three thirds)
    base_kind: str  # ESTIMATE, LEGAL_BASE or REMUNERATION: what the base is

    @property
    def due(self) -> Money:
        """What the fund receives for the month: contributions and fee."""
        return self.monthly + self.fee

    def regularisation_note(self) -> str:
        """Provisional contributions are regularised once the tax administration reports the
        year's income, about two years later (docs/domain/payroll-directors.md)."""
        base = f"{self.base} €"
        fr = {ESTIMATE: "revenu estimé déclaré", LEGAL_BASE: "base légale notifiée par la caisse"}
        nl = {ESTIMATE: "aangegeven geraamd inkomen", LEGAL_BASE: "wettelijke basis gemeld door het fonds"}
        kind_fr = fr.get(self.base_kind, "base déduite de la rémunération")
        kind_nl = nl.get(self.base_kind, "basis afgeleid uit de bezoldiging")
        return (
            f"Cotisations provisoires du trimestre {self.quarterly} € ({kind_fr} {base}), "
            "régularisées par la caisse sur le revenu définitif / "
            f"Voorlopige bijdragen van het kwartaal {self.quarterly} € ({kind_nl} {base}), "
            "door het fonds geregulariseerd op het definitieve inkomen"
        )

    def lines(self) -> list[PayLine]:
        return [
            PayLine(
                "self_employed_social_contributions",
                "Cotisations sociales provisoires d'indépendant / Voorlopige sociale bijdragen zelfstandige",
                Money(self.base.amount / 12),
                self.rate if self.simple else None,
                self.monthly,
                MEMBER,
            ),
            PayLine(
                "social_fund_fee",
                "Frais de gestion de la caisse / Beheerskosten sociaal verzekeringsfonds",
                self.monthly,
                self.fee_rate,
                self.fee,
                MEMBER,
            ),
        ]


ESTIMATE, LEGAL_BASE, REMUNERATION = "estimate", "legal_base", "remuneration"


def month_in_quarter(request: PayRequest) -> int:
    return (request.first_day.month - 1) % 3 + 1


def monthly_contributions(
    gross: Money, fee_rate: Decimal, social: ParameterRow, request: PayRequest
) -> MonthlyContributions:
    """The month's third of the quarter's provisional contribution, never below the minimum.

    On a declared estimate or the legal base: a quarter of the yearly contribution on that base,
    split in thirds. Without either: the contribution on 12 × the month's remuneration (the base
    it implies), a twelfth of the year."""
    month = month_in_quarter(request)
    minimum = Money(social.decimal("minimum_quarterly"))
    declared = request.parameters.get("declared_income_estimate")
    legal = request.parameters.get("reference_income")
    if declared or legal:
        kind = ESTIMATE if declared else LEGAL_BASE
        base = Money(Decimal(declared or legal))
        quarterly = max(Money(contribution_on_base(base.amount, social) / 4), minimum)
        monthly, simple = third_of(quarterly, month), False
    else:
        kind = REMUNERATION
        base, yearly = yearly_contribution(gross.times(12), social)
        proportional = Money(yearly.amount / 12)
        monthly = max(proportional, third_of(minimum, month))
        # A rate is shown only where amount = base × rate (first bracket, above the minimum).
        simple = monthly == proportional and base.amount <= social.decimal("threshold_1")
        quarterly = monthly.times(3) if monthly == proportional else minimum
    fee = monthly.times(fee_rate)
    if kind != REMUNERATION and month == 3:  # the fee of the quarter, to the cent
        fee = quarterly.times(fee_rate) - third_of(quarterly, 1).times(fee_rate).times(2)
    return MonthlyContributions(
        base, monthly, simple, social.decimal("rate_1"), fee_rate, fee, quarterly, kind
    )
