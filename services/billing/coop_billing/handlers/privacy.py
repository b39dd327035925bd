"""billing's part of a person's data: their export (GDPR art. 15), the retention of invoices,
payments and expenses (ten years: VAT Code art. 60 §3, Code of economic law art. III.86) and
erasure on request (art. 17), which keeps what the law keeps (docs/domain/retention.md,
docs/adr/018-access-retention-erasure.md)."""

from __future__ import annotations

from datetime import date, timedelta

from coop_billing.domain.ledger import activity_account
from coop_billing.domain.states import InvoiceStatus
from coop_billing.orm import (
    Customer,
    CustomerChange,
    Expense,
    Invoice,
    InvoiceDelivery,
    LedgerPosting,
    LedgerTransaction,
    Payment,
    PaymentAllocation,
    PurchaseDocument,
)
from coop_shared import retention, retention_runs
from coop_shared.credentials import ADMIN, SERVICE, acting_cooperative, require_role
from coop_shared.retention import ERASED, Category, is_past, kept_until, pseudonym
from coop_shared.storage.export import row_out

KEEP_IN_SNAPSHOTS = ("country", "language", "kind", "vat_regime")
INVOICES_KEPT = "invoices must be kept 10 years: VAT Code art. 60 §3 and Code of economic law art. III.86"


def export_person_data(uow, identity, data: dict) -> dict:
    """The member's invoices and credit notes with their lines, the customers on them, the
    payments applied to them, their deliveries, the ledger of their activities, their expenses
    and the supplier documents assigned to their activities."""
    require_role(identity, ADMIN, SERVICE)
    cooperative_id = acting_cooperative(identity)
    member_id, activity_ids = str(data["member_id"]), [str(a) for a in data["activity_ids"]]
    invoices = uow.repo.rows_with(Invoice, "member_id", [member_id], cooperative_id)
    invoice_ids = [i.id for i in invoices]
    allocations = uow.repo.rows_with(PaymentAllocation, "invoice_id", invoice_ids)
    payments = uow.repo.rows_with(Payment, "id", {a.payment_id for a in allocations}, cooperative_id)
    accounts = [activity_account(a) for a in activity_ids]
    postings = uow.repo.rows_with(LedgerPosting, "account", accounts, cooperative_id)
    transactions = uow.repo.rows_with(LedgerTransaction, "id", {p.transaction_id for p in postings})
    return {
        "invoices": [
            dict(row_out(i), lines=[row_out(line) for line in i.lines])
            for i in sorted(invoices, key=_by_date)
        ],
        "customers": [
            row_out(c)
            for c in uow.repo.rows_with(Customer, "id", {i.customer_id for i in invoices}, cooperative_id)
        ],
        "payments": [
            dict(row_out(p), allocations=[row_out(a) for a in allocations if a.payment_id == p.id])
            for p in payments
        ],
        "deliveries": [row_out(d) for d in uow.repo.rows_with(InvoiceDelivery, "invoice_id", invoice_ids)],
        "ledger": [
            dict(row_out(t), postings=[row_out(p) for p in postings if p.transaction_id == t.id])
            for t in sorted(transactions, key=lambda t: t.entry_date)
        ],
        "expenses": [
            row_out(e) for e in uow.repo.rows_with(Expense, "activity_id", activity_ids, cooperative_id)
        ],
        "purchase_documents": [
            row_out(d, exclude=("ubl", "pdf"))
            for d in uow.repo.rows_with(PurchaseDocument, "activity_id", activity_ids, cooperative_id)
        ],
    }


def _by_date(invoice: Invoice):
    return (invoice.issue_date or date.max, invoice.created_at)


# Retention


def _erase_invoice(uow, invoice: Invoice) -> None:
    invoice.buyer = retention.erased_snapshot(invoice.buyer, KEEP_IN_SNAPSHOTS)
    invoice.activity = retention.erased_snapshot(invoice.activity, KEEP_IN_SNAPSHOTS)
    invoice.buyer_reference = invoice.reason = None
    for line in invoice.lines:
        line.description = ERASED
    for delivery in uow.repo.rows_with(InvoiceDelivery, "invoice_id", [invoice.id]):
        delivery.receiver = delivery.reason = delivery.last_error = None


def _is_erased(invoice: Invoice) -> bool:
    return all(line.description == ERASED for line in invoice.lines)


def _pseudonymise_customer(uow, customer: Customer) -> None:
    customer.name = pseudonym(customer.id)
    customer.email = customer.vat_number = customer.enterprise_number = customer.peppol_id = None
    customer.address = retention.erased_snapshot(customer.address, KEEP_IN_SNAPSHOTS)
    # the history of rectified fields holds the old values (sealed, still the person's data)
    uow.repo.delete_rows_with(CustomerChange, "customer_id", [customer.id])


def apply_retention(uow, today: date, dry_run: bool, cooperative_id: str | None = None) -> dict:
    """Invoices, payments, expenses and supplier documents past ten years lose the persons they
    name (the amounts and numbers stay: nothing obliges their deletion and the numbering must
    stay continuous); customers with nothing left in the period are pseudonymised."""
    report = retention.report("billing", today, dry_run)
    if cooperative_id is None:
        retention_runs.purge_messaging(uow, report, today, dry_run)
    last = retention.latest_past_reference(Category.INVOICES, today)
    for invoice in uow.repo.rows_dated_until(Invoice, "issue_date", last, cooperative_id):
        if is_past(Category.INVOICES, invoice.issue_date, today) and not _is_erased(invoice):
            report.add(Category.INVOICES, "invoices", 1)
            if not dry_run:
                _erase_invoice(uow, invoice)
    for payment in uow.repo.rows_dated_until(Payment, "value_date", last, cooperative_id):
        if is_past(Category.INVOICES, payment.value_date, today) and payment.counterparty_name != ERASED:
            report.add(Category.INVOICES, "payments", 1)
            if not dry_run:
                payment.counterparty_name, payment.counterparty_iban, payment.communication = (
                    ERASED,
                    None,
                    None,
                )
    for expense in uow.repo.rows_dated_until(Expense, "date", last, cooperative_id):
        if is_past(Category.INVOICES, expense.date, today) and expense.supplier != ERASED:
            report.add(Category.INVOICES, "expenses", 1)
            if not dry_run:
                expense.supplier, expense.description = ERASED, ERASED
    for ledger in uow.repo.rows_dated_until(LedgerTransaction, "entry_date", last, cooperative_id):
        if is_past(Category.INVOICES, ledger.entry_date, today) and ledger.reference != ERASED:
            report.add(Category.INVOICES, "ledger_transactions", 1)
            if not dry_run:
                ledger.reference = ERASED
    for document in uow.repo.rows_dated_until(
        PurchaseDocument, "received_at", retention_runs.start_of(last), cooperative_id
    ):
        if (
            is_past(Category.INVOICES, document.issue_date or document.received_at.date(), today)
            and document.ubl
        ):
            report.add(Category.INVOICES, "purchase_documents", 1)
            if not dry_run:
                document.ubl, document.pdf, document.supplier_name, document.findings = b"", None, ERASED, []
    created_until = retention_runs.first_instant_kept(Category.INVOICES, today) - timedelta(microseconds=1)
    for customer in uow.repo.rows_dated_until(Customer, "created_at", created_until, cooperative_id):
        invoices = uow.repo.rows_with(Invoice, "customer_id", [customer.id])
        if customer.name != pseudonym(customer.id) and all(
            i.issue_date and is_past(Category.INVOICES, i.issue_date, today) for i in invoices
        ):
            report.add(Category.INVOICES, "customers", 1)
            if not dry_run:
                _pseudonymise_customer(uow, customer)
    return report.as_dict()


retention_timer, run_retention = retention_runs.handlers_for(apply_retention)


# Erasure on request


def erase_person_data(uow, identity, data: dict, today: date) -> dict:
    """Drafts (no legal document yet) go now; issued invoices and credit notes, their payments
    and the activity's ledger are kept until their period ends, unless it already has."""
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    invoices = uow.repo.rows_with(Invoice, "member_id", [str(data["member_id"])], cooperative_id)
    drafts = [i for i in invoices if i.status == InvoiceStatus.DRAFT]
    issued = [i for i in invoices if i.issue_date is not None and i.status != InvoiceStatus.DRAFT]
    past = [i for i in issued if is_past(Category.INVOICES, i.issue_date, today)]
    kept_rows = [i for i in issued if i not in past]
    if not data.get("dry_run"):
        for draft in drafts:
            uow.repo.delete(draft)
        for invoice in past:
            _erase_invoice(uow, invoice)
    erased = [
        {"service": "billing", "category": "draft_invoices", "count": len(drafts)},
        {"service": "billing", "category": str(Category.INVOICES), "count": len(past)},
    ]
    kept = []
    if kept_rows:
        until = max(kept_until(Category.INVOICES, i.issue_date) for i in kept_rows)
        kept.append(
            {
                "service": "billing",
                "category": str(Category.INVOICES),
                "count": len(kept_rows),
                "until": until.isoformat(),
                "reason": INVOICES_KEPT,
            }
        )
    return {"service": "billing", "erased": [e for e in erased if e["count"]], "kept": kept}
