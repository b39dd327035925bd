"""`be_salaried`: the entrepreneur is an employee of the cooperative (Dies).

Monthly payslip of a white-collar employee, private market sector (docs/domain/payroll-employees.md):
personal social security 13.07 % less the social work bonus (computed on the full-time
equivalent, then prorated: the ONSS part-time method), withholding tax by the key formula less
the fiscal work bonus, special social security contribution; on the employer's side each 2026
employer contribution as its own line, less the structural reduction, and the provisions for
the double holiday pay and the end-of-year premium the activity will owe. Budget mode: the
highest gross whose total cost (provisions included) fits the budget; the cents left over go
to the holiday-pay provision, so the total cost is the budget.

The payments made from those provisions (double holiday pay in May, end-of-year premium in
December, holiday pay at an exit) are payslips of their own kind (`PayRequest.kind`), taxed at
the withholding rate of exceptional income.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from coop_payroll.status_models import belgian_tax
from coop_payroll.status_models.parameters import ParameterRow, row_on
from coop_shared.money import Money, round_cent
from coop_shared.status_models import (
    BUDGET,
    COOPERATIVE,
    DOUBLE_HOLIDAY_PAY,
    EXIT_HOLIDAY_PAY,
    MEMBER,
    MONTHLY,
    YEAR_END_PREMIUM,
    PayLine,
    PayRequest,
    PayResult,
    StatusModel,
)

SOCIAL, TAX = "be_salaried_2026", "be_withholding_2026"
FULL_TIME_HOURS = Decimal("38")  # the usual full-time week of joint committee 200
DEFAULT_JOINT_COMMITTEE = "200"


def _m(value) -> Money:
    return Money(Decimal(str(value)))


@dataclass(frozen=True)
class Contract:
    """The employment contract the member's parameters describe."""

    weekly_hours: Decimal
    full_time_hours: Decimal
    joint_committee: str
    function: str
    start_date: date | None
    single_parent: bool

    @property
    def fraction(self) -> Decimal:
        """Working-time fraction H/U of the ONSS (1 at full time)."""
        return self.weekly_hours / self.full_time_hours

    @classmethod
    def of(cls, parameters: dict) -> Contract:
        start = parameters.get("start_date")
        return cls(
            weekly_hours=Decimal(str(parameters.get("weekly_hours", FULL_TIME_HOURS))),
            full_time_hours=Decimal(str(parameters.get("full_time_hours", FULL_TIME_HOURS))),
            joint_committee=str(parameters.get("joint_committee", DEFAULT_JOINT_COMMITTEE)),
            function=str(parameters.get("function", "")),
            start_date=date.fromisoformat(start) if start else None,
            single_parent=bool(parameters.get("single_parent", False)),
        )


def work_bonus_layer(gross: Money, layer: dict) -> Money:
    """Xmax up to the lower bound, then decreasing by `coef` per euro, zero from the upper bound."""
    if gross.amount <= Decimal(layer["lower"]):
        return _m(layer["max"])
    if gross.amount >= Decimal(layer["upper"]):
        return Money.zero()
    return max(_m(layer["max"]) - (gross - _m(layer["lower"])).times(Decimal(layer["coef"])), Money.zero())


def social_work_bonus(
    gross: Money, contribution: Money, row: ParameterRow, fraction: Decimal = Decimal(1)
) -> tuple[Money, Money]:
    """Layers A and B, their sum capped at the personal contribution (B is cut first).

    Part time, the ONSS method: the scale is read on the full-time equivalent S = W / (H/U),
    each layer is then multiplied by H/U (docs/domain/payroll-employees.md, "Work bonus")."""
    full_time = Money(gross.amount / fraction) if fraction != 1 else gross
    a = work_bonus_layer(full_time, row.get("work_bonus", "a"))
    b = work_bonus_layer(full_time, row.get("work_bonus", "b"))
    if fraction != 1:
        a, b = a.times(fraction), b.times(fraction)
    a = min(a, contribution)
    b = min(b, contribution - a)
    return a, b


def months_from(start: date | None, year: int, last_month: int = 12) -> int:
    """Months of `year` up to `last_month` during which the contract ran: a month counts when
    the contract started on or before its first day (docs/domain/payroll-employees.md)."""
    if start is None:
        return last_month
    return sum(1 for month in range(1, last_month + 1) if start <= date(year, month, 1))


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
                **belgian_tax.HOUSEHOLD_PARAMETERS,
                "single_parent": {"type": "boolean", "default": False},
                "weekly_hours": {"type": "number", "exclusiveMinimum": 0, "maximum": 60, "default": 38},
                "full_time_hours": {"type": "number", "minimum": 30, "maximum": 40, "default": 38},
                "joint_committee": {"type": "string", "pattern": r"^\d{3}(\.\d{2})?$", "default": "200"},
                "function": {"type": "string", "maxLength": 100},
                "start_date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            },
        }

    def eligibility(self, request: PayRequest) -> list[str]:
        """Contracts payroll refuses (a run problem, not a payslip): under one third of full
        time (law of 3 July 1978, art. 11bis), a gross under the minimum wage for the hours
        (GMMI, CCT 43), a payment from a provision the contract gives no right to."""
        social = row_on(SOCIAL, request.first_day)
        contract = Contract.of(request.parameters)
        reasons = []
        if contract.fraction < social.decimal("part_time_minimum_share", "value"):
            reasons.append(
                f"A contract of {contract.weekly_hours} h a week is under one third of full time "
                f"({contract.full_time_hours} h): law of 3 July 1978, art. 11bis."
            )
        if request.kind == MONTHLY:
            gross = request.amount
            if request.mode == BUDGET:
                gross = self._budget_gross(request, contract, social, row_on(TAX, request.first_day))[0]
            minimum = _m(social.get("minimum_wage", "full_time_monthly")).times(contract.fraction)
            if gross < minimum:
                reasons.append(
                    f"Gross {gross} is under the minimum wage for {contract.weekly_hours} h a week "
                    f"({minimum}, GMMI of CCT 43)."
                )
            return reasons
        if contract.start_date is None:
            reasons.append(
                "A payment from a provision needs the contract's start date (parameter start_date)."
            )
        elif request.kind == YEAR_END_PREMIUM:
            if contract.joint_committee not in social.get("year_end_premium", "joint_committees"):
                reasons.append(
                    f"No end-of-year premium is set for joint committee {contract.joint_committee}."
                )
            months = social.get("year_end_premium", "seniority_months")
            year, month = request.first_day.year, request.first_day.month
            if _months_between(contract.start_date, year, month) < months:
                reasons.append(f"The end-of-year premium needs {months} months' seniority.")
        elif request.kind == EXIT_HOLIDAY_PAY and request.history.year_gross is None:
            reasons.append("The exit holiday pay needs the gross paid this year.")
        return reasons

    def _budget_gross(self, request: PayRequest, contract, social, tax) -> tuple[Money, Money]:
        """`budget_gross` of the request, searched once: payroll checks a request's eligibility
        and then computes it, and both need the gross of a budget (a search of about twenty
        payslip costs). The answer of the last request is kept, recognised by identity (a
        request is frozen), so a run of 10,000 searches 10,000 times, not 20,000 (issue 18)."""
        last = getattr(self, "_last_budget", None)
        if last is not None and last[0] is request:
            return last[1]
        found = budget_gross(request.amount, request, contract, social, tax)
        self._last_budget = (request, found)
        return found

    def compute(self, request: PayRequest) -> PayResult:
        social, tax = row_on(SOCIAL, request.first_day), row_on(TAX, request.first_day)
        contract = Contract.of(request.parameters)
        if request.kind == MONTHLY:
            return self._monthly(request, contract, social, tax)
        return self._from_provision(request, contract, social, tax)

    # The monthly payslip

    def _monthly(self, request, contract, social, tax) -> PayResult:
        if request.mode == BUDGET:
            gross, remainder = self._budget_gross(request, contract, social, tax)
        else:
            gross, remainder = request.amount, None
        lines = monthly_lines(gross, request, contract, social, tax)
        if remainder is not None and remainder.amount > 0:
            lines += (
                PayLine(
                    "provision_budget_remainder",
                    "Reste du budget mis en provision / Budgetrest naar provisie",
                    None,
                    None,
                    remainder,
                    COOPERATIVE,
                ),
            )
        return self._result(request, gross, lines, social, tax, contract)

    def _result(self, request, gross, lines, social, tax, contract, draws_on=None) -> PayResult:
        member_part = sum((line.amount for line in lines if line.borne_by == MEMBER), Money.zero())
        employer = sum((line.amount for line in lines if line.borne_by == COOPERATIVE), Money.zero())
        provisions: dict[str, Money] = {}
        for line in lines:
            kind = PROVISION_LINES.get(line.code)
            if kind:
                provisions[kind] = provisions.get(kind, Money.zero()) + line.amount
        return PayResult(
            gross=gross,
            net_to_pay=gross - member_part,
            total_cost=gross + employer,
            lines=lines,
            rules_version=self.rules_version(request.period),
            notes=_notes(social, tax, request.cooperative.workers, {line.code for line in lines}),
            provisions=tuple(provisions.items()),
            kind=request.kind,
            draws_on=draws_on,
        )

    # Payments from the provisions

    def _from_provision(self, request, contract, social, tax) -> PayResult:
        reference = request.amount  # the monthly gross the payment is computed from
        year, month = request.first_day.year, request.first_day.month
        employee_rate = social.decimal("employee_rate")
        if request.kind == DOUBLE_HOLIDAY_PAY:
            months = months_from(contract.start_date, year - 1)
            gross = reference.times(social.decimal("double_holiday_pay", "rate") * months / 12)
            lines = self._double_holiday_lines(gross, social)
            draws_on = DOUBLE_HOLIDAY_PAY
        elif request.kind == YEAR_END_PREMIUM:
            months = months_from(contract.start_date, year, month)
            gross = reference.times(Decimal(months) / 12)
            lines = (_line("year_end_premium_social_security", gross, employee_rate, MEMBER),)
            lines += employer_lines(gross, request, contract, social)
            draws_on = YEAR_END_PREMIUM
        else:  # EXIT_HOLIDAY_PAY: single and double parts of the year's gross
            year_gross = request.history.year_gross or Money.zero()
            single = year_gross.times(social.decimal("exit_holiday_pay", "single_rate"))
            double = year_gross.times(social.decimal("exit_holiday_pay", "double_rate"))
            gross = single + double
            lines = (_line("exit_holiday_pay_social_security", single, employee_rate, MEMBER),)
            lines += self._double_holiday_lines(double, social)
            lines += employer_lines(single, request, contract, social)
            draws_on = DOUBLE_HOLIDAY_PAY
        contribution = sum((line.amount for line in lines if line.borne_by == MEMBER), Money.zero())
        normal_taxable = (reference - reference.times(employee_rate)).times(12)
        rate = belgian_tax.exceptional_rate(
            normal_taxable, "other" if request.kind == YEAR_END_PREMIUM else "holiday_pay", tax
        )
        taxable = gross - contribution
        lines = (
            *lines[:1],
            *[line for line in lines[1:] if line.borne_by == MEMBER],
            PayLine(
                "withholding_tax_exceptional",
                "Précompte professionnel (allocation exceptionnelle) / Bedrijfsvoorheffing (exceptionele vergoeding)",
                taxable,
                rate,
                taxable.times(rate),
                MEMBER,
            ),
            *[line for line in lines[1:] if line.borne_by == COOPERATIVE],
        )
        return self._result(request, gross, lines, social, tax, contract, draws_on)

    @staticmethod
    def _double_holiday_lines(gross: Money, social: ParameterRow) -> tuple[PayLine, ...]:
        """13.07 % on 85 % of the monthly pay only: the part of the 92 % above 85 % bears no
        personal contribution, and no employer contribution is due on it."""
        dhp = social.get("double_holiday_pay")
        base = Money(gross.amount * Decimal(dhp["social_base_share"]) / Decimal(dhp["rate"]))
        return (_line("double_holiday_pay_social_security", base, social.decimal("employee_rate"), MEMBER),)


LABELS = {
    "employee_social_security": "Cotisation personnelle ONSS / RSZ-werknemersbijdrage",
    "double_holiday_pay_social_security": "Cotisation ONSS sur double pécule / RSZ op dubbel vakantiegeld",
    "year_end_premium_social_security": "Cotisation ONSS sur prime de fin d'année / RSZ op eindejaarspremie",
    "exit_holiday_pay_social_security": "Cotisation ONSS sur pécule de sortie / RSZ op vertrekvakantiegeld",
    "provision_double_holiday_pay": "Provision double pécule de vacances / Provisie dubbel vakantiegeld",
    "provision_year_end_premium": "Provision prime de fin d'année / Provisie eindejaarspremie",
    "provision_year_end_premium_contributions": (
        "Provision cotisations patronales sur prime / Provisie werkgeversbijdragen op premie"
    ),
}
PROVISION_LINES = {
    "provision_double_holiday_pay": DOUBLE_HOLIDAY_PAY,
    "provision_budget_remainder": DOUBLE_HOLIDAY_PAY,
    "provision_year_end_premium": YEAR_END_PREMIUM,
    "provision_year_end_premium_contributions": YEAR_END_PREMIUM,
}


def _line(code: str, base: Money, rate: Decimal, borne_by: str) -> PayLine:
    return PayLine(code, LABELS[code], base, rate, base.times(rate), borne_by)


def _notes(social: ParameterRow, tax: ParameterRow, workers: int | None, codes: set) -> tuple[str, ...]:
    """Why a figure of this payslip is uncertain: the rows, and each uncertain part it used."""
    notes = [f"{row.valid_from}: {row.source}" for row in (social, tax) if not row.certain]
    used = {"minimum_wage": True, "structural_reduction": "structural_reduction" in codes}
    for part, applies in used.items():
        if applies and not social.get(part).get("certain", True):
            notes.append(f"{part}: {social.get(part, 'source')}")
    notes += [
        f"{c['code']}: {c['source']}"
        for c in social.get("employer_contributions")
        if not c.get("certain", True) and c["code"] in codes
    ]
    if workers is None:
        notes.append("Headcount unknown (payroll settings, workers): counted as under 10 workers.")
    return tuple(notes)


def employer_rates(
    request: PayRequest, contract: Contract, social: ParameterRow
) -> list[tuple[dict, Decimal]]:
    """Each employer contribution due, with its rate for the cooperative's headcount and the
    contract's joint committee (docs/domain/payroll-employees.md, "Employer social security").
    The same for every payslip of a run and every cost a budget search asks: worked out once per
    parameter row, headcount and joint committee (issue 18)."""
    workers = request.cooperative.workers or 0
    key = (id(social), workers, contract.joint_committee)
    known = _EMPLOYER_RATES.get(key)
    if known is None or known[0] is not social:
        known = _EMPLOYER_RATES[key] = (social, _employer_rates(workers, contract.joint_committee, social))
    return list(known[1])


_EMPLOYER_RATES: dict[tuple, tuple[ParameterRow, tuple]] = {}  # (id of the row, ...) -> (row, rates)


def _employer_rates(workers: int, joint_committee: str, social: ParameterRow) -> tuple:
    due = []
    for component in social.get("employer_contributions"):
        if component.get("joint_committee") not in (None, joint_committee):
            continue
        rate = Decimal(component["rate"])
        if workers >= 20 and "rate_from_20_workers" in component:
            rate = Decimal(component["rate_from_20_workers"])
        if workers >= 10 and "rate_from_10_workers" in component:
            rate = Decimal(component["rate_from_10_workers"])
        if rate:
            due.append((component, rate))
    return tuple(due)


def employer_lines(gross: Money, request, contract: Contract, social: ParameterRow) -> tuple[PayLine, ...]:
    return tuple(
        PayLine(c["code"], c["label"], gross, rate, gross.times(rate), COOPERATIVE)
        for c, rate in employer_rates(request, contract, social)
    )


def structural_reduction(gross: Money, contract: Contract, social: ParameterRow, ceiling: Money) -> Money:
    """Monthly share of the quarterly structural reduction, category 1: R = α·(S0 − S) + δ·(S2 − S),
    each term floored at 0, S the quarterly full-time reference wage (3 × the full-time
    equivalent of the month), prorated by the working-time fraction; never above `ceiling`, the
    basic employer contributions it reduces."""
    p = social.get("structural_reduction")
    quarterly = Money(gross.amount / contract.fraction).times(3)
    alpha = max((_m(p["S0"]) - quarterly).times(Decimal(p["alpha"])), Money.zero())
    delta = max((_m(p["S2"]) - quarterly).times(Decimal(p["delta"])), Money.zero())
    return min(Money((alpha + delta).amount * contract.fraction / 3), ceiling)


def monthly_lines(gross: Money, request: PayRequest, contract: Contract, social, tax) -> tuple[PayLine, ...]:
    """Every line of the monthly payslip, in the order it is printed."""
    household = request.parameters.get("household", belgian_tax.SINGLE)
    children = int(request.parameters.get("dependent_children", 0))
    employee_rate = social.decimal("employee_rate")
    contribution = gross.times(employee_rate)
    bonus_a, bonus_b = social_work_bonus(gross, contribution, social, contract.fraction)
    social_bonus = bonus_a + bonus_b
    taxable = gross - (contribution - social_bonus)
    single_parent = contract.single_parent and household == belgian_tax.SINGLE and children > 0
    held = belgian_tax.withholding(taxable, household, children, tax, single_parent=single_parent)
    fiscal_theoretical = bonus_a.times(social.decimal("fiscal_work_bonus", "a")) + bonus_b.times(
        social.decimal("fiscal_work_bonus", "b")
    )
    fiscal_bonus = min(fiscal_theoretical, held.monthly)
    special = belgian_tax.special_contribution(gross, household, social)
    return (
        _line("employee_social_security", gross, employee_rate, MEMBER),
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
    ) + cooperative_lines(gross, request, contract, social)


def cooperative_lines(gross: Money, request: PayRequest, contract: Contract, social) -> tuple[PayLine, ...]:
    """The cooperative's lines of the monthly payslip: each employer contribution, the
    structural reduction, the provisions."""
    employer = employer_lines(gross, request, contract, social)
    basic = sum(
        (line.amount for line in employer if line.code in ("employer_basic", "employer_wage_moderation")),
        Money.zero(),
    )
    reduction = structural_reduction(gross, contract, social, basic)
    provisions = social.get("provisions")
    premium = Money.zero()
    if contract.joint_committee in provisions["year_end_premium"]["joint_committees"]:
        premium = gross.times(Decimal(provisions["year_end_premium"]["rate"]))
    premium_rate = sum((rate for _, rate in employer_rates(request, contract, social)), Decimal(0))
    lines = (
        *employer,
        PayLine(
            "structural_reduction",
            "Réduction structurelle / Structurele vermindering",
            None,
            None,
            -reduction,
            COOPERATIVE,
        ),
        _line(
            "provision_double_holiday_pay",
            gross,
            Decimal(provisions["double_holiday_pay"]["rate"]),
            COOPERATIVE,
        ),
    )
    if premium.amount:
        lines += (
            PayLine(
                "provision_year_end_premium",
                LABELS["provision_year_end_premium"],
                gross,
                Decimal(provisions["year_end_premium"]["rate"]),
                premium,
                COOPERATIVE,
            ),
            _line("provision_year_end_premium_contributions", premium, premium_rate, COOPERATIVE),
        )
    return lines


def monthly_cost(gross: Money, request, contract, social, tax) -> Money:
    """The gross and the cooperative's lines (each already to the cent, so summed exactly)."""
    lines = cooperative_lines(gross, request, contract, social)
    return Money(gross.amount + sum(line.amount.amount for line in lines))


class MonthlyCost:
    """`monthly_cost` of one request as a function of the gross (a Decimal to the cent), the
    same sum to the cent computed on Decimals: the rates, thresholds and the provisions that
    apply read once, no payslip line built. Each amount is rounded as its line rounds it
    (`Money`: half-up to the cent), in the same order of operations
    (tests/unit/test_payroll_budget_search.py compares the two)."""

    def __init__(self, request: PayRequest, contract: Contract, social: ParameterRow):
        due = employer_rates(request, contract, social)
        self.rates = tuple(rate for _, rate in due)
        self.basic = tuple(
            rate for c, rate in due if c["code"] in ("employer_basic", "employer_wage_moderation")
        )
        self.others = tuple(
            rate for c, rate in due if c["code"] not in ("employer_basic", "employer_wage_moderation")
        )
        p = social.get("structural_reduction")
        self.s0, self.s2 = _m(p["S0"]).amount, _m(p["S2"]).amount
        self.alpha, self.delta = Decimal(p["alpha"]), Decimal(p["delta"])
        self.fraction = contract.fraction
        provisions = social.get("provisions")
        self.holiday_rate = Decimal(provisions["double_holiday_pay"]["rate"])
        self.premium_rate = None
        if contract.joint_committee in provisions["year_end_premium"]["joint_committees"]:
            self.premium_rate = Decimal(provisions["year_end_premium"]["rate"])
        self.premium_contributions = sum(self.rates, Decimal(0))

    def __call__(self, gross: Decimal) -> Decimal:
        gross = round_cent(gross)
        basic = sum(round_cent(gross * rate) for rate in self.basic)
        others = sum(round_cent(gross * rate) for rate in self.others)
        quarterly = round_cent(round_cent(gross / self.fraction) * 3)
        alpha = max(round_cent((self.s0 - quarterly) * self.alpha), CENTS_ZERO)
        delta = max(round_cent((self.s2 - quarterly) * self.delta), CENTS_ZERO)
        reduction = min(round_cent(round_cent(alpha + delta) * self.fraction / 3), basic)
        total = gross + basic + others - reduction + round_cent(gross * self.holiday_rate)
        if self.premium_rate is not None:
            premium = round_cent(gross * self.premium_rate)
            if premium:
                total += premium + round_cent(premium * self.premium_contributions)
        return total


CENTS_ZERO = Decimal("0.00")


def budget_gross(budget: Money, request, contract, social, tax) -> tuple[Money, Money]:
    """(the highest gross whose total cost fits the budget, the cents left over). The cost grows
    with the gross (each euro of gross costs more than it lowers the structural reduction) and
    is at least the gross, so the answer is the last cent up to the budget whose cost fits:
    what a search by halves over those cents finds (`budget_gross_by_halves`, kept as the
    reference), found here in about five payslip costs instead of twenty (issue 18). The cost
    is piecewise linear in the gross, so a secant from the budget itself lands on the cent or
    next to it; a search that doubles its step from there brackets the answer, and halving
    that bracket settles it. Only the estimate is approximate: every cent is decided by
    comparing its cost with the budget, as the search by halves does."""
    costs: dict[int, Money] = {}
    cost_of = MonthlyCost(request, contract, social)

    def cost(cents: int) -> Money:
        if cents not in costs:
            costs[cents] = Money(cost_of(Decimal(cents) / 100))
        return costs[cents]

    def fits(cents: int) -> bool:  # no cost is asked of no gross, as the search by halves never does
        return cents == 0 or cost(cents) <= budget

    top = int((budget.amount * 100).to_integral_value(ROUND_DOWN))
    low, high = 0, max(top, 0)  # the answer lies in [low, high]: low fits, high + 1 does not
    if high and fits(high):
        low = high
    if low < high:
        guess = _secant_guess(budget.amount * 100, high, cost(high).amount * 100, cost)
        low, high = _bracket(min(max(guess, low + 1), high), low, high, fits)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return Money(Decimal(low) / 100), budget - cost(low)


def _secant_guess(target: Decimal, cents: int, cost_cents: Decimal, cost, steps: int = 4) -> int:
    """A cent count whose cost should be close to `target` (cents): the secant through no gross
    (costing nothing) and `cents`, then through the last two points, a few times."""
    x0, y0, x1, y1 = 0, Decimal(0), cents, cost_cents
    for _ in range(steps):
        if y1 == y0:
            break
        x2 = x1 + int(((target - y1) * (x1 - x0) / (y1 - y0)).to_integral_value(ROUND_DOWN))
        x2 = min(max(x2, 1), cents)
        if x2 == x1:
            break
        x0, y0, x1, y1 = x1, y1, x2, cost(x2).amount * 100
    return x1


def _bracket(guess: int, low: int, high: int, fits) -> tuple[int, int]:
    """[low, high] narrowed around `guess` by steps doubling away from it: the cent that fits
    and the one that does not, usually one apart."""
    step = 1
    if fits(guess):
        low = guess
        while low < high:
            probe = min(low + step, high)
            if fits(probe):
                low = probe
                step *= 2
            else:
                high = probe - 1
                break
    else:
        high = guess - 1
        while low < high:
            probe = max(high - step + 1, low + 1)
            if fits(probe):
                low = probe
                break
            high = probe - 1
            step *= 2
    return low, high


def budget_gross_by_halves(budget: Money, request, contract, social, tax) -> tuple[Money, Money]:
    """`budget_gross` as it was first written: a search by halves over the cents up to the
    budget, about twenty payslip costs. The reference the faster search is proved against
    (tests/unit/test_payroll_budget_search.py)."""

    def cost(cents: int) -> Money:
        return monthly_cost(Money(Decimal(cents) / 100), request, contract, social, tax)

    low, high = 0, int((budget.amount * 100).to_integral_value(ROUND_DOWN))
    while low < high:
        middle = (low + high + 1) // 2
        if cost(middle) <= budget:
            low = middle
        else:
            high = middle - 1
    return Money(Decimal(low) / 100), budget - cost(low)


def _months_between(start: date, year: int, month: int) -> int:
    """Whole months of seniority at the end of the month `year-month`."""
    months = (year - start.year) * 12 + month - start.month + 1
    return months if start.day == 1 else months - 1
