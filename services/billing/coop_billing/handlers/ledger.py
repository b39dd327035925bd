"""The activity ledger: booking balanced transactions, reading an activity's account."""

from datetime import date

from coop_billing.domain import ledger
from coop_billing.orm import Expense, LedgerPosting, LedgerTransaction
from coop_billing.views import (
    activity_account_changed_event,
    activity_account_out,
    expense_out,
    expense_recorded_event,
)
from coop_shared import audit
from coop_shared.credentials import OPERATORS, READERS, acting_cooperative, require_role
from coop_shared.money import Money


def book(
    uow,
    cooperative_id: str,
    cooperative: str,
    entry_date: date,
    source: str,
    source_id: str,
    reference: str,
    transaction: ledger.Transaction,
    activity_id: str,
    fresh: bool = False,
    by: str | None = None,
) -> bool:
    """Store a balanced transaction once per (source, source_id); announce the activity's change.

    Returns False, booking nothing, when that source was booked before (a redelivered event,
    a repeated command). `fresh`: the source was created in this transaction (a payment's new
    allocation), so it cannot have been booked and is not looked up (the unique constraint on
    (cooperative, source, source_id) still stands guard).
    """
    if not fresh and uow.repo.ledger_transaction_exists(cooperative_id, source, source_id):
        return False
    row = LedgerTransaction(
        cooperative_id=cooperative_id,
        entry_date=entry_date,
        source=source,
        source_id=source_id,
        reference=reference,
        created_by=by,  # the key behind the source, when a key made it (coop_shared.audit)
    )
    row.postings = [
        LedgerPosting(
            cooperative_id=cooperative_id,
            account=p.account,
            kind=p.kind,
            amount=p.amount,
            entry_date=entry_date,
        )
        for p in transaction.postings
    ]
    uow.repo.add(row)
    account = ledger.activity_account(activity_id)
    # the running balances of the activity's accounts move in this same transaction (orm.LedgerBalance)
    changes = ledger.activity_changes(transaction, account)
    balance = uow.repo.add_to_balances(cooperative_id, changes)[account]
    uow.emit(
        "activity_account_changed",
        cooperative_id,
        cooperative,
        activity_account_changed_event(activity_id, transaction.moved_on(account), balance, row),
    )
    return True


def record_expense(uow, identity, members, data: dict) -> dict:
    """An expense paid for an activity, booked on its account; the same request again is
    answered with the first expense by the `rpc` decorator (coop_shared.runtime.idempotency)."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    activity = members.activity(str(data["activity_id"]))
    expense = Expense(
        cooperative_id=cooperative_id,
        activity_id=activity["id"],
        member_id=activity["member_id"],
        date=data["date"],
        supplier=data["supplier"],
        description=data["description"],
        amount_excl_vat=Money(data["amount_excl_vat"]),
        vat_amount=Money(data["vat_amount"]),
    )
    return expense_out(book_expense(uow, identity, expense))


def book_expense(uow, identity, expense: Expense) -> Expense:
    """Store `expense` and debit its activity with the amount excluding VAT (the VAT stays on
    the record: input VAT for the books). Used for expenses entered by staff and for supplier
    e-invoices assigned to an activity."""
    expense.created_by = expense.created_by or audit.actor(identity)
    uow.repo.add(expense)
    uow.repo.flush()
    audit.record(
        uow,
        identity,
        "billing.expense_recorded",
        expense.id,
        {"activity_id": expense.activity_id, "amount_excl_vat": str(expense.amount_excl_vat)},
        kind=audit.MONEY,
    )
    book(
        uow,
        expense.cooperative_id,
        identity.cooperative,
        expense.date,
        "expense",
        expense.id,
        f"{expense.supplier}: {expense.description}"[:200],
        ledger.expense_paid(expense.activity_id, expense.amount_excl_vat, expense.vat_amount),
        expense.activity_id,
        by=expense.created_by,
    )
    # the books take the purchase and its deductible VAT from this event (accounting service)
    uow.emit(
        "expense_recorded", expense.cooperative_id, identity.cooperative, expense_recorded_event(expense)
    )
    return expense


def charge_payslip(uow, event: dict, data: dict) -> bool:
    """payroll's `payslip_issued`: the activity pays the payslip's total cost, once per payslip."""
    transaction = ledger.payroll_charged(
        str(data["activity_id"]),
        Money(data["total_cost"]),
        {kind: Money(amount) for kind, amount in data["provisions"].items()},
        data["draws_on"],
        Money(data["from_provision"]),
    )
    return book(
        uow,
        event["cooperative_id"],
        event.get("cooperative"),
        date.fromisoformat(event["occurred_at"][:10]),
        "payslip",
        str(data["payslip_id"]),
        f"payslip {data['period']}",
        transaction,
        str(data["activity_id"]),
    )


def get_activity_account(uow, identity, members, data: dict) -> dict:
    """An activity's balance on `to` (today's without it) and a page of its entries between
    `from` and `to`: the `limit` newest after skipping the `offset` newest, shown in date order,
    each with the balance after it; `opening_balance` is the balance before the page's first
    entry. The balance is the stored running balance (orm.LedgerBalance) and the page is read
    from an index, so a page costs the same whatever the account's history (issue 18)."""
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity)
    activity = members.activity(str(data["activity_id"]))  # NotFound for others' activities
    account = ledger.activity_account(activity["id"])
    date_from, date_to = data.get("from_"), data.get("to")
    limit, offset = data.get("limit", DEFAULT_ENTRIES), data.get("offset", 0)
    # the balance and the provisions (accounts named by kind, domain/ledger.py) in one query
    provision_accounts = {
        ledger.provision_account(activity["id"], kind): kind for kind in ledger.PROVISION_SUFFIXES
    }
    booked = uow.repo.stored_balances(cooperative_id, [account, *provision_accounts], booked_only=True)
    balance = booked.get(account, Money.zero())
    if date_to:
        balance -= uow.repo.sum_after(cooperative_id, account, date_to)
    rows = uow.repo.entries_newest_first(cooperative_id, account, date_from, date_to, limit + 1, offset)
    more, page = len(rows) > limit, list(reversed(rows[:limit]))
    newer = uow.repo.sum_of_newest(cooperative_id, account, date_from, date_to, offset)
    opening = balance - newer - sum((r.amount for r in page), Money.zero())
    provisions = {kind: booked[name] for name, kind in provision_accounts.items() if name in booked}
    out = activity_account_out(activity, opening, balance, page, provisions)
    out["page"] = {"limit": limit, "offset": offset, "more": more}
    return out


# A page of entries when the caller names no `limit` (schemas.ActivityAccountSchema caps it).
DEFAULT_ENTRIES = 500
