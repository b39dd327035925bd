"""Every query of the accounting service, each scoped to one cooperative."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from coop_accounting.domain.entries import check_balanced
from coop_accounting.orm import (
    Account,
    AccountMapping,
    ClosedPeriod,
    EntryLine,
    JournalEntry,
    JournalSequence,
    PeriodChange,
)
from coop_shared.money import Money
from coop_shared.storage.repository import Repository


class AccountingRepository(Repository):
    """The chart, mappings, periods and the journal entries of each cooperative."""

    # Chart and mappings

    def accounts(self, cooperative_id: str) -> list[Account]:
        return list(
            self.session.scalars(
                sa.select(Account).where(Account.cooperative_id == cooperative_id).order_by(Account.code)
            )
        )

    def mappings(self, cooperative_id: str) -> dict[str, str]:
        rows = self.session.scalars(
            sa.select(AccountMapping).where(AccountMapping.cooperative_id == cooperative_id)
        )
        return {row.kind: row.account for row in rows}

    def mapping(self, cooperative_id: str, kind: str) -> AccountMapping | None:
        return self.session.scalars(
            sa.select(AccountMapping).where(
                AccountMapping.cooperative_id == cooperative_id, AccountMapping.kind == kind
            )
        ).first()

    # Periods

    def closed_periods(self, cooperative_id: str) -> set[str]:
        rows = self.session.scalars(
            sa.select(ClosedPeriod.period).where(ClosedPeriod.cooperative_id == cooperative_id)
        )
        return set(rows)

    def closed_period(self, cooperative_id: str, period: str) -> ClosedPeriod | None:
        return self.session.scalars(
            sa.select(ClosedPeriod).where(
                ClosedPeriod.cooperative_id == cooperative_id, ClosedPeriod.period == period
            )
        ).first()

    def period_changes(self, cooperative_id: str) -> list[PeriodChange]:
        return list(
            self.session.scalars(
                sa.select(PeriodChange)
                .where(PeriodChange.cooperative_id == cooperative_id)
                .order_by(PeriodChange.at, PeriodChange.id)
            )
        )

    # Entries

    def lock_books(self, cooperative_id: str) -> None:
        """Hold the cooperative's books until the transaction ends (a PostgreSQL advisory lock;
        SQLite, with one writer at a time, needs none): two bookings of one cooperative wait for
        each other, so each reads the entries the other committed."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(
                sa.text("select pg_advisory_xact_lock(hashtext(:key))"), {"key": f"books:{cooperative_id}"}
            )

    def entry_of(self, cooperative_id: str, source: str, source_id: str) -> JournalEntry | None:
        return self.session.scalars(
            sa.select(JournalEntry).where(
                JournalEntry.cooperative_id == cooperative_id,
                JournalEntry.source == source,
                JournalEntry.source_id == source_id,
            )
        ).first()

    def next_number(self, cooperative_id: str, journal: str, year: int) -> int:
        """The next number of a journal in a year, under the row lock of its sequence (the
        first entry of a year creates the row; a race on that insert fails one transaction,
        whose event is retried)."""
        row = self.session.scalars(
            sa.select(JournalSequence)
            .where(
                JournalSequence.cooperative_id == cooperative_id,
                JournalSequence.journal == journal,
                JournalSequence.year == year,
            )
            .with_for_update()
        ).first()
        if row is None:
            row = JournalSequence(cooperative_id=cooperative_id, journal=journal, year=year, last=0)
            self.session.add(row)
        row.last += 1
        self.session.flush()
        return row.last

    def add_entry(self, entry: JournalEntry) -> None:
        """Insert a balanced entry only: the domain checked it, the repository checks again
        what is actually written (docs/domain/accounting.md "Entries")."""
        check_balanced(entry.lines)
        self.session.add(entry)
        self.session.flush()

    def suspense_left(self, cooperative_id: str, account: str, payment_id: str) -> Money:
        """What of an unmatched payment still waits on the suspense account."""
        row = self.session.execute(
            sa.select(sa.func.sum(EntryLine.credit), sa.func.sum(EntryLine.debit)).where(
                EntryLine.cooperative_id == cooperative_id,
                EntryLine.account == account,
                EntryLine.reference == payment_id,
            )
        ).one()
        return _money(row[0]) - _money(row[1])

    def bank_receipts_after(self, cooperative_id: str, bank: str, payment_id: str, occurred_at: str) -> Money:
        """What the payment's matches announced after `occurred_at` took from the bank account."""
        total = self.session.scalar(
            sa.select(sa.func.sum(EntryLine.debit))
            .join(JournalEntry, EntryLine.entry_id == JournalEntry.id)
            .where(
                EntryLine.cooperative_id == cooperative_id,
                EntryLine.account == bank,
                JournalEntry.source == "payment",
                JournalEntry.source_id.like(f"{payment_id}:%"),
                JournalEntry.occurred_at > occurred_at,
            )
        )
        return _money(total)

    def open_items(self, cooperative_id: str, account: str) -> list[tuple[str, Money, str | None]]:
        """(reference, debit − credit, partner) of every open item of `account`, oldest first:
        the references whose lines do not sum to zero yet."""
        rows = self.session.execute(
            sa.select(
                EntryLine.reference,
                sa.func.sum(EntryLine.debit) - sa.func.sum(EntryLine.credit),
                sa.func.max(EntryLine.partner),
                sa.func.min(JournalEntry.entry_date),
            )
            .join(JournalEntry, EntryLine.entry_id == JournalEntry.id)
            .where(
                EntryLine.cooperative_id == cooperative_id,
                EntryLine.account == account,
                EntryLine.reference.is_not(None),
            )
            .group_by(EntryLine.reference)
            .order_by(sa.func.min(JournalEntry.entry_date), EntryLine.reference)
        )
        return [
            (ref, _money(balance), partner) for ref, balance, partner, _ in rows if _money(balance).amount
        ]

    def lines(
        self,
        cooperative_id: str,
        period: str | None = None,
        up_to: str | None = None,
        account: str | None = None,
        year: int | None = None,
    ) -> list[tuple[EntryLine, JournalEntry]]:
        """Lines with their entry, in booking order, optionally of one period, up to a period,
        of one account or of one year."""
        query = (
            sa.select(EntryLine, JournalEntry)
            .join(JournalEntry, EntryLine.entry_id == JournalEntry.id)
            .where(EntryLine.cooperative_id == cooperative_id)
        )
        if period:
            query = query.where(JournalEntry.period == period)
        if up_to:
            query = query.where(JournalEntry.period <= up_to)
        if account:
            query = query.where(EntryLine.account == account)
        if year:
            query = query.where(JournalEntry.year == year)
        query = query.order_by(
            JournalEntry.entry_date, JournalEntry.journal, JournalEntry.number, EntryLine.line_no
        )
        return [(line, entry) for line, entry in self.session.execute(query)]

    def entries(self, cooperative_id: str, period: str) -> list[JournalEntry]:
        return list(
            self.session.scalars(
                sa.select(JournalEntry)
                .where(JournalEntry.cooperative_id == cooperative_id, JournalEntry.period == period)
                .order_by(JournalEntry.journal, JournalEntry.number)
            )
        )

    def due_dates(self, cooperative_id: str) -> dict[str, date]:
        rows = self.session.execute(
            sa.select(JournalEntry.source_id, JournalEntry.due_date, JournalEntry.document_number).where(
                JournalEntry.cooperative_id == cooperative_id, JournalEntry.source == "invoice"
            )
        )
        return {source_id: (due, number) for source_id, due, number in rows}


def _money(value) -> Money:
    """A SUM over a money column, whichever way the driver returns it (None when no row)."""
    if isinstance(value, Money):
        return value
    return Money(Decimal(value or 0))
