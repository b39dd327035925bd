"""Balanced journal entries and how each business fact becomes one (docs/domain/accounting.md,
"Entries"). Pure functions: a payload's figures in, lines out; `accounts` maps a kind of line to
the cooperative's account (chart.account_for).

Sales VAT is due when the invoice is issued, not when it is paid (art. 17 §1 and 22 VAT Code,
docs/domain/accounting.md "VAT chargeability"): the sales entry books VAT due at its date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from coop_shared.money import Money

SALES, PURCHASES, BANK, PAYROLL, MISC = "sales", "purchases", "bank", "payroll", "misc"
JOURNALS = (SALES, PURCHASES, BANK, PAYROLL, MISC)

# Grids of the periodic VAT return each base takes, by billing's VAT regime
# (docs/domain/accounting.md "Return grids"). Taxed regimes go by rate.
RATE_GRIDS = {
    Decimal(r).normalize(): g for r, g in (("0", "00"), ("0.06", "01"), ("0.12", "02"), ("0.21", "03"))
}
REGIME_GRIDS = {
    "reverse_charge_construction": "45",
    "intra_eu_services": "44",
    "intra_eu_goods": "46",
    "exempt": "47",
    "export": "47",
    "outside_scope": None,
}
TAXED = ("standard", "renovation")


class Unbalanced(ValueError):
    """An entry whose debits and credits differ: never booked."""


@dataclass(frozen=True)
class Line:
    account: str
    debit: Money = field(default_factory=Money.zero)
    credit: Money = field(default_factory=Money.zero)
    activity_id: str | None = None  # the analytic code
    partner: str | None = None
    partner_vat: str | None = None  # the customer's VAT number (yearly listing)
    reference: str | None = None  # the invoice a receivable line belongs to
    vat_grid: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Entry:
    journal: str
    lines: tuple[Line, ...]
    description: str


def check_balanced(lines) -> None:
    """Sum of debits = sum of credits, no negative side, at least two lines (double entry)."""
    lines = list(lines)
    if len(lines) < 2:
        raise Unbalanced("An entry has at least two lines.")
    if any(line.debit.is_negative() or line.credit.is_negative() for line in lines):
        raise Unbalanced("A debit or a credit is never negative.")
    debit = sum((line.debit for line in lines), Money.zero())
    credit = sum((line.credit for line in lines), Money.zero())
    if debit != credit:
        raise Unbalanced(f"Debits {debit} differ from credits {credit}.")


def side(account: str, amount: Money, **kw) -> Line:
    """A debit for a positive amount, a credit for a negative one."""
    if amount.is_negative():
        return Line(account, credit=-amount, **kw)
    return Line(account, debit=amount, **kw)


def _entry(journal: str, lines: list[Line], description: str) -> Entry:
    kept = [line for line in lines if line.debit.amount or line.credit.amount]
    check_balanced(kept)
    return Entry(journal, tuple(kept), description[:200])


def base_grid(regime: str, rate: Decimal, credit_note: bool) -> str | None:
    """The grid of one base: 00-03 by rate for taxed regimes, else by regime; credit notes
    issued go to 48 (on 44/46 operations) or 49 (art. 79 VAT Code)."""
    grid = RATE_GRIDS.get(Decimal(rate).normalize()) if regime in TAXED else REGIME_GRIDS.get(regime)
    if grid is None:
        return None
    if credit_note:
        return "48" if grid in ("44", "46") else "49"
    return grid


def _rate(value) -> Decimal:
    return Decimal(str(value or "0")).normalize()


def sale(doc: dict, account: Callable[[str], str], credit_note: bool) -> Entry:
    """An invoice (or a credit note, its mirror): D 400 total / C 70xx base per rate / C 451
    VAT, each base tagged with its grid and the VAT with 54 (64 for a credit note)."""
    sign = -1 if credit_note else 1
    activity, partner = doc.get("activity_id"), doc.get("customer_id")
    invoice_ref = doc.get("invoice_id")
    regime = doc.get("vat_regime") or "standard"
    revenue_account = account(f"sales.{regime}")
    lines = []
    breakdown = doc.get("vat_breakdown") or [
        {"rate": "0.21", "taxable_amount": doc["total_excl_vat"], "vat_amount": doc["total_vat"]}
    ]
    for part in breakdown:
        base, vat = Money.of(part["taxable_amount"]), Money.of(part["vat_amount"])
        lines.append(
            side(
                revenue_account,
                Money(-sign * base.amount),
                activity_id=activity,
                partner=partner,
                vat_grid=base_grid(regime, _rate(part["rate"]), credit_note),
            )
        )
        if vat.amount:
            lines.append(
                side(
                    account("vat_due"),
                    Money(-sign * vat.amount),
                    activity_id=activity,
                    partner=partner,
                    vat_grid="64" if credit_note else "54",
                )
            )
    total = Money.of(doc["total_incl_vat"])
    lines.insert(
        0,
        side(
            account("receivable"),
            Money(sign * total.amount),
            activity_id=activity,
            partner=partner,
            partner_vat=doc.get("customer_vat_number"),
            reference=invoice_ref,
        ),
    )
    what = "Note de crédit" if credit_note else "Facture"
    return _entry(SALES, lines, f"{what} {doc.get('number') or ''}".strip())


def payment(doc: dict, account: Callable[[str], str], from_suspense: Money) -> Entry:
    """Money received for an invoice: D 550 (or D 499 for what waited there unmatched) /
    C 400 on that invoice."""
    amount = Money.of(doc["amount"])
    activity, ref = doc.get("activity_id"), doc.get("invoice_id")
    bank = amount - from_suspense
    lines = [
        Line(account("bank"), debit=bank, activity_id=activity),
        Line(account("suspense"), debit=from_suspense, activity_id=activity, reference=doc.get("payment_id")),
        Line(
            account("receivable"),
            credit=amount,
            activity_id=activity,
            partner=doc.get("customer_id"),
            reference=ref,
        ),
    ]
    return _entry(BANK, lines, f"Paiement facture {doc.get('invoice_number') or ''}".strip())


def contribution(doc: dict, revenue: str) -> Entry:
    """The cooperative's contribution on a payment, as an analytic transfer: revenue leaves the
    activity's analytic code for the cooperative's own (no code). The general ledger does not
    move (same account both sides); the activity's analytic result then equals what billing's
    activity account holds (docs/domain/accounting.md "Analytic balance")."""
    amount = Money.of(doc.get("contribution") or "0")
    lines = [
        Line(revenue, debit=amount, activity_id=doc.get("activity_id")),
        Line(revenue, credit=amount, activity_id=None),
    ]
    return _entry(MISC, lines, f"Contribution facture {doc.get('invoice_number') or ''}".strip())


def unmatched(doc: dict, account: Callable[[str], str], matched_before: Money | None = None) -> Entry:
    """Money no invoice claims: D 550 / C 499 until it is matched. `matched_before` is what a
    later match already booked from the bank (its event overtook this one): it is taken from
    the suspense account instead (D 499 / C 550), so the bank counts the money once."""
    amount = Money.of(doc["unallocated"])
    moved = matched_before or Money.zero()
    ref = doc.get("payment_id")
    lines = [
        Line(account("bank"), debit=amount),
        Line(account("suspense"), credit=amount, reference=ref),
        Line(account("suspense"), debit=moved, reference=ref),
        Line(account("bank"), credit=moved),
    ]
    return _entry(BANK, lines, f"Non lettré {doc.get('bank_reference') or ''}".strip())


def purchase(doc: dict, account: Callable[[str], str]) -> Entry:
    """An expense or an assigned supplier invoice: D 61x base (grid 82) / D 411 VAT (59) /
    C 440 total; a negative one (a supplier credit note) reverses it, on grids 85 and 63."""
    base, vat = Money.of(doc["amount_excl_vat"]), Money.of(doc["vat_amount"])
    credit = base.is_negative() or (base.amount == 0 and vat.is_negative())
    activity = doc.get("activity_id")
    lines = [
        side(
            account("purchases"),
            base,
            activity_id=activity,
            partner=doc.get("supplier"),
            vat_grid="85" if credit else "82",
        ),
        side(account("vat_recoverable"), vat, activity_id=activity, vat_grid="63" if credit else "59"),
        side(account("payable"), -(base + vat), activity_id=activity, partner=doc.get("supplier")),
    ]
    return _entry(PURCHASES, lines, f"{doc.get('supplier') or ''}: {doc.get('description') or ''}")


def payslip(doc: dict, account: Callable[[str], str]) -> Entry:
    """A payslip or a director's statement (docs/domain/accounting.md "Payroll entries"):

    employee: D 6202 gross, D 621 employer contributions, D 625 provisions /
              C 455(2) net, C 453 what was withheld, C 454 employer contributions, C 456/459 provisions;
    director: D 618 gross and the social fund's contributions / C 4550 net, C 453, C 459.

    payroll's event gives gross, net to pay, total cost and provisions; the withholdings
    (gross - net) are booked on 453 until the event splits withholding tax from the
    employee's social security.
    """
    director = doc.get("status_model") == "be_director"
    gross, net, cost = Money.of(doc["gross"]), Money.of(doc["net_to_pay"]), Money.of(doc["total_cost"])
    provisions = {kind: Money.of(v) for kind, v in (doc.get("provisions") or {}).items()}
    provided = sum(provisions.values(), Money.zero())
    from_provision = Money.of(doc.get("from_provision") or "0")
    employer = cost - gross - provided
    a = doc.get("activity_id")
    who = "directors" if director else "employees"
    lines = [
        Line(account(f"remuneration.{who}"), debit=gross - from_provision, activity_id=a),
        Line(
            account(
                "provision.holiday_pay" if "holiday" in (doc.get("draws_on") or "") else "provision.other"
            ),
            debit=from_provision,
            activity_id=a,
        ),
        side(account("social_fund" if director else "employer_contributions"), employer, activity_id=a),
        Line(account(f"net_due.{who}"), credit=net, activity_id=a, partner=doc.get("member_id")),
        side(account("withholding"), -(gross - net), activity_id=a),
        side(account("social_fund" if director else "social_security"), -employer, activity_id=a),
    ]
    for kind, amount in sorted(provisions.items()):
        lines.append(Line(account("provisions_expense"), debit=amount, activity_id=a))
        lines.append(
            Line(
                account("provision.holiday_pay" if "holiday" in kind else "provision.other"),
                credit=amount,
                activity_id=a,
            )
        )
    if director:
        # the director's own social contributions paid by the cooperative are remuneration (618)
        lines = [line for line in lines if not (line.account == account("social_fund") and line.debit.amount)]
        lines.insert(1, side(account("remuneration.directors"), employer, activity_id=a))
    what = "Fiche de rémunération" if not director else "Relevé administrateur"
    return _entry(PAYROLL, lines, f"{what} {doc.get('period') or ''}")
