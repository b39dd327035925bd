"""What the cooperative declares of the withholding tax it keeps (docs/domain/tax-forms.md):
the monthly declaration 274 (what it owes per month and category) and the yearly forms 281.10
(employees) and 281.20 (company directors) with their summary 325, from the closed payslips.

Inputs are payslips as payroll returns them (views.payslip_out) with the tax form of their
status model (StatusModel.tax_form), so that these rules know no status model by its key:

- the taxable base is the base of the withholding line(s) (code `withholding_tax`, and
  `withholding_tax_*` for exceptional income taxed apart);
- the withholding owed is what was actually kept: those lines less the fiscal work bonus (a
  negative line, `fiscal_work_bonus`, docs/domain/payroll-employees.md);
- a payslip of another kind than the monthly pay (holiday pay, year-end premium, exit holiday
  pay) is exceptional income, and so is a `withholding_tax_*` line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from coop_shared.money import Money

FORM_281_10, FORM_281_20 = "281.10", "281.20"
EMPLOYEES, DIRECTORS, EXCEPTIONAL = "employees", "directors", "exceptional"
CATEGORIES = (EMPLOYEES, DIRECTORS, EXCEPTIONAL)
# The words of the 274 categories (FinProf): a director's remuneration is never "pay".
CATEGORY_LABELS = {
    EMPLOYEES: {
        "fr": "Rémunérations des travailleurs",
        "nl": "Bezoldigingen van werknemers",
        "en": "Employees' pay",
    },
    DIRECTORS: {
        "fr": "Rémunérations des dirigeants d'entreprise",
        "nl": "Bezoldigingen van bedrijfsleiders",
        "en": "Company directors' remuneration",
    },
    EXCEPTIONAL: {
        "fr": "Revenus exceptionnels (pécules, primes)",
        "nl": "Uitzonderlijke inkomsten (vakantiegeld, premies)",
        "en": "Exceptional income (holiday pay, premiums)",
    },
}
MONTHLY = "monthly"
EXIT_HOLIDAY_PAY = "exit_holiday_pay"  # reported apart on the 281.10 (code 251, f10_2063)
WITHHOLDING, FISCAL_WORK_BONUS = "withholding_tax", "fiscal_work_bonus"
SPECIAL_CONTRIBUTION, SOCIAL_WORK_BONUS = "special_social_security", "social_work_bonus"


def _money(value) -> Money:
    return Money(Decimal(str(value))) if value not in (None, "") else Money.zero()


@dataclass(frozen=True)
class Part:
    """The withholding of one payslip in one category of the 274."""

    category: str
    taxable: Money
    withholding: Money


def parts(payslip: dict, form: str) -> list[Part]:
    """The 274 parts of a payslip: its ordinary withholding in the category of its form (or
    exceptional for a payslip of another kind), and each `withholding_tax_*` line apart."""
    ordinary = DIRECTORS if form == FORM_281_20 else EMPLOYEES
    if payslip.get("kind", MONTHLY) != MONTHLY:
        ordinary = EXCEPTIONAL
    taxable, held, out = Money.zero(), Money.zero(), []
    for line in payslip["lines"]:
        if line["code"] == WITHHOLDING:
            taxable, held = taxable + _money(line["base"]), held + _money(line["amount"])
        elif line["code"] == FISCAL_WORK_BONUS:
            held = held + _money(line["amount"])  # negative: it lowers what is kept
        elif line["code"].startswith(WITHHOLDING + "_"):
            out.append(Part(EXCEPTIONAL, _money(line["base"]), _money(line["amount"])))
    if taxable or held:
        out.insert(0, Part(ordinary, taxable, held))
    return out


def withholding_summary(period: str, payslips: Iterable[tuple[dict, str]]) -> dict:
    """The 274 of a month: per category, the taxable base and the withholding owed, from
    (payslip, tax form) pairs; due by the 15th of the next month (art. 412 CIR 92)."""
    totals = {c: [Money.zero(), Money.zero(), 0] for c in CATEGORIES}
    for payslip, form in payslips:
        for part in parts(payslip, form):
            row = totals[part.category]
            row[0], row[1], row[2] = row[0] + part.taxable, row[1] + part.withholding, row[2] + 1
    year, month = (int(x) for x in period.split("-"))
    due = date(year + (month == 12), month % 12 + 1, 15)
    return {
        "period": period,
        "due_date": due.isoformat(),
        "categories": [
            {
                "category": c,
                "label": CATEGORY_LABELS[c],
                "taxable": str(totals[c][0]),
                "withholding": str(totals[c][1]),
                "parts": totals[c][2],
            }
            for c in CATEGORIES
        ],
        "total_withholding": str(sum((t[1] for t in totals.values()), Money.zero())),
    }


def cents(amount: Money) -> int:
    """Belcotax amounts are whole euro cents."""
    return int(amount.amount * 100)


@dataclass
class Fiche:
    """One member's yearly form (281.10 or 281.20): its codes in euro cents, as filed."""

    form: str
    member_id: str
    member_name: str
    sequence: int = 0
    codes: dict[str, int] = field(default_factory=dict)

    @property
    def control(self) -> int:
        return self.codes[
            "f10_2059_totaalcontrole" if self.form == FORM_281_10 else "f20_2059_totaalcontrole"
        ]

    @property
    def withholding(self) -> int:
        return self.codes[
            "f10_2074_bedrijfsvoorheffing"
            if self.form == FORM_281_10
            else "f20_2066_totaalbedrijfsvoorheffing"
        ]

    @property
    def remuneration(self) -> int:
        """The total taxable remuneration of the form (281.10 code 2062, 281.20 code 2063)."""
        return self.codes["f10_2062_totaal" if self.form == FORM_281_10 else "f20_2063_totaal"]


def _sum(lines: list[dict], code: str, key: str = "amount") -> Money:
    return sum((_money(line[key]) for line in lines if line["code"] == code), Money.zero())


def fiche_281_10(member_id: str, name: str, payslips: list[dict]) -> Fiche:
    """Employees' pay: ordinary taxable pay (2060), exit holiday pay (2063), the withholding
    (2074, also 2131 withheld by the employer), the special social security contribution (2075)
    and the social work bonus (2115); 2062 = 2060 (no benefit in kind modelled), 2059 = the sum
    of the codes 2060 to 2088 (the FPS control total)."""
    ordinary, exit_pay, held, special, bonus = (Money.zero(),) * 5
    for p in payslips:
        taxable = sum((part.taxable for part in parts(p, FORM_281_10)), Money.zero())
        if p.get("kind", MONTHLY) == EXIT_HOLIDAY_PAY:
            exit_pay += taxable
        else:
            ordinary += taxable
        held += sum((part.withholding for part in parts(p, FORM_281_10)), Money.zero())
        special += _sum(p["lines"], SPECIAL_CONTRIBUTION)
        bonus -= _sum(p["lines"], SOCIAL_WORK_BONUS)  # a negative line: the bonus granted
    codes = {
        "f10_2060_gewonebezoldiginge": cents(ordinary),
        "f10_2062_totaal": cents(ordinary),
        "f10_2063_vervroegdvakantieg": cents(exit_pay),
        "f10_2074_bedrijfsvoorheffing": cents(held),
        "f10_2075_bijzonderbijdrage": cents(special),
        "f10_2115_bonus": cents(bonus),
        "f10_2131_bedrijfsvoorheffingvanwerkgever": cents(held),
    }
    codes["f10_2059_totaalcontrole"] = sum(v for k, v in codes.items() if "f10_2060" <= k[:8] <= "f10_2088")
    return Fiche(FORM_281_10, member_id, name, codes=codes)


def fiche_281_20(member_id: str, name: str, payslips: list[dict]) -> Fiche:
    """Company directors' remuneration: periodic remuneration (2060, the monthly gross: the
    social contributions the cooperative pays for the director are remuneration), other
    remuneration (2062), their total (2063), the withholding (2066 = 2131); 2059 = the sum of the
    codes 2060 to 2088."""
    periodic = sum((_money(p["gross"]) for p in payslips if p.get("kind", MONTHLY) == MONTHLY), Money.zero())
    other = sum((_money(p["gross"]) for p in payslips if p.get("kind", MONTHLY) != MONTHLY), Money.zero())
    held = sum((part.withholding for p in payslips for part in parts(p, FORM_281_20)), Money.zero())
    codes = {
        "f20_2060_periodieke": cents(periodic),
        "f20_2062_anderebezoldiginge": cents(other),
        "f20_2063_totaal": cents(periodic + other),
        "f20_2066_totaalbedrijfsvoorheffing": cents(held),
        "f20_2131_bedrijfsvoorheffingvanwerkgever": cents(held),
    }
    codes["f20_2059_totaalcontrole"] = sum(v for k, v in codes.items() if "f20_2060" <= k[:8] <= "f20_2088")
    return Fiche(FORM_281_20, member_id, name, codes=codes)


def fiches(payslips: Iterable[tuple[dict, str]]) -> list[Fiche]:
    """One fiche per member and form, numbered 1, 2, ... within each form (f2009_volgnummer),
    members in name order."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    names: dict[str, str] = {}
    for payslip, form in payslips:
        grouped.setdefault((form, payslip["member_id"]), []).append(payslip)
        names[payslip["member_id"]] = payslip["member_name"]
    out = []
    for form, build in ((FORM_281_10, fiche_281_10), (FORM_281_20, fiche_281_20)):
        members = sorted((m for f, m in grouped if f == form), key=lambda m: (names[m], m))
        for sequence, member_id in enumerate(members, start=1):
            fiche = build(member_id, names[member_id], grouped[(form, member_id)])
            fiche.sequence = sequence
            out.append(fiche)
    return out


def summary_325(all_fiches: list[Fiche]) -> list[dict]:
    """The 325 summary: per form, the number of fiches and their totals (euro strings)."""
    rows = []
    for form in (FORM_281_10, FORM_281_20):
        mine = [f for f in all_fiches if f.form == form]
        rows.append(
            {
                "form": form,
                "fiches": len(mine),
                "remuneration": euros(sum(f.remuneration for f in mine)),
                "withholding": euros(sum(f.withholding for f in mine)),
                "control_total": euros(sum(f.control for f in mine)),
            }
        )
    return rows


def euros(amount_cents: int) -> str:
    return str(Money(Decimal(amount_cents) / 100))
