"""A statement's credits booked in chunks of Core inserts (handlers/statement_booking.py) book
what `record_payment` books one payment at a time: the same allocations to the cent, the same
ledger postings and running balance, each movement once across the chunk boundaries, and the
same figures as `ledger.revenue_share` and `ledger.contribution_on` for any amounts."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from coop_billing.domain import ledger
from coop_billing.handlers import customers, payments, statement_booking, statements
from coop_billing.orm import Base, LedgerBalance, LedgerPosting, Payment, PaymentAllocation
from coop_billing.repository import BillingRepository
from coop_billing.schemas import CreateCustomerSchema, RecordPaymentSchema
from coop_cli.statement_files import Line
from coop_cli.statement_files import coda as coda_file
from coop_shared.money import Money
from tests.unit.fake_uow import FakeUnitOfWork
from tests.unit.test_billing_handlers import ADMIN, CUSTOMER, issued
from tests.unit.test_costs_that_do_not_grow import DIES_IBAN, PEETERS_IBAN, STRANGER_IBAN, TODAY

cents = st.integers(min_value=0, max_value=10**9).map(lambda n: Decimal(n).scaleb(-2))


@given(excl=cents, vat=cents, before=cents, now=cents, rate=st.sampled_from(["0", "0.08", "0.1", "0.125"]))
def test_the_decimal_figures_are_those_of_money(excl, vat, before, now, rate):
    incl = excl + vat
    assert (
        statement_booking.revenue_share(excl, incl, before, now)
        == ledger.revenue_share(Money(excl), Money(incl), Money(before), Money(now)).amount
    )
    assert (
        statement_booking.contribution_on(before, now, Decimal(rate))
        == ledger.contribution_on(Money(before), Money(now), Decimal(rate)).amount
    )


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=BillingRepository)


@pytest.fixture
def customer(uow):
    return customers.create_customer(uow, ADMIN, CreateCustomerSchema().load(CUSTOMER))


def digits(invoice: dict) -> str:
    return "".join(ch for ch in invoice["structured_communication"] if ch.isdigit())


def booked(uow) -> dict:
    session = uow.repo.session
    return {
        "payments": session.scalar(sa.select(sa.func.count()).select_from(Payment)),
        "references": session.scalar(sa.select(sa.func.count(sa.distinct(Payment.bank_reference)))),
        "allocations": sorted(
            (str(a), str(r), str(c))
            for a, r, c in session.execute(
                sa.select(PaymentAllocation.amount, PaymentAllocation.revenue, PaymentAllocation.contribution)
            )
        ),
        "postings": sorted(
            (account, kind, str(amount))
            for account, kind, amount in session.execute(
                sa.select(LedgerPosting.account, LedgerPosting.kind, LedgerPosting.amount)
            )
        ),
        "balances": dict(session.execute(sa.select(LedgerBalance.account, LedgerBalance.balance)).all()),
    }


def test_a_file_of_a_chunk_and_one_books_each_movement_once(uow, customer, monkeypatch):
    monkeypatch.setattr(statements, "CHUNK", 4)
    first, second = issued(uow, customer), issued(uow, customer)  # 1180.01 each
    lines = [
        Line(Decimal("500.00"), ogm=digits(first), iban=PEETERS_IBAN, reference="R1"),
        Line(Decimal("12.00"), text="divers", iban=STRANGER_IBAN, reference="R2"),
        Line(Decimal("700.00"), ogm=digits(first), iban=PEETERS_IBAN, reference="R3"),  # 19.99 over
        Line(Decimal("-40.00"), text="loyer", iban=STRANGER_IBAN, reference="R4"),
        Line(Decimal("12.00"), text="divers", iban=STRANGER_IBAN, reference="R2"),  # again, same chunk
        Line(Decimal("1180.01"), text="merci", iban=PEETERS_IBAN, reference="R6"),  # rule 2: the second
        Line(Decimal("500.00"), ogm=digits(first), iban=PEETERS_IBAN, reference="R1"),  # again, next chunk
    ]
    content = coda_file(DIES_IBAN, "DIES", 1, Decimal("0"), lines, TODAY).encode("latin-1")
    imported = statements.import_bank_statement(uow, ADMIN, {"format": "coda", "content": content})
    uow.commit()
    assert (imported["credits"], imported["matched"], imported["unmatched"], imported["duplicates"]) == (
        6,
        3,
        1,
        2,
    )
    by_reference = {}
    for line in imported["lines"]:
        by_reference.setdefault(line["reference"], set()).add(line["payment_id"])
    assert all(len(ids) == 1 for ids in by_reference.values())  # a duplicate names the first payment
    assert [line["invoice_id"] for line in imported["lines"]] == [
        first["id"],
        None,
        first["id"],
        None,
        second["id"],
        first["id"],
    ]
    figures = booked(uow)
    assert figures["payments"] == figures["references"] == 4
    assert [e["unallocated"] for e in uow.events_of("payment_unmatched")] == ["12.00", "19.99"]
    # the running balance is the sum of the activity's postings
    activity = {account for account, _, _ in figures["postings"] if account.startswith("activity:")}
    for account in activity:
        total = sum(Decimal(a) for acc, _, a in figures["postings"] if acc == account)
        assert figures["balances"][account] == Money(total)
    # the same file again books nothing more
    again = statements.import_bank_statement(uow, ADMIN, {"format": "coda", "content": content})
    uow.commit()
    assert again["duplicates"] == 6 and booked(uow) == figures


def test_a_statement_books_what_record_payment_books_one_payment_at_a_time(customer, uow, monkeypatch):
    monkeypatch.setattr(statements, "CHUNK", 3)
    single = FakeUnitOfWork(Base.metadata, repository=BillingRepository)
    other = customers.create_customer(single, ADMIN, CreateCustomerSchema().load(CUSTOMER))
    invoices = [issued(uow, customer) for _ in range(2)]
    for _ in range(2):
        issued(single, other)
    amounts = ["0.01", "333.33", "100.00", "0.07", "746.60", "5.00", "999.99", "0.01"]
    lines = [
        Line(Decimal(a), ogm=digits(invoices[n % 2]), iban=PEETERS_IBAN, reference=f"P{n}")
        for n, a in enumerate(amounts)
    ]
    content = coda_file(DIES_IBAN, "DIES", 1, Decimal("0"), lines, TODAY).encode("latin-1")
    statements.import_bank_statement(uow, ADMIN, {"format": "coda", "content": content})
    uow.commit()
    for n, amount in enumerate(amounts):
        payload = {
            "amount": amount,
            "value_date": TODAY.isoformat(),
            "bank_reference": f"{DIES_IBAN}/P{n}",
            "structured_communication": digits(invoices[n % 2]),
            "counterparty_iban": PEETERS_IBAN,
        }
        payments.record_payment(single, ADMIN, RecordPaymentSchema().load(payload))
        single.commit()
    assert booked(uow) == booked(single)
    kinds = ("activity_account_changed", "payment_received", "payment_unmatched")

    def shown(events):
        keep = ("change", "balance", "amount", "revenue", "contribution", "unallocated", "invoice_status")
        return [(kind, {k: v for k, v in payload.items() if k in keep}) for kind, _, payload in events]

    assert shown(e for e in uow.events if e[0] in kinds) == shown(e for e in single.events if e[0] in kinds)
