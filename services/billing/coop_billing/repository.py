"""Every query of the billing service; each is scoped to one cooperative or to rows of one.

Sums of money columns come back as `Money` (`_sum`), never as floats or bare numbers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased, joinedload

from coop_billing.domain import bank_statements
from coop_billing.domain.receivables import Receivable
from coop_billing.domain.states import OPEN, DocumentKind
from coop_billing.orm import (
    BankStatement,
    BankStatementFile,
    BankStatementFilePiece,
    BillingSettings,
    Customer,
    CustomerChange,
    Invoice,
    InvoiceDelivery,
    InvoiceLine,
    InvoicePdf,
    KnownPayer,
    LedgerBalance,
    LedgerPosting,
    LedgerTransaction,
    NumberSeries,
    OverdueNotice,
    Payment,
    PaymentAllocation,
    PeppolSettings,
    PurchaseDocument,
)
from coop_shared.errors import NotFound
from coop_shared.money import Money
from coop_shared.storage.repository import Repository
from coop_shared.storage.types import MoneyType, utcnow

CreditNote = aliased(Invoice, name="credit_note")


def _sum(column) -> sa.ColumnElement:
    """SUM(column), 0 when there is no row, read back as Money."""
    return sa.func.coalesce(sa.func.sum(column), 0, type_=MoneyType())


def _money(value) -> sa.ColumnElement:
    """A money value of a subquery or a literal, read back as Money."""
    return sa.func.coalesce(value, 0, type_=MoneyType())


class BillingRepository(Repository):
    """Rows of billing: customers, invoices and credit notes, payments, the ledger."""

    # Customers

    def customer(self, cooperative_id: str, customer_id) -> Customer:
        return self.one_of_cooperative(Customer, cooperative_id, customer_id, "customer")

    def customer_for_update(self, cooperative_id: str, customer_id) -> Customer:
        """The customer, locked until the end of the transaction (rectifications one at a time)."""
        return self.one_of_cooperative(Customer, cooperative_id, customer_id, "customer", for_update=True)

    def customer_changes(self, customer_id: str) -> list[CustomerChange]:
        """The rectifications of a customer, oldest first (values read back in clear)."""
        return self.session.scalars(
            sa.select(CustomerChange)
            .where(CustomerChange.customer_id == customer_id)
            .order_by(CustomerChange.changed_at, CustomerChange.id)
        ).all()

    def customers_page(self, cooperative_id: str, filters: dict, limit: int, offset: int):
        """(customers of this page by name, total); `filters`: kind, q (part of the name)."""
        query = sa.select(Customer).where(Customer.cooperative_id == cooperative_id)
        if filters.get("kind"):
            query = query.where(Customer.kind == filters["kind"])
        if filters.get("q"):
            query = query.where(sa.func.lower(Customer.name).like(f"%{filters['q'].lower()}%"))
        return self.page(query, (Customer.name, Customer.id), limit, offset)

    # Invoices and credit notes

    def invoice(self, cooperative_id: str, invoice_id, for_update=False) -> Invoice:
        return self.one_of_cooperative(Invoice, cooperative_id, invoice_id, "invoice", for_update)

    def invoice_to_issue(self, cooperative_id: str, invoice_id) -> tuple:
        """(invoice, customer, billing settings, Peppol settings): a draft about to be issued,
        locked, with its lines, its customer and its cooperative's settings (each None when
        never set), in one query (issue 18: issuing read them in five)."""
        found = (
            self.session.execute(
                sa.select(Invoice, Customer, BillingSettings, PeppolSettings)
                .join(Customer, Customer.id == Invoice.customer_id)
                .outerjoin(BillingSettings, BillingSettings.cooperative_id == Invoice.cooperative_id)
                .outerjoin(PeppolSettings, PeppolSettings.cooperative_id == Invoice.cooperative_id)
                .where(Invoice.id == str(invoice_id), Invoice.cooperative_id == cooperative_id)
                .options(joinedload(Invoice.lines))
                .with_for_update(of=Invoice)
                .execution_options(populate_existing=True)
            )
            .unique()
            .first()
        )
        if found is None:
            raise NotFound(f"No invoice '{invoice_id}'.")
        return tuple(found)

    def invoice_locked(self, invoice_id: str) -> Invoice:
        """An invoice by id alone (the overdue timer works for every cooperative), locked and
        read afresh so its status is the committed one."""
        return self.session.get(Invoice, invoice_id, with_for_update=True, populate_existing=True)

    def invoice_by_communication(self, cooperative_id: str, digits: str) -> Invoice | None:
        """The invoice carrying that communication, locked for the payment being applied."""
        return self.session.scalars(
            sa.select(Invoice)
            .where(
                Invoice.cooperative_id == cooperative_id,
                Invoice.structured_communication == digits,
                Invoice.kind == DocumentKind.INVOICE,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()

    def invoices_page(
        self, cooperative_id: str, filters: dict, limit: int, offset: int, member_id: str | None = None
    ):
        """(invoices or credit notes of this page, newest first; total). `member_id` narrows to
        one member's documents; `filters`: kind, activity_id, customer_id, status, issued_from,
        issued_to, delivery_status, overdue_on."""
        query = sa.select(Invoice).where(
            Invoice.cooperative_id == cooperative_id,
            Invoice.kind == filters.get("kind", DocumentKind.INVOICE),
        )
        if member_id is not None:
            query = query.where(Invoice.member_id == member_id)
        for field in ("activity_id", "customer_id"):
            if filters.get(field):
                query = query.where(getattr(Invoice, field) == str(filters[field]))
        if filters.get("status"):
            query = query.where(Invoice.status == filters["status"])
        if filters.get("delivery_status"):
            query = query.join(InvoiceDelivery, InvoiceDelivery.invoice_id == Invoice.id).where(
                InvoiceDelivery.status == filters["delivery_status"]
            )
        if filters.get("issued_from"):
            query = query.where(Invoice.issue_date >= filters["issued_from"])
        if filters.get("issued_to"):
            query = query.where(Invoice.issue_date <= filters["issued_to"])
        if filters.get("overdue_on"):  # still open and due before that day
            query = query.where(Invoice.status.in_(OPEN), Invoice.due_date < filters["overdue_on"])
        newest_first = (
            Invoice.issue_date.desc().nullsfirst(),
            Invoice.sequence.desc(),
            Invoice.created_at.desc(),
        )
        return self.page(query, newest_first, limit, offset)

    def monthly_figures(self, cooperative_id: str, start: date, end: date):
        """({"YYYY-MM": invoiced less credited, VAT included}, {"YYYY-MM": received}) of the
        documents issued and the payments valued from `start` to `end` (excluded), summed per
        day by the database and per month here (the same on PostgreSQL and SQLite)."""
        invoices = _sum(sa.case((Invoice.kind == DocumentKind.INVOICE, Invoice.total_incl_vat), else_=0))
        credited = _sum(sa.case((Invoice.kind == DocumentKind.CREDIT_NOTE, Invoice.total_incl_vat), else_=0))
        invoiced_days = self.session.execute(
            sa.select(Invoice.issue_date, invoices, credited)
            .where(
                Invoice.cooperative_id == cooperative_id,
                Invoice.issue_date.is_not(None),
                Invoice.issue_date >= start,
                Invoice.issue_date < end,
                Invoice.number.is_not(None),  # issued (a draft has no number)
            )
            .group_by(Invoice.issue_date)
        ).all()
        received_days = self.session.execute(
            sa.select(Payment.value_date, _sum(Payment.amount))
            .where(
                Payment.cooperative_id == cooperative_id,
                Payment.value_date >= start,
                Payment.value_date < end,
            )
            .group_by(Payment.value_date)
        ).all()

        invoiced: dict[str, Money] = defaultdict(Money.zero)
        for day, issued, credit_notes in invoiced_days:
            invoiced[day.isoformat()[:7]] += issued - credit_notes
        received: dict[str, Money] = defaultdict(Money.zero)
        for day, amount in received_days:
            received[day.isoformat()[:7]] += amount
        return dict(invoiced), dict(received)

    def take_number(self, cooperative_id: str, kind: str, year: int, issue_date: date) -> int | None:
        """The next sequence of the series, taken in one statement that creates the series if
        missing, and locks its row until the transaction ends (gapless: a rollback gives the
        number back). None, taking nothing, when `issue_date` is before the date of the series'
        last number (chronology, domain/numbering.py): `last_issue_date` tells which.
        One round trip instead of three (issue 18)."""
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        table = NumberSeries.__table__
        statement = insert(table).values(
            cooperative_id=cooperative_id, kind=kind, year=year, next_sequence=2, last_issue_date=issue_date
        )
        taken = self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.cooperative_id, table.c.kind, table.c.year],
                set_={"next_sequence": table.c.next_sequence + 1, "last_issue_date": issue_date},
                where=sa.or_(table.c.last_issue_date.is_(None), table.c.last_issue_date <= issue_date),
            ).returning(table.c.next_sequence)
        ).scalar()
        return None if taken is None else taken - 1

    def last_issue_date(self, cooperative_id: str, kind: str, year: int) -> date | None:
        return self.session.scalar(
            sa.select(NumberSeries.last_issue_date).where(
                NumberSeries.cooperative_id == cooperative_id,
                NumberSeries.kind == kind,
                NumberSeries.year == year,
            )
        )

    def receivables(self, invoice_ids) -> dict[str, Receivable]:
        """{invoice id: (total incl. VAT, paid, credited)} of these invoices, in one query: the
        figures the receivable rule (domain/receivables.py) reads, for one invoice or a page."""
        ids = list(dict.fromkeys(invoice_ids))
        if not ids:
            return {}
        paid = (
            sa.select(PaymentAllocation.invoice_id, sa.func.sum(PaymentAllocation.amount).label("paid"))
            .where(PaymentAllocation.invoice_id.in_(ids))
            .group_by(PaymentAllocation.invoice_id)
            .subquery()
        )
        credited = (
            sa.select(
                CreditNote.credited_invoice_id.label("invoice_id"),
                sa.func.sum(CreditNote.total_incl_vat).label("credited"),
            )
            .where(CreditNote.credited_invoice_id.in_(ids), CreditNote.kind == DocumentKind.CREDIT_NOTE)
            .group_by(CreditNote.credited_invoice_id)
            .subquery()
        )
        rows = self.session.execute(
            sa.select(Invoice.id, Invoice.total_incl_vat, _money(paid.c.paid), _money(credited.c.credited))
            .outerjoin(paid, paid.c.invoice_id == Invoice.id)
            .outerjoin(credited, credited.c.invoice_id == Invoice.id)
            .where(Invoice.id.in_(ids))
        ).all()
        return {row[0]: Receivable(row[1], row[2], row[3]) for row in rows}

    def receivable(self, invoice: Invoice) -> Receivable:
        """(total incl. VAT, paid, credited) of one invoice (`receivables`)."""
        return self.receivables([invoice.id])[invoice.id]

    def revenue_booked(self, invoice_id: str) -> Money:
        """Revenue (excl. VAT) booked so far on the payments of one invoice."""
        return self.session.scalar(
            sa.select(_sum(PaymentAllocation.revenue)).where(PaymentAllocation.invoice_id == invoice_id)
        )

    def revenues_booked(self, invoice_ids) -> dict[str, Money]:
        """{invoice id: revenue (excl. VAT) booked so far on its payments} of these invoices."""
        ids = list(dict.fromkeys(invoice_ids))
        if not ids:
            return {}
        rows = self.session.execute(
            sa.select(PaymentAllocation.invoice_id, _sum(PaymentAllocation.revenue))
            .where(PaymentAllocation.invoice_id.in_(ids))
            .group_by(PaymentAllocation.invoice_id)
        ).all()
        return {invoice_id: revenue for invoice_id, revenue in rows}

    def credit_notes_of(self, invoice_ids) -> dict[str, list[Invoice]]:
        """{invoice id: its credit notes in number order} of these invoices, in one query."""
        ids = list(dict.fromkeys(invoice_ids))
        found = defaultdict(list)
        if ids:
            notes = self.session.scalars(
                sa.select(Invoice)
                .where(Invoice.credited_invoice_id.in_(ids), Invoice.kind == DocumentKind.CREDIT_NOTE)
                .order_by(Invoice.sequence)
            ).all()
            for note in notes:
                found[note.credited_invoice_id].append(note)
        return found

    def credited_quantities(self, invoice_id: str) -> dict[str, Decimal]:
        """{line id of the invoice: quantity its credit notes took back so far}."""
        rows = self.session.execute(
            sa.select(InvoiceLine.credited_line_id, sa.func.sum(InvoiceLine.quantity))
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(Invoice.credited_invoice_id == invoice_id, Invoice.kind == DocumentKind.CREDIT_NOTE)
            .group_by(InvoiceLine.credited_line_id)
        ).all()
        return {line_id: Decimal(quantity) for line_id, quantity in rows}

    def open_invoices_of_customers(self, cooperative_id: str, customer_ids) -> list[Invoice]:
        """Issued invoices of these customers still waiting for money."""
        return self.session.scalars(
            sa.select(Invoice).where(
                Invoice.cooperative_id == cooperative_id,
                Invoice.kind == DocumentKind.INVOICE,
                Invoice.status.in_(OPEN),
                Invoice.customer_id.in_(customer_ids),
            )
        ).all()

    # Overdue reminders

    def overdue_candidates(self, on: date, cooperative_id: str | None = None) -> list[str]:
        """Ids of open invoices due before `on`, earliest due first (all cooperatives if None)."""
        query = sa.select(Invoice.id).where(
            Invoice.kind == DocumentKind.INVOICE, Invoice.status.in_(OPEN), Invoice.due_date < on
        )
        if cooperative_id:
            query = query.where(Invoice.cooperative_id == cooperative_id)
        return list(self.session.scalars(query.order_by(Invoice.due_date)).all())

    def reminder_levels_sent(self, invoice_id: str) -> set[int]:
        return set(
            self.session.scalars(sa.select(OverdueNotice.level).where(OverdueNotice.invoice_id == invoice_id))
        )

    def reminders_sent(self, invoice_id: str) -> dict[int, date]:
        """{level: the day it was noticed} of the reminders already sent for an invoice."""
        rows = self.session.execute(
            sa.select(OverdueNotice.level, OverdueNotice.noticed_on).where(
                OverdueNotice.invoice_id == invoice_id
            )
        )
        return {level: noticed_on for level, noticed_on in rows}

    def billing_settings(self, cooperative_id: str, for_update: bool = False) -> BillingSettings | None:
        query = sa.select(BillingSettings).where(BillingSettings.cooperative_id == cooperative_id)
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    # Payments

    def payment(self, cooperative_id: str, payment_id, for_update=False) -> Payment:
        return self.one_of_cooperative(Payment, cooperative_id, payment_id, "payment", for_update)

    def payment_by_reference(self, cooperative_id: str, bank_reference: str) -> Payment | None:
        return self.session.scalars(
            sa.select(Payment).where(
                Payment.cooperative_id == cooperative_id, Payment.bank_reference == bank_reference
            )
        ).first()

    def applied_of(self, payment_id: str) -> Money:
        """What of one payment was applied to invoices so far."""
        return self.session.scalar(
            sa.select(_sum(PaymentAllocation.amount)).where(PaymentAllocation.payment_id == payment_id)
        )

    def unmatched_payments(self, cooperative_id: str, limit: int, offset: int):
        """([(payment, applied so far)] of payments with something left to apply; total)."""
        applied = (
            sa.select(PaymentAllocation.payment_id, sa.func.sum(PaymentAllocation.amount).label("applied"))
            .group_by(PaymentAllocation.payment_id)
            .subquery()
        )
        remaining = Payment.amount - sa.func.coalesce(applied.c.applied, 0)
        query = (
            sa.select(Payment, _money(applied.c.applied))
            .outerjoin(applied, applied.c.payment_id == Payment.id)
            .where(Payment.cooperative_id == cooperative_id, remaining > 0)
        )
        rows, total = self.page(query, (Payment.value_date, Payment.created_at), limit, offset, scalars=False)
        return [(payment, amount) for payment, amount in rows], total

    def customers_paying_from(self, cooperative_id: str, iban: str) -> list[str]:
        """Ids of the customers whose invoices received a payment from `iban` (known_payers:
        read by its primary key, whatever the number of payments booked)."""
        return self.known_payers_of(cooperative_id, [iban]).get(iban, [])

    def known_payers_of(self, cooperative_id: str, ibans) -> dict[str, list[str]]:
        """{iban: ids of the customers it paid} of these IBANs, a thousand IBANs a query."""
        names, found = [i for i in dict.fromkeys(ibans) if i], defaultdict(list)
        for start in range(0, len(names), 1000):
            rows = self.session.execute(
                sa.select(KnownPayer.iban, KnownPayer.customer_id).where(
                    KnownPayer.cooperative_id == cooperative_id,
                    KnownPayer.iban.in_(names[start : start + 1000]),
                )
            )
            for iban, customer_id in rows:
                found[iban].append(customer_id)
        return dict(found)

    def remember_payers(self, cooperative_id: str, pairs) -> None:
        """Record (iban, customer id) pairs as known payers; pairs known already are kept once."""
        rows = [
            {"cooperative_id": cooperative_id, "iban": iban, "customer_id": customer_id}
            for iban, customer_id in dict.fromkeys(pairs)
        ]
        if rows:
            dialect = self.session.get_bind().dialect.name
            insert = (postgresql if dialect == "postgresql" else sqlite).insert
            self.session.execute(insert(KnownPayer).on_conflict_do_nothing(), rows)

    def references_booked(self, cooperative_id: str, references) -> set[str]:
        """Which of these bank references a payment of the cooperative already carries."""
        names, found = list(dict.fromkeys(references)), set()
        for start in range(0, len(names), 1000):
            found.update(
                self.session.scalars(
                    sa.select(Payment.bank_reference).where(
                        Payment.cooperative_id == cooperative_id,
                        Payment.bank_reference.in_(names[start : start + 1000]),
                    )
                )
            )
        return found

    def booked_payments(self, cooperative_id: str, references) -> dict[str, tuple]:
        """{bank reference: (payment id, structured communication, invoice id of its first
        allocation or None)} of the payments of the cooperative carrying these references,
        a thousand references a query (a statement import's duplicates)."""
        names, found = list(dict.fromkeys(references)), {}
        first_invoice = (
            sa.select(PaymentAllocation.invoice_id)
            .where(PaymentAllocation.payment_id == Payment.id)
            .order_by(PaymentAllocation.created_at, PaymentAllocation.id)
            .limit(1)
            .scalar_subquery()
        )
        for start in range(0, len(names), 1000):
            rows = self.session.execute(
                sa.select(Payment.bank_reference, Payment.id, Payment.structured_communication, first_invoice)
                .where(
                    Payment.cooperative_id == cooperative_id,
                    Payment.bank_reference.in_(names[start : start + 1000]),
                )
                .execution_options(autoflush=False)
            )
            for reference, payment_id, digits, invoice_id in rows:
                found[reference] = (payment_id, digits, invoice_id)
        return found

    def insert_rows(self, model, rows: list[dict]) -> None:
        """Insert these rows of `model`'s table in one multi-row INSERT per thousand (Core, no
        ORM object: a statement import's payments, allocations and ledger entries)."""
        if rows:
            self.session.execute(sa.insert(model.__table__), rows)

    def invoices_by_communications(self, cooperative_id: str, communications) -> dict[str, Invoice]:
        """{structured communication: its invoice} of these communications, locked for the
        payments being applied (in id order, so two imports lock them without deadlock), a
        thousand a query: a statement's invoices are found set-wise, not one query a movement."""
        names, found = sorted(set(communications)), {}
        for start in range(0, len(names), 1000):
            invoices = self.session.scalars(
                sa.select(Invoice)
                .where(
                    Invoice.cooperative_id == cooperative_id,
                    Invoice.structured_communication.in_(names[start : start + 1000]),
                    Invoice.kind == DocumentKind.INVOICE,
                )
                .order_by(Invoice.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            for invoice in invoices:
                found.setdefault(invoice.structured_communication, invoice)
        return found

    # Bank statements

    def statement_by_digest(self, cooperative_id: str, digest: str) -> BankStatement | None:
        return self.session.scalars(
            sa.select(BankStatement).where(
                BankStatement.cooperative_id == cooperative_id, BankStatement.content_sha256 == digest
            )
        ).first()

    def latest_statement(self, cooperative_id: str, account_iban: str | None) -> BankStatement | None:
        """The statement of that account imported last, by closing date."""
        return self.session.scalars(
            sa.select(BankStatement)
            .where(
                BankStatement.cooperative_id == cooperative_id,
                BankStatement.account_iban == account_iban,
            )
            .order_by(BankStatement.closing_date.desc(), BankStatement.imported_at.desc())
            .limit(1)
        ).first()

    def statement_files(self, cooperative_id: str, first: date, last: date) -> list[BankStatementFile]:
        """The files as received of the statements closing between `first` and `last` (or,
        without a closing date, imported then), in closing order."""
        day = sa.func.coalesce(BankStatement.closing_date, sa.func.date(BankStatement.imported_at))
        return list(
            self.session.scalars(
                sa.select(BankStatementFile)
                .join(BankStatement, BankStatementFile.statement_id == BankStatement.id)
                .where(BankStatementFile.cooperative_id == cooperative_id, day >= first, day <= last)
                .order_by(day, BankStatement.number)
            )
        )

    def keep_statement_file(self, row: BankStatementFile, content: bytes) -> None:
        """Add a statement file with its bytes compressed in pieces, one INSERT a piece (a
        single multi-row INSERT would be the one big query the pieces avoid)."""
        self.add(row)
        self.flush()
        table = BankStatementFilePiece.__table__
        for position, piece in enumerate(bank_statements.file_pieces(content)):
            self.session.execute(sa.insert(table).values(file_id=row.id, position=position, data=piece))

    def statement_file_content(self, row: BankStatementFile) -> bytes:
        """A kept statement file's bytes as received, checked against its SHA-256."""
        if row.content is not None:  # kept whole, before migration 0010
            return row.content
        pieces = self.session.scalars(
            sa.select(BankStatementFilePiece.data)
            .where(BankStatementFilePiece.file_id == row.id)
            .order_by(BankStatementFilePiece.position)
        )
        return bank_statements.file_of_pieces(pieces, row.content_sha256)

    def statement_file(self, cooperative_id: str, statement_id: str) -> BankStatementFile:
        """One statement's file; another cooperative's answers NotFound like a missing one."""
        row = self.session.scalars(
            sa.select(BankStatementFile).where(
                BankStatementFile.cooperative_id == cooperative_id,
                BankStatementFile.statement_id == statement_id,
            )
        ).first()
        if row is None:
            raise NotFound(f"No bank statement file '{statement_id}'.")
        return row

    # Ledger and expenses

    def ledger_transaction_exists(self, cooperative_id: str, source: str, source_id: str) -> bool:
        return (
            self.session.scalar(
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

    def add_to_balances(self, cooperative_id: str, changes: dict[str, Money]) -> dict[str, Money]:
        """Add each change to its account's running balance (a row created at the first posting)
        and return the new balances. Rows are taken in account order, so two transactions
        booking on the same accounts wait for each other instead of deadlocking; the row stays
        locked until the commit, so the balance read back is this transaction's own."""
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        balances = {}
        for account in sorted(changes):
            statement = insert(LedgerBalance).values(
                cooperative_id=cooperative_id, account=account, balance=changes[account]
            )
            statement = statement.on_conflict_do_update(
                index_elements=[LedgerBalance.cooperative_id, LedgerBalance.account],
                set_={"balance": LedgerBalance.balance + statement.excluded.balance},
            ).returning(LedgerBalance.balance)
            balances[account] = self.session.scalar(statement)
        return balances

    def stored_balances(self, cooperative_id: str, accounts, booked_only: bool = False) -> dict[str, Money]:
        """{account: running balance} of these accounts (zero for an account never booked, or
        absent with `booked_only`)."""
        names = list(dict.fromkeys(accounts))
        found = {} if booked_only else {name: Money.zero() for name in names}
        for start in range(0, len(names), 1000):
            rows = self.session.execute(
                sa.select(LedgerBalance.account, LedgerBalance.balance).where(
                    LedgerBalance.cooperative_id == cooperative_id,
                    LedgerBalance.account.in_(names[start : start + 1000]),
                )
            )
            found.update({account: balance for account, balance in rows})
        return found

    def sum_after(self, cooperative_id: str, account: str, day: date) -> Money:
        """The sum of the account's postings dated after `day` (the balance on `day` is the
        running balance less this)."""
        return self.session.scalar(
            sa.select(_sum(LedgerPosting.amount)).where(
                LedgerPosting.cooperative_id == cooperative_id,
                LedgerPosting.account == account,
                LedgerPosting.entry_date > day,
            )
        )

    def entries_newest_first(
        self, cooperative_id: str, account: str, date_from, date_to, limit: int, offset: int
    ) -> list:
        """Up to `limit` entries of one account between `date_from` and `date_to` (both optional),
        newest first, after skipping the `offset` newest: (entry_date, kind, amount, reference,
        id) rows. The index (account, entry_date, id) serves the order, so a page costs what it
        holds and skips, not the account's whole history."""
        query = (
            sa.select(
                LedgerPosting.entry_date,
                LedgerPosting.kind,
                LedgerPosting.amount,
                LedgerTransaction.reference,
                LedgerTransaction.id,
            )
            .join(LedgerTransaction, LedgerTransaction.id == LedgerPosting.transaction_id)
            .where(LedgerPosting.account == account, LedgerPosting.cooperative_id == cooperative_id)
        )
        if date_from:
            query = query.where(LedgerPosting.entry_date >= date_from)
        if date_to:
            query = query.where(LedgerPosting.entry_date <= date_to)
        order = (LedgerPosting.entry_date.desc(), LedgerPosting.id.desc())
        return self.session.execute(query.order_by(*order).limit(limit).offset(offset)).all()

    def sum_of_newest(self, cooperative_id: str, account: str, date_from, date_to, count: int) -> Money:
        """The sum of the `count` newest entries of the account in the range (the pages before
        the one asked for)."""
        if count <= 0:
            return Money.zero()
        newest = sa.select(LedgerPosting.amount).where(
            LedgerPosting.account == account, LedgerPosting.cooperative_id == cooperative_id
        )
        if date_from:
            newest = newest.where(LedgerPosting.entry_date >= date_from)
        if date_to:
            newest = newest.where(LedgerPosting.entry_date <= date_to)
        newest = newest.order_by(LedgerPosting.entry_date.desc(), LedgerPosting.id.desc()).limit(count)
        return self.session.scalar(sa.select(_sum(newest.subquery().c.amount)))

    # Rendered documents

    def invoice_pdf(self, invoice_id: str) -> InvoicePdf | None:
        return self.session.get(InvoicePdf, invoice_id)

    def keep_invoice_pdf(self, invoice_id: str, content: bytes, epc_qr_payload: str | None) -> None:
        """Store the first rendering of an issued document; a rendering stored meanwhile by
        another worker (two e-mails of one invoice read at once) is kept, this one dropped."""
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        self.session.execute(
            insert(InvoicePdf)
            .values(
                invoice_id=invoice_id, content=content, epc_qr_payload=epc_qr_payload, rendered_at=utcnow()
            )
            .on_conflict_do_nothing()
        )

    # Peppol delivery (docs/adr/011-peppol-delivery.md)

    def peppol_settings(self, cooperative_id: str) -> PeppolSettings | None:
        return self.session.get(PeppolSettings, cooperative_id, populate_existing=True)

    def peppol_configured(self) -> list[PeppolSettings]:
        """Every cooperative's Peppol settings (the inbox timer works for all of them)."""
        return list(self.session.scalars(sa.select(PeppolSettings)).all())

    def deliveries_of(self, invoice_ids) -> dict[str, InvoiceDelivery]:
        """{invoice id: its delivery} of these documents, in one query."""
        ids = list(dict.fromkeys(invoice_ids))
        if not ids:
            return {}
        rows = self.session.scalars(sa.select(InvoiceDelivery).where(InvoiceDelivery.invoice_id.in_(ids)))
        return {row.invoice_id: row for row in rows}

    def lease_due_deliveries(self, now, lease_seconds: int, limit: int, only=None) -> list[str]:
        """Take up to `limit` deliveries due now (to send, or a sent one's status to ask) for this
        worker; rows another worker holds (row lock or unexpired lease) are skipped, so billing
        replicas never send one delivery together."""
        query = (
            sa.select(InvoiceDelivery.invoice_id)
            .where(
                InvoiceDelivery.status.in_(("queued", "sent")),
                InvoiceDelivery.next_attempt_at <= now,
                sa.or_(InvoiceDelivery.lease_until.is_(None), InvoiceDelivery.lease_until < now),
            )
            .order_by(InvoiceDelivery.next_attempt_at)
            .limit(limit)
        )
        if only is not None:
            query = query.where(InvoiceDelivery.invoice_id.in_(list(only)))
        ids = list(self.session.scalars(query.with_for_update(skip_locked=True)).all())
        if ids:
            self.session.execute(
                sa.update(InvoiceDelivery)
                .where(InvoiceDelivery.invoice_id.in_(ids))
                .values(lease_until=now + timedelta(seconds=lease_seconds))
            )
        return ids

    def delivery_status_locked(self, invoice_id: str) -> str:
        """The delivery's status as committed, its row locked until this transaction ends
        (what this worker changed so far is written first): the check before an outcome is
        recorded, since a send that outlasted its lease may have been sent and recorded by
        another replica meanwhile."""
        self.session.flush()
        return self.session.execute(
            sa.select(InvoiceDelivery.status)
            .where(InvoiceDelivery.invoice_id == invoice_id)
            .with_for_update()
        ).scalar_one()

    def leased_delivery(self, invoice_id: str) -> InvoiceDelivery | None:
        """A delivery this worker leased, read afresh, whatever its cooperative."""
        return self.session.get(InvoiceDelivery, invoice_id, populate_existing=True)

    def invoice_by_id(self, invoice_id: str) -> Invoice | None:
        """An invoice by id alone (the delivery worker serves every cooperative)."""
        return self.session.get(Invoice, invoice_id)

    # Purchase documents received over Peppol

    def purchase(self, cooperative_id: str, document_id, for_update=False) -> PurchaseDocument:
        return self.one_of_cooperative(
            PurchaseDocument, cooperative_id, document_id, "purchase document", for_update
        )

    def purchase_by_digest(self, cooperative_id: str, digest: str) -> PurchaseDocument | None:
        return self.session.scalars(
            sa.select(PurchaseDocument).where(
                PurchaseDocument.cooperative_id == cooperative_id, PurchaseDocument.content_sha256 == digest
            )
        ).first()

    def purchases_page(self, cooperative_id: str, filters: dict, limit: int, offset: int):
        """(purchase documents of this page, oldest received first; total); `filters`: status."""
        query = sa.select(PurchaseDocument).where(PurchaseDocument.cooperative_id == cooperative_id)
        if filters.get("status"):
            query = query.where(PurchaseDocument.status == filters["status"])
        return self.page(query, (PurchaseDocument.received_at, PurchaseDocument.id), limit, offset)
