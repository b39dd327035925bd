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

from coop_accounting.domain.vat_rules import VatRules
from coop_shared.money import Money

SALES, PURCHASES, BANK, PAYROLL, MISC = "sales", "purchases", "bank", "payroll", "misc"
JOURNALS = (SALES, PURCHASES, BANK, PAYROLL, MISC)

# Regimes whose bases are taxed in Belgium, so go to a grid by rate; the grid of every base is
# dated data (domain/vat_rules.py, data/be_vat_rules.json).
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


def _rate(value) -> Decimal:
    return Decimal(str(value or "0")).normalize()


def sale(doc: dict, account: Callable[[str], str], credit_note: bool, rules: VatRules) -> Entry:
    """An invoice (or a credit note, its mirror): D 400 total / C 70xx base per rate / C 451
    VAT, each base tagged with its grid under `rules` (those in force on the document's date)
    and the VAT with 54 (64 for a credit note)."""
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
                vat_grid=rules.base_grid(regime, _rate(part["rate"]), regime in TAXED, credit_note),
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
        side(
            account("payable"),
            -(base + vat),
            activity_id=activity,
            partner=doc.get("supplier"),
            reference=doc.get("expense_id"),  # the open item a payment to the supplier clears
        ),
    ]
    return _entry(PURCHASES, lines, f"{doc.get('supplier') or ''}: {doc.get('description') or ''}")


def payslip(doc: dict, account: Callable[[str], str]) -> Entry:
    """A payslip or a director's statement (docs/domain/accounting.md "Entries"):

    employee: D 6202 gross, D 621 employer contributions, D 625 provisions /
              C 4552 net, C 453 withholding tax, C 454 the employee's and the employer's
              social security, C 456/459 provisions;
    director: D 618 gross / C 4550 net, C 453 withholding tax, C 459 their own social
              contributions withheld for their fund (a director owes no ONSS; contributions the
              cooperative pays on top of the gross are remuneration too: D 618 / C 459).

    payroll's event splits what is withheld (`withholding_tax`, `employee_social_security`,
    `social_fund`: together gross − net); an event without the split (published before it)
    books gross − net on 453, for the accountant to move.
    """
    director = doc.get("status_model") == "be_director"
    gross, net, cost = Money.of(doc["gross"]), Money.of(doc["net_to_pay"]), Money.of(doc["total_cost"])
    provisions = {kind: Money.of(v) for kind, v in (doc.get("provisions") or {}).items()}
    provided = sum(provisions.values(), Money.zero())
    from_provision = Money.of(doc.get("from_provision") or "0")
    on_top = cost - gross - provided  # employer contributions (a director: paid for them)
    employee_ss, fund = withheld_social(doc)
    tax = gross - net - employee_ss - fund
    if doc.get("withholding_tax") is not None and tax != Money.of(doc["withholding_tax"]):
        raise Unbalanced(f"Withholdings {tax} + {employee_ss} + {fund} are not gross − net of the payslip.")
    a = doc.get("activity_id")
    who = "directors" if director else "employees"
    drawn = "provision.holiday_pay" if "holiday" in (doc.get("draws_on") or "") else "provision.other"
    lines = [
        Line(account(f"remuneration.{who}"), debit=gross - from_provision, activity_id=a),
        Line(account(drawn), debit=from_provision, activity_id=a),
        side(
            account("remuneration.directors" if director else "employer_contributions"), on_top, activity_id=a
        ),
        Line(account(f"net_due.{who}"), credit=net, activity_id=a, partner=doc.get("member_id")),
        side(account("withholding"), -tax, activity_id=a),
        side(account("social_security"), -employee_ss, activity_id=a),
        side(account("social_fund"), -fund, activity_id=a),
        side(account("social_fund" if director else "social_security"), -on_top, activity_id=a),
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
    what = "Fiche de rémunération" if not director else "Relevé administrateur"
    return _entry(PAYROLL, lines, f"{what} {doc.get('period') or ''}")


def withheld_social(doc: dict) -> tuple[Money, Money]:
    """(employee's social security, director's social fund) withheld, zero when not given."""
    return tuple(Money.of(doc.get(key) or "0") for key in ("employee_social_security", "social_fund"))


def instructed(
    doc: dict, account: Callable[[str], str], seen: Callable[[Money], str | None] = lambda amount: None
) -> Entry:
    """A run's payments handed to the bank (its SEPA file): each net leaves 4552/4550 and each
    payment to the directors' fund leaves 459 for the transfers account 580, one line per
    transfer (its reference is what the bank debit clears) until the statement shows it
    (docs/domain/accounting.md "Payments out"). `seen(amount)` names a movement out of that
    amount the statement already showed (its event overtook this one, so it waits on 499):
    the transfer clears it there instead of going through 580."""
    lines = []
    for t in doc["transfers"]:
        amount = Money.of(t["amount"])
        if t["kind"] == "net_pay":
            who = "directors" if t.get("status_model") == "be_director" else "employees"
            debit, key = account(f"net_due.{who}"), f"net:{t['payslip_id']}"
        else:
            debit, key = account("social_fund"), f"fund:{t['fund_payment_id']}"
        lines.append(
            Line(
                debit,
                debit=amount,
                activity_id=t.get("activity_id"),
                partner=t.get("member_id"),
                reference=key,
            )
        )
        already = seen(amount)
        if already:
            lines.append(Line(account("suspense"), credit=amount, reference=already))
        else:
            lines.append(Line(account("transfers"), credit=amount, reference=key))
    return _entry(MISC, lines, f"Virements de paie {doc.get('period') or ''}".strip())


def bank_debit(
    doc: dict, cleared_account: str, reference: str | None, account: Callable[[str], str]
) -> Entry:
    """Money out on a statement: D `cleared_account` (580 for a transfer the suite instructed,
    440 for a supplier's open invoice, 499 when nothing claims it yet) / C 550."""
    amount = Money.of(doc["amount"])
    lines = [
        Line(
            cleared_account,
            debit=amount,
            reference=reference or doc["bank_reference"],
            partner=doc.get("counterparty_name"),
        ),
        Line(account("bank"), credit=amount),
    ]
    what = doc.get("counterparty_name") or doc.get("communication") or doc["bank_reference"]
    return _entry(BANK, lines, f"Paiement {what}")
