"""The receivable rule (coop_billing.domain.receivables): amount due and status of an invoice."""

import pytest

from coop_billing.domain.receivables import Receivable
from coop_billing.domain.states import InvoiceStatus
from coop_shared.money import Money

TOTAL = Money.of("1180.01")


@pytest.mark.parametrize(
    ("paid", "credited", "amount_due", "status"),
    [
        ("0.00", "0.00", "1180.01", InvoiceStatus.ISSUED),
        ("500.00", "0.00", "680.01", InvoiceStatus.PARTIALLY_PAID),
        ("1180.01", "0.00", "0.00", InvoiceStatus.PAID),
        ("0.00", "212.01", "968.00", InvoiceStatus.ISSUED),  # a partial credit note: still due
        ("500.00", "212.01", "468.00", InvoiceStatus.PARTIALLY_PAID),
        ("0.00", "1180.01", "0.00", InvoiceStatus.CREDITED),
        ("500.00", "680.01", "0.00", InvoiceStatus.CREDITED),  # credit note of what was left
        ("968.00", "212.01", "0.00", InvoiceStatus.CREDITED),  # paid after a credit note
        ("1200.00", "0.00", "0.00", InvoiceStatus.PAID),  # never a negative amount due
    ],
)
def test_amount_due_and_status(paid, credited, amount_due, status):
    receivable = Receivable(TOTAL, Money.of(paid), Money.of(credited))
    assert str(receivable.amount_due) == amount_due
    assert receivable.status == status


def test_states_keep_their_wire_values():
    assert [s.value for s in InvoiceStatus] == ["draft", "issued", "partially_paid", "paid", "credited"]
    assert InvoiceStatus.PARTIALLY_PAID == "partially_paid"
