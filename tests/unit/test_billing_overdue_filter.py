"""`billing.list_invoices` with `overdue_on`: the invoices still open (issued or partly paid)
whose due date is before that day, as the console's "Overdue only" filter asks for them."""

from coop_billing.handlers import invoices
from coop_billing.schemas import ListInvoicesSchema
from tests.unit.test_billing_handlers import ADMIN, customer, draft, issued, pay, uow  # noqa: F401


def _numbers(uow, **filters):  # noqa: F811 (the fixture by its name)
    listed = invoices.list_invoices(uow, ADMIN, ListInvoicesSchema().load(filters))
    return sorted(i["number"] or "draft" for i in listed["items"]), listed["total"]


def test_only_open_invoices_due_before_the_day_are_overdue(uow, customer):  # noqa: F811
    partly, unpaid, paid = issued(uow, customer), issued(uow, customer), issued(uow, customer)
    draft(uow, customer)
    pay(uow, "100.00", "BANK-1", partly["structured_communication"])
    pay(uow, paid["amount_due"], "BANK-2", paid["structured_communication"])
    due = unpaid["due_date"]  # every one issued today is due on the same day
    assert _numbers(uow, overdue_on=due) == ([], 0)  # not yet late on its due date
    late = _numbers(uow, overdue_on="2027-01-31")
    assert late == (sorted([partly["number"], unpaid["number"]]), 2)
    assert _numbers(uow, overdue_on="2027-01-31", status="partially_paid") == ([partly["number"]], 1)
    assert _numbers(uow)[1] == 4  # without the filter, the paid one and the draft too
