"""Tables of the accounting service (its own database; no other service reads it)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from coop_shared.money import Money
from coop_shared.storage.messaging_tables import idempotency_table, inbox_table, outbox_table
from coop_shared.storage.types import IdColumn, MoneyType, new_id, utcnow


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)


class Account(Base):
    """An account of a cooperative's chart, seeded from the minimum chart (domain/chart.py)."""

    __tablename__ = "accounts"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "code"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    code: Mapped[str] = mapped_column(sa.String(8))
    label_fr: Mapped[str] = mapped_column(sa.String(200))
    label_nl: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200))


class AccountMapping(Base):
    """A cooperative's own account for one kind of line; read when an entry is booked, so a
    change never rewrites what was posted."""

    __tablename__ = "account_mappings"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "kind"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    account: Mapped[str] = mapped_column(sa.String(8))
    changed_by: Mapped[str | None] = mapped_column(sa.String(60))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ClosedPeriod(Base):
    """A month closed for new entries (a month without a row is open)."""

    __tablename__ = "closed_periods"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "period"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    period: Mapped[str] = mapped_column(sa.String(7))
    closed_by: Mapped[str | None] = mapped_column(sa.String(60))
    closed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PeriodChange(Base):
    """The log of every closing and reopening: who, when, what."""

    __tablename__ = "period_changes"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    period: Mapped[str] = mapped_column(sa.String(7))
    action: Mapped[str] = mapped_column(sa.String(10))
    by: Mapped[str | None] = mapped_column(sa.String(60))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class JournalSequence(Base):
    """The last number of a journal in a year, taken `FOR UPDATE` by the transaction booking the
    next entry: concurrent handlers queue on it instead of colliding (docs/adr/006-gapless-numbering.md)."""

    __tablename__ = "journal_sequences"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "journal", "year"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    journal: Mapped[str] = mapped_column(sa.String(10))
    year: Mapped[int] = mapped_column(sa.Integer)
    last: Mapped[int] = mapped_column(sa.Integer, default=0)


class JournalEntry(Base):
    """One balanced entry; `(cooperative_id, source, source_id)` is the fact it books, once."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        sa.UniqueConstraint("cooperative_id", "source", "source_id"),
        sa.UniqueConstraint("cooperative_id", "journal", "year", "number"),
    )
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    cooperative: Mapped[str | None] = mapped_column(sa.String(60))
    journal: Mapped[str] = mapped_column(sa.String(10))
    year: Mapped[int] = mapped_column(sa.Integer)
    number: Mapped[int] = mapped_column(sa.Integer)
    period: Mapped[str] = mapped_column(sa.String(7), index=True)
    entry_date: Mapped[date] = mapped_column(sa.Date)
    document_date: Mapped[date] = mapped_column(sa.Date)
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(40))
    source_id: Mapped[str] = mapped_column(sa.String(120))
    document_number: Mapped[str | None] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.String(200))
    # a payment's revenue excluding VAT as billing credited it to the activity (analytic balance)
    revenue: Mapped[Money | None] = mapped_column(MoneyType())
    event_id: Mapped[str | None] = mapped_column(IdColumn)
    occurred_at: Mapped[str | None] = mapped_column(sa.String(40))  # of the event booked
    rules_version: Mapped[str] = mapped_column(sa.String(40))
    booked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    lines: Mapped[list["EntryLine"]] = relationship(
        back_populates="entry", order_by="EntryLine.line_no", cascade="all, delete-orphan"
    )


class EntryLine(Base):
    """A debit or a credit of an entry, with its analytic code (the activity)."""

    __tablename__ = "entry_lines"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(sa.ForeignKey("journal_entries.id"), index=True)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    line_no: Mapped[int] = mapped_column(sa.Integer)
    account: Mapped[str] = mapped_column(sa.String(8), index=True)
    debit: Mapped[Money] = mapped_column(MoneyType())
    credit: Mapped[Money] = mapped_column(MoneyType())
    activity_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    partner: Mapped[str | None] = mapped_column(sa.String(200))
    partner_vat: Mapped[str | None] = mapped_column(sa.String(20))
    reference: Mapped[str | None] = mapped_column(sa.String(60), index=True)
    vat_grid: Mapped[str | None] = mapped_column(sa.String(2))
    entry: Mapped[JournalEntry] = relationship(back_populates="lines")
