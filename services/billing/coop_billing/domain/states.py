"""The states billing compares in code. Values are the strings on the wire and in the tables
(`invoices.status`, `invoices.kind`, the `status` of a recorded payment), unchanged."""

from enum import StrEnum


class InvoiceStatus(StrEnum):
    """draft → issued → partially_paid → paid; credited when credit notes cover what is due
    (the rule is `domain/receivables.py`)."""

    DRAFT = "draft"
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CREDITED = "credited"


OPEN = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)  # still waiting for money


class DocumentKind(StrEnum):
    """An invoice, or the credit note correcting one (both live in `invoices`)."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class MatchOutcome(StrEnum):
    """What became of a recorded payment (`status` of `record_payment`'s answer)."""

    MATCHED = "matched"  # applied, whole or in part, to an invoice
    UNMATCHED = "unmatched"  # no invoice found: left for staff
    PARTIALLY_MATCHED = "partially_matched"  # some applied, the rest waits for staff
    DUPLICATE = "duplicate"  # that bank reference was recorded before: nothing booked
