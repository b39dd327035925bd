"""The activity ledger as double entry: every operation is a transaction whose postings sum to
zero, so no euro appears or disappears (the balanced-transaction invariant of beancount and
django-hordak). Sign convention: an amount is what the cooperative owes the account's holder;
money the cooperative holds (bank, VAT to recover) is negative.

An activity's balance is the sum of the postings to `activity:<id>`; billing also keeps it as a
running balance updated in the same transaction as each posting, so it is read without summing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coop_shared.money import Money

BANK = "coop:bank"
VAT_COLLECTED = "coop:vat_collected"
VAT_DEDUCTIBLE = "coop:vat_deductible"
CONTRIBUTIONS = "coop:contributions"
PAYROLL_PAYABLE = "coop:payroll_payable"

# Kinds shown on an activity account.
REVENUE, CONTRIBUTION, EXPENSE, PAYROLL = "revenue", "contribution", "expense", "payroll"
PROVISION = "provision"


def activity_account(activity_id: str) -> str:
    return f"activity:{activity_id}"


# Short account suffixes of the provision kinds (an account name holds 60 characters).
PROVISION_SUFFIXES = {"double_holiday_pay": "holiday", "year_end_premium": "premium"}
PROVISION_KINDS = {suffix: kind for kind, suffix in PROVISION_SUFFIXES.items()}


def provision_account(activity_id: str, kind: str) -> str:
    """What the activity has set aside for a pay it will owe (double holiday pay, end-of-year
    premium): the cooperative owes it to the activity, but not as available balance."""
    return f"provision:{activity_id}:{PROVISION_SUFFIXES.get(kind, kind[:12])}"


def provision_prefix(activity_id: str) -> str:
    return f"provision:{activity_id}:"


def provision_kind(account: str, activity_id: str) -> str:
    """The provision kind an account of `provision_prefix(activity_id)` holds."""
    suffix = account.removeprefix(provision_prefix(activity_id))
    return PROVISION_KINDS.get(suffix, suffix)


@dataclass(frozen=True)
class Posting:
    account: str
    amount: Money
    kind: str


class UnbalancedTransaction(ValueError):
    """Postings of one operation do not sum to zero: a programming error, never stored."""


@dataclass(frozen=True)
class Transaction:
    postings: tuple[Posting, ...]

    def __post_init__(self):
        total = sum((p.amount for p in self.postings), Money.zero())
        if total != Money.zero():
            raise UnbalancedTransaction(f"Postings sum to {total}, not 0: {self.postings}")

    def moved_on(self, account: str) -> Money:
        """What this operation moved on one account (e.g. the activity)."""
        return sum((p.amount for p in self.postings if p.account == account), Money.zero())


# Accounts whose running balance is stored (billing's orm.LedgerBalance): the activities' own.
# The cooperative's accounts (bank, VAT, contributions) are summed when needed instead: every
# payment moves them, and one stored row for all would make concurrent payments queue.
RUNNING_BALANCE_PREFIXES = ("activity:", "provision:")


def activity_changes(transaction: Transaction, account: str) -> dict[str, Money]:
    """{account: what the transaction moved on it} of the activity `account` (even when zero)
    and of every other account with a stored running balance."""
    changes = {account: Money.zero()}
    for posting in transaction.postings:
        if posting.account.startswith(RUNNING_BALANCE_PREFIXES):
            changes[posting.account] = changes.get(posting.account, Money.zero()) + posting.amount
    return changes


def payment_received(activity_id: str, paid: Money, revenue: Money, contribution: Money) -> Transaction:
    """A customer paid `paid` (VAT included): the activity earns `revenue` (excl. VAT) and pays
    the cooperative's `contribution`; the rest is VAT owed to the State."""
    account = activity_account(activity_id)
    return Transaction(
        (
            Posting(BANK, -paid, REVENUE),
            Posting(account, revenue, REVENUE),
            Posting(VAT_COLLECTED, paid - revenue, REVENUE),
            Posting(account, -contribution, CONTRIBUTION),
            Posting(CONTRIBUTIONS, contribution, CONTRIBUTION),
        )
    )


def expense_paid(activity_id: str, amount_excl_vat: Money, vat: Money) -> Transaction:
    """The cooperative paid a supplier for the activity; it recovers the VAT, the activity
    bears the amount excluding VAT."""
    return Transaction(
        (
            Posting(activity_account(activity_id), -amount_excl_vat, EXPENSE),
            Posting(VAT_DEDUCTIBLE, -vat, EXPENSE),
            Posting(BANK, amount_excl_vat + vat, EXPENSE),
        )
    )


def payroll_charged(
    activity_id: str,
    total_cost: Money,
    provisions: dict[str, Money] | None = None,
    draws_on: str | None = None,
    from_provision: Money | None = None,
) -> Transaction:
    """A closed payslip costs the activity its total cost (to be paid out by the cooperative).

    A monthly payslip's provisions are part of that cost but stay the activity's, on its
    provision accounts, until the pay they are for; a payment from a provision (`draws_on`)
    takes `from_provision` from there and the rest from the available balance
    (docs/domain/payroll-employees.md, "Provisions and the year")."""
    provisions = provisions or {}
    set_aside = sum(provisions.values(), Money.zero())
    drawn = from_provision or Money.zero()
    postings = [
        Posting(activity_account(activity_id), -(total_cost - drawn), PAYROLL),
        Posting(PAYROLL_PAYABLE, total_cost - set_aside, PAYROLL),
    ]
    postings += [
        Posting(provision_account(activity_id, kind), amount, PROVISION)
        for kind, amount in sorted(provisions.items())
        if amount.amount
    ]
    if draws_on and drawn.amount:
        postings.append(Posting(provision_account(activity_id, draws_on), -drawn, PROVISION))
    return Transaction(tuple(postings))


def revenue_share(total_excl_vat: Money, total_incl_vat: Money, paid_before: Money, paid_now: Money) -> Money:
    """Revenue (excl. VAT) earned by `paid_now`, proportional to what was paid.

    Computed cumulatively — share of everything paid so far, minus the share already booked —
    so that the partial payments of an invoice add up to exactly its total excluding VAT.
    """
    if total_incl_vat.amount == 0:
        return Money.zero()

    def share(paid: Money) -> Money:
        return total_excl_vat.times(paid.amount / total_incl_vat.amount)

    return share(paid_before + paid_now) - share(paid_before)


def contribution_on(revenue_before: Money, revenue_now: Money, rate: Decimal) -> Money:
    """The cooperative's contribution on `revenue_now`, cumulative for the same reason."""
    return (revenue_before + revenue_now).times(rate) - revenue_before.times(rate)
