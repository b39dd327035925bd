"""The activity ledger: booking balanced transactions, reading an activity's account."""

from datetime import date
from decimal import Decimal

from coop_billing import repository as repo
from coop_billing.domain import ledger
from coop_billing.orm import Expense, LedgerPosting, LedgerTransaction
from coop_billing.views import expense_out, money
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
    if repo.ledger_transaction_exists(uow.session, cooperative_id, source, source_id):
        return False
    row = LedgerTransaction(
        cooperative_id=cooperative_id,
        entry_date=entry_date,
        source=source,
        source_id=source_id,
        reference=reference,
    )
    row.postings = [
        LedgerPosting(cooperative_id=cooperative_id, account=p.account, kind=p.kind, amount=p.amount.amount)
        for p in transaction.postings
    ]
    uow.session.add(row)
    uow.session.flush()
    account = ledger.activity_account(activity_id)
    uow.emit(
        "activity_account_changed",
        cooperative_id,
        cooperative,
        {
            "activity_id": activity_id,
            "change": str(transaction.moved_on(account)),
            "balance": str(repo.account_balance(uow.session, cooperative_id, account)),
            "source": source,
            "source_id": source_id,
            "reference": reference,
            "date": entry_date.isoformat(),
        },
    )
    return True


def record_expense(uow, identity, directory, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    key = data.get("idempotency_key")
    if key:
        existing = (
            uow.session.query(Expense).filter_by(cooperative_id=cooperative_id, idempotency_key=key).first()
        )
        if existing is not None:
            return expense_out(existing)
    activity = directory.activity(str(data["activity_id"]))
    expense = Expense(
        cooperative_id=cooperative_id,
        activity_id=activity["id"],
        member_id=activity["member_id"],
        date=data["date"],
        supplier=data["supplier"],
        description=data["description"],
        amount_excl_vat=data["amount_excl_vat"],
        vat_amount=data["vat_amount"],
        idempotency_key=key,
    )
    uow.session.add(expense)
    uow.session.flush()
    transaction = ledger.expense_paid(
        activity["id"], Money(Decimal(expense.amount_excl_vat)), Money(Decimal(expense.vat_amount))
    )
    book(
        uow,
        cooperative_id,
        identity.cooperative,
        expense.date,
        "expense",
        expense.id,
        f"{expense.supplier}: {expense.description}"[:200],
        transaction,
        activity["id"],
    )
    return expense_out(expense)


def charge_payslip(uow, event: dict, data: dict) -> bool:
    """payroll's `payslip_issued`: the activity pays the payslip's total cost, once per payslip."""
    transaction = ledger.payroll_charged(str(data["activity_id"]), Money(Decimal(data["total_cost"])))
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


def get_activity_account(uow, identity, directory, data: dict) -> dict:
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity)
    activity = directory.activity(str(data["activity_id"]))  # NotFound for others' activities
    account = ledger.activity_account(activity["id"])
    before, within = repo.account_entries(
        uow.session, cooperative_id, account, data.get("from_"), data.get("to")
    )
    opening = sum((Money(Decimal(r.amount)) for r in before), Money.zero())
    balance = opening + sum((Money(Decimal(r.amount)) for r in within), Money.zero())
    return {
        "activity_id": activity["id"],
        "activity_code": activity.get("code"),
        "opening_balance": str(opening),
        "balance": str(balance),
        "entries": [
            {
                "date": r.entry_date.isoformat(),
                "kind": r.kind,
                "amount": money(r.amount),
                "reference": r.reference,
                "transaction_id": r.id,
            }
            for r in within
        ],
    }
