"""Queries of the billing service; every one is scoped to one cooperative."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from coop_billing.orm import (
    Customer,
    Invoice,
    LedgerPosting,
    LedgerTransaction,
    NumberSeries,
    Payment,
    PaymentAllocation,
)
from coop_shared.money import Money
from coop_shared.storage.paging import page
from coop_shared.storage.scoped import one_of_cooperative


def customer(session: Session, cooperative_id: str, customer_id) -> Customer:
    return one_of_cooperative(session, Customer, cooperative_id, customer_id, "customer")


def invoice(session: Session, cooperative_id: str, invoice_id, for_update=False) -> Invoice:
    return one_of_cooperative(session, Invoice, cooperative_id, invoice_id, "invoice", for_update)


def invoice_by_idempotency_key(session: Session, cooperative_id: str, key: str):
    return session.scalars(
        sa.select(Invoice).where(Invoice.cooperative_id == cooperative_id, Invoice.idempotency_key == key)
    ).first()


def invoice_by_communication(session: Session, cooperative_id: str, digits: str):
    """The invoice carrying that communication, locked for the payment being applied."""
    return session.scalars(
        sa.select(Invoice)
        .where(
            Invoice.cooperative_id == cooperative_id,
            Invoice.structured_communication == digits,
            Invoice.kind == "invoice",
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def lock_series(session: Session, cooperative_id: str, kind: str, year: int) -> NumberSeries:
    """The series row, created if missing, locked until the transaction ends (gapless)."""
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    session.execute(
        insert(NumberSeries)
        .values(cooperative_id=cooperative_id, kind=kind, year=year, next_sequence=1)
        .on_conflict_do_nothing()
    )
    return session.scalars(
        sa.select(NumberSeries)
        .where(
            NumberSeries.cooperative_id == cooperative_id,
            NumberSeries.kind == kind,
            NumberSeries.year == year,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def paid_on(session: Session, invoice_id: str) -> tuple[Money, Money, Money]:
    """(amount paid, revenue booked, contribution booked) on one invoice so far."""
    row = session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(PaymentAllocation.amount), 0),
            sa.func.coalesce(sa.func.sum(PaymentAllocation.revenue), 0),
            sa.func.coalesce(sa.func.sum(PaymentAllocation.contribution), 0),
        ).where(PaymentAllocation.invoice_id == invoice_id)
    ).one()
    return tuple(Money(Decimal(value)) for value in row)


def credit_notes_of(session: Session, invoice_id: str) -> list[Invoice]:
    return session.scalars(
        sa.select(Invoice)
        .where(Invoice.credited_invoice_id == invoice_id, Invoice.kind == "credit_note")
        .order_by(Invoice.sequence)
    ).all()


def credited_on(session: Session, invoice_id: str) -> Money:
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Invoice.total_incl_vat), 0)).where(
            Invoice.credited_invoice_id == invoice_id, Invoice.kind == "credit_note"
        )
    )
    return Money(Decimal(total))


def payment_by_reference(session: Session, cooperative_id: str, bank_reference: str):
    return session.scalars(
        sa.select(Payment).where(
            Payment.cooperative_id == cooperative_id, Payment.bank_reference == bank_reference
        )
    ).first()


def payment(session: Session, cooperative_id: str, payment_id, for_update=False) -> Payment:
    return one_of_cooperative(session, Payment, cooperative_id, payment_id, "payment", for_update)


def applied_of(session: Session, payment_id: str) -> Money:
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(PaymentAllocation.amount), 0)).where(
            PaymentAllocation.payment_id == payment_id
        )
    )
    return Money(Decimal(total))


def unmatched_payments(session: Session, cooperative_id: str, limit: int, offset: int):
    applied = (
        sa.select(PaymentAllocation.payment_id, sa.func.sum(PaymentAllocation.amount).label("applied"))
        .group_by(PaymentAllocation.payment_id)
        .subquery()
    )
    remaining = Payment.amount - sa.func.coalesce(applied.c.applied, 0)
    query = (
        sa.select(Payment, sa.func.coalesce(applied.c.applied, 0))
        .outerjoin(applied, applied.c.payment_id == Payment.id)
        .where(Payment.cooperative_id == cooperative_id, remaining > 0)
    )
    rows, total = page(session, query, (Payment.value_date, Payment.created_at), limit, offset, scalars=False)
    return [(p, Money(Decimal(a))) for p, a in rows], total


def ledger_transaction_exists(session: Session, cooperative_id: str, source: str, source_id: str) -> bool:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(LedgerTransaction)
            .where(
                LedgerTransaction.cooperative_id == cooperative_id,
                LedgerTransaction.source == source,
                LedgerTransaction.source_id == source_id,
            )
        )
        > 0
    )


def account_entries(session: Session, cooperative_id: str, account: str, date_from=None, date_to=None):
    query = (
        sa.select(
            LedgerTransaction.entry_date,
            LedgerPosting.kind,
            LedgerPosting.amount,
            LedgerTransaction.reference,
            LedgerTransaction.id,
        )
        .join(LedgerTransaction, LedgerTransaction.id == LedgerPosting.transaction_id)
        .where(LedgerPosting.cooperative_id == cooperative_id, LedgerPosting.account == account)
    )
    if date_to:
        query = query.where(LedgerTransaction.entry_date <= date_to)
    rows = session.execute(query.order_by(LedgerTransaction.entry_date, LedgerPosting.id)).all()
    before = [r for r in rows if date_from and r.entry_date < date_from]
    within = [r for r in rows if not (date_from and r.entry_date < date_from)]
    return before, within


def account_balance(session: Session, cooperative_id: str, account: str) -> Money:
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerPosting.amount), 0)).where(
            LedgerPosting.cooperative_id == cooperative_id, LedgerPosting.account == account
        )
    )
    return Money(Decimal(total))
