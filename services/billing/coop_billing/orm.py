"""Tables of the billing service (its own database; no other service reads it)."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from coop_billing.domain.states import DocumentKind, InvoiceStatus
from coop_shared.money import Money
from coop_shared.storage.messaging_tables import idempotency_table, inbox_table, outbox_table
from coop_shared.storage.types import EncryptedText, IdColumn, MoneyType, RateColumn, new_id, utcnow


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    vat_number: Mapped[str | None] = mapped_column(sa.String(20))
    enterprise_number: Mapped[str | None] = mapped_column(sa.String(10))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    address: Mapped[dict] = mapped_column(sa.JSON)
    language: Mapped[str] = mapped_column(sa.String(2))
    peppol_id: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class CustomerChange(Base):
    """One field of a customer rectified (GDPR art. 16 for a person): who, when, the old and the
    new value, both sealed. Issued invoices keep their own snapshot (`Invoice.buyer`)."""

    __tablename__ = "customer_changes"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    customer_id: Mapped[str] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    field: Mapped[str] = mapped_column(sa.String(40))
    old_value: Mapped[str | None] = mapped_column(EncryptedText("customer_changes.value"))
    new_value: Mapped[str | None] = mapped_column(EncryptedText("customer_changes.value"))
    changed_by_key_id: Mapped[str | None] = mapped_column(sa.String(36))
    changed_by_role: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Invoice(Base):
    """An invoice or a credit note. Once issued, nothing on it changes but its status."""

    __tablename__ = "invoices"
    __table_args__ = (
        sa.UniqueConstraint("cooperative_id", "number"),
        sa.UniqueConstraint("cooperative_id", "structured_communication"),
        sa.UniqueConstraint("cooperative_id", "idempotency_key"),
    )
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    cooperative_slug: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(20), default=DocumentKind.INVOICE)
    activity_id: Mapped[str] = mapped_column(IdColumn, index=True)
    member_id: Mapped[str] = mapped_column(IdColumn, index=True)
    customer_id: Mapped[str] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=InvoiceStatus.DRAFT)
    vat_regime: Mapped[str] = mapped_column(sa.String(40))
    number: Mapped[str | None] = mapped_column(sa.String(40))
    sequence: Mapped[int | None] = mapped_column(sa.Integer)
    issue_date: Mapped[date | None] = mapped_column(sa.Date)
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    requested_issue_date: Mapped[date | None] = mapped_column(sa.Date)
    requested_due_date: Mapped[date | None] = mapped_column(sa.Date)
    buyer_reference: Mapped[str | None] = mapped_column(sa.String(100))
    structured_communication: Mapped[str | None] = mapped_column(sa.String(12))
    total_excl_vat: Mapped[Money] = mapped_column(MoneyType())
    total_vat: Mapped[Money] = mapped_column(MoneyType())
    total_incl_vat: Mapped[Money] = mapped_column(MoneyType())
    # Snapshots taken when issued: the legal identities as they were on the invoice's date.
    seller: Mapped[dict | None] = mapped_column(sa.JSON)
    buyer: Mapped[dict | None] = mapped_column(sa.JSON)
    activity: Mapped[dict | None] = mapped_column(sa.JSON)
    contribution_rate: Mapped[Decimal | None] = mapped_column(RateColumn)
    credited_invoice_id: Mapped[str | None] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # When the supply took place, if not on the issue date (AR n°1 art. 5 §1 7°).
    supply_date: Mapped[date | None] = mapped_column(sa.Date)
    period_start: Mapped[date | None] = mapped_column(sa.Date)
    period_end: Mapped[date | None] = mapped_column(sa.Date)
    # The customer's declaration for the 6 % renovation rate (AR n°20 art. 1quater).
    renovation_declaration: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # The key that made it (coop_shared.audit.actor; docs/adr/021-nothing-run-twice-and-the-trail.md)
    created_by: Mapped[str | None] = mapped_column(sa.String(60))
    issued_by: Mapped[str | None] = mapped_column(sa.String(60))  # the key that numbered it

    lines: Mapped[list["InvoiceLine"]] = relationship(
        order_by="InvoiceLine.position", cascade="all, delete-orphan", lazy="selectin"
    )


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    invoice_id: Mapped[str] = mapped_column(sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    description: Mapped[str] = mapped_column(sa.String(500))
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(14, 4))
    unit_price: Mapped[Money] = mapped_column(MoneyType())
    vat_rate: Mapped[Decimal] = mapped_column(RateColumn)
    vat_category: Mapped[str] = mapped_column(sa.String(2))
    net_amount: Mapped[Money] = mapped_column(MoneyType())
    vat_amount: Mapped[Money] = mapped_column(MoneyType())
    credited_line_id: Mapped[str | None] = mapped_column(IdColumn)
    unit: Mapped[str] = mapped_column(sa.String(3), default="C62")  # UN/ECE Rec. 20 code
    supply_date: Mapped[date | None] = mapped_column(sa.Date)
    period_start: Mapped[date | None] = mapped_column(sa.Date)
    period_end: Mapped[date | None] = mapped_column(sa.Date)


class NumberSeries(Base):
    """The next number of one series; its row lock serialises issuing (gapless numbering)."""

    __tablename__ = "number_series"
    cooperative_id: Mapped[str] = mapped_column(IdColumn, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    next_sequence: Mapped[int] = mapped_column(sa.Integer, default=1)
    last_issue_date: Mapped[date | None] = mapped_column(sa.Date)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "bank_reference"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    amount: Mapped[Money] = mapped_column(MoneyType())
    value_date: Mapped[date] = mapped_column(sa.Date)
    bank_reference: Mapped[str] = mapped_column(sa.String(100))
    communication: Mapped[str | None] = mapped_column(sa.String(140))
    structured_communication: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    counterparty_name: Mapped[str | None] = mapped_column(sa.String(200))
    counterparty_iban: Mapped[str | None] = mapped_column(sa.String(34))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The key that made it (coop_shared.audit.actor; docs/adr/021-nothing-run-twice-and-the-trail.md)
    created_by: Mapped[str | None] = mapped_column(sa.String(60))

    allocations: Mapped[list["PaymentAllocation"]] = relationship(lazy="selectin")


class PaymentAllocation(Base):
    """The part of a payment applied to one invoice."""

    __tablename__ = "payment_allocations"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    payment_id: Mapped[str] = mapped_column(sa.ForeignKey("payments.id"), index=True)
    invoice_id: Mapped[str] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    amount: Mapped[Money] = mapped_column(MoneyType())
    revenue: Mapped[Money] = mapped_column(MoneyType())
    contribution: Mapped[Money] = mapped_column(MoneyType())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class LedgerTransaction(Base):
    """One operation (payment, expense, payslip); its postings sum to zero."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "source", "source_id"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    entry_date: Mapped[date] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(30))  # payment_allocation, expense, payslip
    source_id: Mapped[str] = mapped_column(sa.String(100))  # unique per source: no double booking
    reference: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The key behind its source (a payment's, an expense's); null when booked from another
    # service's event (a payslip: payroll's run names who closed it).
    created_by: Mapped[str | None] = mapped_column(sa.String(60))

    postings: Mapped[list["LedgerPosting"]] = relationship(lazy="selectin")


class LedgerPosting(Base):
    __tablename__ = "ledger_postings"
    # A page of an account, newest first, read from the index alone: its cost does not grow with
    # the account's history (issue 18; handlers/ledger.py, get_activity_account).
    __table_args__ = (sa.Index("ix_ledger_postings_account_date", "account", "entry_date", "id"),)
    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    transaction_id: Mapped[str] = mapped_column(sa.ForeignKey("ledger_transactions.id"), index=True)
    cooperative_id: Mapped[str] = mapped_column(IdColumn)
    account: Mapped[str] = mapped_column(sa.String(60), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[Money] = mapped_column(MoneyType())
    # the transaction's entry date, copied so that an account's entries are paged by date
    entry_date: Mapped[date] = mapped_column(sa.Date)


class LedgerBalance(Base):
    """The running balance of an activity's accounts (`activity:<id>`, `provision:<id>:...`),
    updated in the transaction that books each posting, so a balance is read in one row instead
    of summing a history that only grows (issue 18). The postings stay the truth: the balance is
    always their sum (tests/integration/test_ledger_pages.py checks it), and the migration that
    created this table computed it from them. The cooperative's own accounts (bank, VAT,
    contributions) have no row: every payment touches them, and one row for all would make
    concurrent payments wait for each other."""

    __tablename__ = "ledger_balances"
    cooperative_id: Mapped[str] = mapped_column(IdColumn, primary_key=True)
    account: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    balance: Mapped[Money] = mapped_column(MoneyType())


class KnownPayer(Base):
    """An IBAN that paid an invoice of this customer: automatic matching's second rule
    (handlers/statements.py) reads it by its primary key, so the lookup costs the same however
    many payments were booked (issue 18). Written when a payment is applied to an invoice; the
    migration that created it filled it from the payments booked before."""

    __tablename__ = "known_payers"
    cooperative_id: Mapped[str] = mapped_column(IdColumn, primary_key=True)
    iban: Mapped[str] = mapped_column(sa.String(34), primary_key=True)
    customer_id: Mapped[str] = mapped_column(IdColumn, primary_key=True)


class InvoicePdf(Base):
    """An issued invoice's or credit note's PDF as first rendered, with its EPC QR payload:
    nothing on an issued document changes (its status is not printed), so it is rendered once
    and every later reader (the customer's e-mail, the member's, the UBL that embeds it) gets
    the same bytes (issue 18: rendering was most of the cost of issuing under load)."""

    __tablename__ = "invoice_pdfs"
    invoice_id: Mapped[str] = mapped_column(sa.ForeignKey("invoices.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    epc_qr_payload: Mapped[str | None] = mapped_column(sa.Text)
    rendered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Expense(Base):
    __tablename__ = "expenses"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "idempotency_key"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    activity_id: Mapped[str] = mapped_column(IdColumn, index=True)
    member_id: Mapped[str] = mapped_column(IdColumn)
    date: Mapped[date] = mapped_column(sa.Date)
    supplier: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.String(500))
    amount_excl_vat: Mapped[Money] = mapped_column(MoneyType())
    vat_amount: Mapped[Money] = mapped_column(MoneyType())
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The key that made it (coop_shared.audit.actor; docs/adr/021-nothing-run-twice-and-the-trail.md)
    created_by: Mapped[str | None] = mapped_column(sa.String(60))


class BillingSettings(Base):
    """What a cooperative's general terms provide towards consumers who pay late (Book XIX CDE,
    docs/domain/late-payment.md); without a row, interest but no lump sum."""

    __tablename__ = "billing_settings"
    cooperative_id: Mapped[str] = mapped_column(IdColumn, primary_key=True)
    consumer_interest: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    consumer_lump_sum: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class OverdueNotice(Base):
    """One `invoice_overdue` per invoice and reminder level, whatever the timers and replicas."""

    __tablename__ = "overdue_notices"
    invoice_id: Mapped[str] = mapped_column(sa.ForeignKey("invoices.id"), primary_key=True)
    level: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    noticed_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class BankStatement(Base):
    """A bank statement file imported once; its movements became payments (bank references
    unique per cooperative), so importing the same file again books nothing."""

    __tablename__ = "bank_statements"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "content_sha256"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    format: Mapped[str] = mapped_column(sa.String(10))
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    account_iban: Mapped[str | None] = mapped_column(sa.String(34), index=True)
    number: Mapped[str] = mapped_column(sa.String(40))
    opening_balance: Mapped[Money] = mapped_column(MoneyType())
    opening_date: Mapped[date | None] = mapped_column(sa.Date)
    closing_balance: Mapped[Money] = mapped_column(MoneyType())
    closing_date: Mapped[date | None] = mapped_column(sa.Date)
    movements: Mapped[int] = mapped_column(sa.Integer)
    imported_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class BankStatementFile(Base):
    """The statement file exactly as received (CODA or camt.053), kept with the statement it
    was imported as: its bytes, name and SHA-256, for the accountant's period pack (a bank
    statement is an accounting document: docs/domain/accounting.md "WinBooks ACT"). Its bytes
    are in its pieces (BankStatementFilePiece); `content` holds those of a file kept before
    migration 0010, and is read only when asked for (deferred): a month's list loads no bytes."""

    __tablename__ = "bank_statement_files"
    __table_args__ = (sa.UniqueConstraint("statement_id"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    statement_id: Mapped[str] = mapped_column(sa.ForeignKey("bank_statements.id"))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True, deferred=True)
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.Integer)
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class BankStatementFilePiece(Base):
    """One piece of a kept statement file: the pieces of a file, in `position` order, are one
    zlib stream of its bytes as received (domain/bank_statements.py `file_pieces`), each a few
    hundred kB, so that keeping a 20 MB file sends no 40 MB query (issue 18)."""

    __tablename__ = "bank_statement_file_pieces"
    file_id: Mapped[str] = mapped_column(sa.ForeignKey("bank_statement_files.id"), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


# Peppol (docs/adr/011-peppol-delivery.md)


class PeppolSettings(Base):
    """The access point a cooperative sends and receives through, chosen by an admin. `secrets`
    (API keys) are read by the access point only and never returned."""

    __tablename__ = "peppol_settings"
    cooperative_id: Mapped[str] = mapped_column(IdColumn, primary_key=True)
    access_point: Mapped[str] = mapped_column(sa.String(40))
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    secrets: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class InvoiceDelivery(Base):
    """How one issued invoice or credit note reaches its customer; written in the issuing
    transaction (like the outbox), sent after it commits, leased to one worker at a time."""

    __tablename__ = "invoice_deliveries"
    invoice_id: Mapped[str] = mapped_column(sa.ForeignKey("invoices.id"), primary_key=True)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    cooperative_slug: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), index=True)
    reason: Mapped[str | None] = mapped_column(sa.String(2000))
    receiver: Mapped[str | None] = mapped_column(sa.String(60))
    access_point: Mapped[str | None] = mapped_column(sa.String(40))
    message_id: Mapped[str | None] = mapped_column(sa.String(100))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    failures_in_row: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)
    lease_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(sa.String(2000))
    queued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PurchaseDocument(Base):
    """A supplier's invoice or credit note received over Peppol, kept as received (valid or
    not) until staff assign it to an activity."""

    __tablename__ = "purchase_documents"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "content_sha256"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    access_point: Mapped[str] = mapped_column(sa.String(40))
    inbound_id: Mapped[str] = mapped_column(sa.String(200))
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str | None] = mapped_column(sa.String(20))
    number: Mapped[str | None] = mapped_column(sa.String(100))
    issue_date: Mapped[date | None] = mapped_column(sa.Date)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    supplier_name: Mapped[str | None] = mapped_column(sa.String(200))
    supplier_vat: Mapped[str | None] = mapped_column(sa.String(30))
    supplier_endpoint: Mapped[str | None] = mapped_column(sa.String(60))
    total_excl_vat: Mapped[Money | None] = mapped_column(MoneyType())
    total_vat: Mapped[Money | None] = mapped_column(MoneyType())
    total_incl_vat: Mapped[Money | None] = mapped_column(MoneyType())
    ubl: Mapped[bytes] = mapped_column(sa.LargeBinary)
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    pdf_filename: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(10), index=True)
    findings: Mapped[list] = mapped_column(sa.JSON, default=list)
    accepted_by: Mapped[str | None] = mapped_column(sa.String(100))
    accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    activity_id: Mapped[str | None] = mapped_column(IdColumn, index=True)
    expense_id: Mapped[str | None] = mapped_column(sa.ForeignKey("expenses.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
