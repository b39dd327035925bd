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
) -> bool:
    """Store a balanced transaction once per (source, source_id); announce the activity's change.

    Returns False, booking nothing, when that source was booked before (a redelivered event,
    a repeated command).
    """
    if uow.repo.ledger_transaction_exists(cooperative_id, source, source_id):
        return False
    row = LedgerTransaction(
        cooperative_id=cooperative_id,
        entry_date=entry_date,
        source=source,
        source_id=source_id,
        reference=reference,
    )
    row.postings = [
        LedgerPosting(cooperative_id=cooperative_id, account=p.account, kind=p.kind, amount=p.amount)
        for p in transaction.postings
    ]
    uow.repo.add(row)
    uow.repo.flush()
    account = ledger.activity_account(activity_id)
    balance = uow.repo.account_balance(cooperative_id, account)
    uow.emit(
        "activity_account_changed",
        cooperative_id,
        cooperative,
        activity_account_changed_event(activity_id, transaction.moved_on(account), balance, row),
    )
    return True


def record_expense(uow, identity, members, data: dict) -> dict:
    """An expense paid for an activity, booked on its account; the same `idempotency_key`
    again returns the first expense."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    key = data.get("idempotency_key")
    if key:
        existing = uow.repo.expense_by_idempotency_key(cooperative_id, key)
        if existing is not None:
            return expense_out(existing)
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
        idempotency_key=key,
    )
    return expense_out(book_expense(uow, identity, expense))


def book_expense(uow, identity, expense: Expense) -> Expense:
    """Store `expense` and debit its activity with the amount excluding VAT (the VAT stays on
    the record: input VAT for the books). Used for expenses entered by staff and for supplier
    e-invoices assigned to an activity."""
    uow.repo.add(expense)
    uow.repo.flush()
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
    """An activity's balance and its entries between `from` and `to`, with the opening balance
    of what came before."""
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity)
    activity = members.activity(str(data["activity_id"]))  # NotFound for others' activities
    account = ledger.activity_account(activity["id"])
    before, within = uow.repo.account_entries(cooperative_id, account, data.get("from_"), data.get("to"))
    opening = sum((r.amount for r in before), Money.zero())
    balance = opening + sum((r.amount for r in within), Money.zero())
    prefix = ledger.provision_prefix(activity["id"])
    provisions = {
        ledger.provision_kind(name, activity["id"]): amount
        for name, amount in uow.repo.balances_by_prefix(cooperative_id, prefix).items()
    }
    return activity_account_out(activity, opening, balance, within, provisions)
