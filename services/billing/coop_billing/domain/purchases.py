"""Documents suppliers send the cooperative over Peppol (docs/domain/e-invoicing.md,
"Receiving").

Each received document is kept, valid or not: an invoice that fails the Peppol rules is still
a document the cooperative received and may have to answer. It waits for staff, who assign it
to the activity it was bought for; the amount excluding VAT is then an expense of that activity
and the VAT stays on the record for the books (deductible input VAT, art. 45 VAT Code). An
invalid one is assigned only once a staff member has looked at its findings and accepted it.
"""

from __future__ import annotations

from enum import StrEnum


class PurchaseStatus(StrEnum):
    """invalid → (accepted by staff) waiting → assigned."""

    WAITING = "waiting"  # valid, waiting for an activity
    INVALID = "invalid"  # failed the validator: kept with its findings
    ASSIGNED = "assigned"  # booked as an expense of an activity


class NotAssignable(Exception):
    pass


def check_assignable(status: str, has_amounts: bool) -> None:
    """Raise NotAssignable naming why the document cannot become an expense now."""
    if status == PurchaseStatus.INVALID:
        raise NotAssignable(
            "This document failed the Peppol rules: a staff member must accept it (accept_purchase_document) "
            "before it is booked."
        )
    if not has_amounts:
        raise NotAssignable("No amounts could be read from this document: it cannot be booked.")
