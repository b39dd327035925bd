"""Bench setup written straight into the services' databases (setup, not what is measured):
thousands of members with an activity, a status and money on their account, in seconds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coop_billing.domain import ledger
from coop_billing.orm import LedgerPosting, LedgerTransaction
from coop_members.orm import Activity, Member, MemberStatus
from coop_shared.money import Money
from coop_shared.storage.types import new_id

try:  # the running balances came with issue 18; the bench also measures the code before it
    from coop_billing.orm import LedgerBalance
except ImportError:  # pragma: no cover
    LedgerBalance = None


def members(
    members_url: str, cooperative_id: str, count: int, since: date, first: int = 0
) -> list[tuple[str, str]]:
    """`count` Belgian salaried members (single, no children), each with one activity; numbered
    from `first` so that several batches can go to one cooperative."""
    engine = sa.create_engine(members_url)
    pairs, member_rows, activity_rows, status_rows = [], [], [], []
    for n in range(first, first + count):
        member_id, activity_id = new_id(), new_id()
        member_rows.append(
            {
                "id": member_id,
                "cooperative_id": cooperative_id,
                "first_name": f"Bench{n}",
                "last_name": "Member",
                "email": f"bench{n}@bench.example",
                "language": "fr",
                "nationality": "BE",
                "iban": "BE35310123456737",
                "lifecycle": "active",
            }
        )
        activity_rows.append(
            {
                "id": activity_id,
                "cooperative_id": cooperative_id,
                "member_id": member_id,
                "code": f"B{n:06d}",
                "name": f"Activité {n}",
            }
        )
        status_rows.append(
            {
                "id": new_id(),
                "cooperative_id": cooperative_id,
                "member_id": member_id,
                "status_model": "be_salaried",
                "valid_from": since,
                "parameters": {"household": "single", "dependent_children": 0},
            }
        )
        pairs.append((member_id, activity_id))
    with Session(engine) as session:
        session.execute(sa.insert(Member), member_rows)
        session.execute(sa.insert(Activity), activity_rows)
        session.execute(sa.insert(MemberStatus), status_rows)
        session.commit()
    engine.dispose()
    return pairs


def balances(billing_url: str, cooperative_id: str, activity_ids: list[str], amount: str, on: date) -> None:
    """Credit each activity `amount` with a balanced transaction, as a payment would."""
    engine = sa.create_engine(billing_url)
    transactions, postings, balances = [], [], {}
    for activity_id in activity_ids:
        transaction_id = new_id()
        transactions.append(
            {
                "id": transaction_id,
                "cooperative_id": cooperative_id,
                "entry_date": on,
                "source": "bench_seed",
                "source_id": activity_id,
                "reference": "bench",
            }
        )
        money = Money(Decimal(amount))
        for posting in ledger.payment_received(activity_id, money, money, Money.zero()).postings:
            postings.append(
                {
                    "transaction_id": transaction_id,
                    "cooperative_id": cooperative_id,
                    "account": posting.account,
                    "kind": posting.kind,
                    "amount": posting.amount.amount,
                    "entry_date": on,
                }
            )
            if posting.account.startswith(ledger.RUNNING_BALANCE_PREFIXES):
                balances[posting.account] = balances.get(posting.account, Decimal(0)) + posting.amount.amount
    with Session(engine) as session:
        session.execute(sa.insert(LedgerTransaction), transactions)
        session.execute(sa.insert(LedgerPosting), postings)
        # the running balances billing keeps beside its postings (coop_billing.orm.LedgerBalance);
        # each activity is seeded once, so no balance row exists before
        session.execute(
            sa.insert(LedgerBalance),
            [{"cooperative_id": cooperative_id, "account": a, "balance": b} for a, b in balances.items()],
        )
        session.commit()
    engine.dispose()


def history(billing_url: str, cooperative_id: str, activity_id: str, entries: int, until: date) -> None:
    """`entries` entries on one activity's account (a payment books two: its revenue and the
    contribution), one payment a day going back from `until`, as a long-lived activity has."""
    engine = sa.create_engine(billing_url)
    transactions, postings, balance = [], [], Decimal(0)
    # 121.00 paid: 100.00 of revenue, 21.00 of VAT, a contribution of 10.00
    money, revenue, contribution = Money(Decimal("121.00")), Money(Decimal("100.00")), Money(Decimal("10.00"))
    dated = hasattr(LedgerPosting, "entry_date")  # the running balance came with issue 18
    for n in range(entries // 2):
        transaction_id, on = new_id(), date.fromordinal(until.toordinal() - (entries // 2 - n) // 5)
        transactions.append(
            {
                "id": transaction_id,
                "cooperative_id": cooperative_id,
                "entry_date": on,
                "source": "bench_history",
                "source_id": f"{activity_id}/{n}",
                "reference": f"bench {n}",
            }
        )
        for posting in ledger.payment_received(activity_id, money, revenue, contribution).postings:
            row = {
                "transaction_id": transaction_id,
                "cooperative_id": cooperative_id,
                "account": posting.account,
                "kind": posting.kind,
                "amount": posting.amount.amount,
            }
            postings.append(dict(row, entry_date=on) if dated else row)
            if posting.account == ledger.activity_account(activity_id):
                balance += posting.amount.amount
    with Session(engine) as session:
        session.execute(sa.insert(LedgerTransaction), transactions)
        session.execute(sa.insert(LedgerPosting), postings)
        if dated:
            session.execute(
                sa.insert(LedgerBalance),
                [
                    {
                        "cooperative_id": cooperative_id,
                        "account": ledger.activity_account(activity_id),
                        "balance": balance,
                    }
                ],
            )
        session.commit()
        # Statistics, as autovacuum gathers them on a table that grew over months: without them
        # the planner of a table filled a second ago reads the whole account to sort it.
        session.execute(sa.text("ANALYZE ledger_postings"))
        session.execute(sa.text("ANALYZE ledger_transactions"))
        session.commit()
    engine.dispose()
