"""Costs that must not grow with history (issue 18): the SQL statements of the hot paths are
counted with a SQLAlchemy listener on the fake unit of work (SQLite; the outbox is a list there,
so events are not counted). A count that grows with the entries, payments or movements already
booked fails here before it shows in a benchmark.

The budgets are today's counts: lowering one is welcome, raising one needs a reason.
"""

from contextlib import contextmanager
from decimal import Decimal

import pytest
import sqlalchemy as sa

from coop_billing.handlers import balances, customers, invoices, issuing, ledger, payments, statements
from coop_billing.orm import Base, LedgerBalance, LedgerPosting
from coop_billing.repository import BillingRepository
from coop_billing.schemas import (
    ActivityAccountSchema,
    CreateCustomerSchema,
    CreateInvoiceSchema,
    GetBalancesSchema,
    RecordExpenseSchema,
    RecordPaymentSchema,
)
from coop_cli.statement_files import Line
from coop_cli.statement_files import coda as coda_file
from coop_payroll.clients import BillingClient, MembersClient
from coop_shared.money import Money
from tests.unit.fake_uow import FakeUnitOfWork
from tests.unit.test_billing_handlers import ACTIVITY_ID, ADMIN, AMINA, BRUCOOP, CUSTOMER, TODAY, FakeMembers

# What one call may cost in SQL statements on SQLite (outbox rows excluded), whatever came
# before. SQLite inserts a transaction's five postings one by one, PostgreSQL in one statement:
# a payment is 14 statements here, 10 on PostgreSQL (it was 18 here before issue 18: the
# duplicate check and the invoice were read again, the balance summed, the payment re-read).
CREATE_INVOICE, ISSUE_INVOICE, RECORD_PAYMENT, ACCOUNT_PAGE = 3, 4, 14, 2
DIES_IBAN, PEETERS_IBAN, STRANGER_IBAN = "BE05068123456775", "BE71096123456769", "BE46735123456736"


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=BillingRepository)


@pytest.fixture
def customer(uow):
    return customers.create_customer(uow, ADMIN, CreateCustomerSchema().load(CUSTOMER))


@contextmanager
def counted(uow):
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(uow.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(uow.engine, "before_cursor_execute", count)


def invoice_payload(customer, price="800.00") -> dict:
    return CreateInvoiceSchema().load(
        {
            "activity_id": ACTIVITY_ID,
            "customer_id": customer["id"],
            "vat_regime": "standard",
            "lines": [
                {"description": "Livraisons", "quantity": "1", "unit_price": price, "vat_rate": "0.21"}
            ],
        }
    )


def create_and_issue(uow, customer, price="800.00") -> tuple[dict, int, int]:
    """The issued invoice, and the statements create_invoice and issue_invoice took."""
    with counted(uow) as created:
        draft = invoices.create_invoice(uow, ADMIN, FakeMembers(), invoice_payload(customer, price))
    with counted(uow) as issued:
        invoice = issuing.issue_invoice(uow, ADMIN, FakeMembers(), {"id": draft["id"]}, TODAY)
    uow.commit()
    return invoice, len(created), len(issued)


def pay(uow, invoice: dict, reference: str, amount="1.00") -> int:
    """Statements of one record_payment on `invoice`."""
    payload = RecordPaymentSchema().load(
        {
            "amount": amount,
            "value_date": "2026-11-10",
            "bank_reference": reference,
            "invoice_id": invoice["id"],
        }
    )
    with counted(uow) as seen:
        payments.record_payment(uow, ADMIN, payload)
    uow.commit()
    return len(seen)


def test_creating_and_issuing_the_twentieth_invoice_costs_what_the_second_did(uow, customer):
    costs = [create_and_issue(uow, customer)[1:] for _ in range(20)]
    assert costs[19] == costs[1]
    assert costs[19][0] <= CREATE_INVOICE and costs[19][1] <= ISSUE_INVOICE


def test_a_payment_costs_the_same_statements_on_a_long_history(uow, customer):
    invoice, _, _ = create_and_issue(uow, customer, price="100000.00")
    costs = [pay(uow, invoice, f"B-{n}") for n in range(40)]
    # the 40th payment on the same invoice and activity reads no more than the second
    assert costs[39] == costs[1] <= RECORD_PAYMENT


def test_the_running_balance_is_the_sum_of_the_postings(uow, customer):
    invoice, _, _ = create_and_issue(uow, customer, price="1000.00")
    for n in range(3):
        pay(uow, invoice, f"B-{n}", amount="121.00")
    ledger.record_expense(
        uow,
        ADMIN,
        FakeMembers(),
        RecordExpenseSchema().load(
            {
                "activity_id": ACTIVITY_ID,
                "date": "2026-11-12",
                "supplier": "Vélo SA",
                "description": "Pneus",
                "amount_excl_vat": "40.00",
                "vat_amount": "8.40",
            }
        ),
    )
    uow.commit()
    session = uow.repo.session
    stored = dict(session.execute(sa.select(LedgerBalance.account, LedgerBalance.balance)).all())
    summed = dict(
        session.execute(
            sa.select(LedgerPosting.account, sa.func.sum(LedgerPosting.amount)).group_by(
                LedgerPosting.account
            )
        ).all()
    )
    account = f"activity:{ACTIVITY_ID}"
    # 3 × 100.00 of revenue, less a 10 % contribution (30.00) and the 40.00 expense
    assert stored == {account: Money.of("230.00")}
    assert Money.of(str(summed[account])) == stored[account]


def account(uow, **query) -> dict:
    return ledger.get_activity_account(
        uow, ADMIN, FakeMembers(), ActivityAccountSchema().load({"activity_id": ACTIVITY_ID, **query})
    )


def test_a_page_of_the_account_costs_the_same_whatever_the_history(uow, customer):
    invoice, _, _ = create_and_issue(uow, customer, price="100000.00")
    for n in range(3):
        pay(uow, invoice, f"B-{n}", amount="12.10")
    with counted(uow) as short:
        account(uow, limit=2)
    for n in range(3, 60):
        pay(uow, invoice, f"B-{n}", amount="12.10")
    with counted(uow) as long:
        page = account(uow, limit=2)
    assert len(long) == len(short) <= ACCOUNT_PAGE
    # each payment of 12.10 books revenue 10.00 and a contribution of -1.00: 120 entries, 540.00
    assert (page["balance"], len(page["entries"]), page["page"]["more"]) == ("540.00", 2, True)
    assert [(e["amount"], e["balance_after"]) for e in page["entries"]] == [
        ("10.00", "541.00"),
        ("-1.00", "540.00"),
    ]
    assert page["opening_balance"] == "531.00"


def test_pages_follow_each_other_back_to_the_first_entry(uow, customer):
    invoice, _, _ = create_and_issue(uow, customer, price="100000.00")
    for n in range(5):
        pay(uow, invoice, f"B-{n}", amount="12.10")
    everything = account(uow)
    pages = [account(uow, limit=4, offset=offset) for offset in (0, 4, 8)]
    assert [len(p["entries"]) for p in pages] == [4, 4, 2]
    assert [p["page"]["more"] for p in pages] == [True, True, False]
    chained = [e for p in reversed(pages) for e in p["entries"]]
    assert chained == everything["entries"] and everything["opening_balance"] == "0.00"
    # a page opens with the balance the page before (older) closes with
    assert pages[1]["opening_balance"] == pages[2]["entries"][-1]["balance_after"] == "9.00"
    assert all(p["balance"] == "45.00" for p in pages)


def test_balances_of_many_activities_in_one_call_match_their_accounts(uow, customer):
    invoice, _, _ = create_and_issue(uow, customer, price="1000.00")
    pay(uow, invoice, "B-1", amount="605.00")
    stranger = "a0000000-0000-0000-0000-00000000000f"
    answer = balances.get_balances(
        uow, ADMIN, GetBalancesSchema().load({"activity_ids": [ACTIVITY_ID, stranger]})
    )
    assert answer["items"] == [
        {"activity_id": ACTIVITY_ID, "balance": account(uow)["balance"], "provisions": {}},
        {"activity_id": stranger, "balance": "0.00", "provisions": {}},
    ]
    assert account(uow)["balance"] == "450.00"
    # another cooperative's key sees nothing of Dies' activity
    other = balances.get_balances(uow, BRUCOOP, GetBalancesSchema().load({"activity_ids": [ACTIVITY_ID]}))
    assert other["items"] == [{"activity_id": ACTIVITY_ID, "balance": "0.00", "provisions": {}}]


def statement(invoice_digits: list[str], movements: int, number: int) -> bytes:
    """Half instalments of 1.00 with the invoices' communications, half credits of 2.00 from
    an IBAN that never paid anything."""
    lines = []
    for n in range(movements):
        if n % 2 == 0:
            lines.append(
                Line(Decimal("1.00"), ogm=invoice_digits[n % len(invoice_digits)], iban=PEETERS_IBAN)
            )
        else:
            lines.append(Line(Decimal("2.00"), text=f"divers {n}", iban=STRANGER_IBAN))
    return coda_file(DIES_IBAN, "DIES", number, Decimal("0"), lines, TODAY).encode("latin-1")


def import_counted(uow, content: bytes) -> tuple[dict, int]:
    with counted(uow) as seen:
        imported = statements.import_bank_statement(uow, ADMIN, {"format": "coda", "content": content})
    uow.commit()
    return imported, len(seen)


def test_a_statement_costs_the_same_per_movement_however_long_and_however_much_was_booked(uow, customer):
    digits = [
        "".join(
            ch
            for ch in create_and_issue(uow, customer, price="100000.00")[0]["structured_communication"]
            if ch.isdigit()
        )
        for _ in range(4)
    ]
    first, small = import_counted(uow, statement(digits, 20, 1))
    assert (first["matched"], first["unmatched"]) == (10, 10)
    second, large = import_counted(uow, statement(digits, 200, 2))
    assert (second["matched"], second["unmatched"]) == (100, 100)
    third, again = import_counted(uow, statement(digits, 20, 3))
    assert (third["matched"], third["unmatched"]) == (10, 10)
    # linear: ten times the movements, at most ten times the statements; and the 110 payments
    # booked before the third file make it cost no more than the first (the known-payer lookup
    # reads an indexed table, not the payments)
    assert large <= 10 * small and large <= 3 * 200  # under three statements a movement
    assert again <= small
    # booked a thousand movements a chunk (handlers/statement_booking.py): within one chunk,
    # ten times the movements cost no more statements
    assert large <= small


def test_payroll_asks_members_and_billing_once_per_thousand_items():
    class Proxy:
        def __init__(self):
            self.calls = []

        def get_members(self, data):
            self.calls.append(len(data["ids"]))
            return {"items": [{"id": i, "right_to_work": {"allowed": True}} for i in data["ids"]]}

        def get_balances(self, data):
            self.calls.append(len(data["activity_ids"]))
            return {
                "items": [
                    {"activity_id": i, "balance": "10.00", "provisions": {}} for i in data["activity_ids"]
                ]
            }

    ids = [f"id-{n}" for n in range(2500)]
    members, billing = Proxy(), Proxy()
    found = MembersClient(members, "dies").members_of(ids, TODAY)
    assert (len(found), members.calls) == (2500, [1000, 1000, 500])
    amounts = BillingClient(billing).balances_of(ids + ids[:10])  # an activity twice is asked once
    assert (len(amounts), billing.calls, amounts["id-7"]) == (
        2500,
        [1000, 1000, 500],
        (Money.of("10.00"), {}),
    )


def test_an_issued_invoice_is_rendered_once_and_read_back_the_same(uow, customer, monkeypatch):
    from coop_billing.handlers import rendering
    from coop_billing.render import pdf

    invoice, _, _ = create_and_issue(uow, customer)
    renders = []
    real = pdf.render
    monkeypatch.setattr(pdf, "render", lambda *args: renders.append(1) or real(*args))
    first = rendering.render_invoice(uow, ADMIN, {"invoice_id": invoice["id"], "format": "pdf"})
    uow.commit()
    with counted(uow) as seen:
        again = rendering.render_invoice(uow, ADMIN, {"invoice_id": invoice["id"], "format": "pdf"})
    ubl = rendering.render_invoice(uow, ADMIN, {"invoice_id": invoice["id"], "format": "ubl"})
    assert renders == [1] and again == first and first["content"][:8] == "JVBERi0x"  # "%PDF-1"
    assert len(seen) <= 3  # the invoice (with its lines) and the kept PDF: nothing recomputed
    assert ubl["content_type"] == "application/xml"


def test_billing_keeps_the_activities_it_read_and_still_refuses_whom_members_would(monkeypatch):
    from coop_billing import clients
    from coop_shared.credentials import Identity, Role
    from coop_shared.errors import NotFound
    from coop_shared.kept import Kept

    monkeypatch.setattr(clients, "ACTIVITIES", Kept(clients.ACTIVITY_SECONDS))
    activity = {
        "id": ACTIVITY_ID,
        "cooperative_id": ADMIN.cooperative_id,
        "member_id": "m-amina",
        "code": "A1",
    }

    class Members:
        asked = 0

        def get_activity(self, activity_id):
            Members.asked += 1
            if self.identity.cooperative_id != activity["cooperative_id"]:
                raise NotFound("no")
            if self.identity.role == Role.MEMBER and self.identity.member_id != activity["member_id"]:
                raise NotFound("no")
            return activity

    def read(identity):
        rpc = Members()
        rpc.identity = identity
        return clients.MembersClient(rpc, identity.cooperative, identity).activity(ACTIVITY_ID)

    assert read(ADMIN) == read(ADMIN) == activity and Members.asked == 1  # the second from the cache
    someone = Identity(
        role=Role.MEMBER, cooperative_id=ADMIN.cooperative_id, cooperative="dies", member_id="m-x"
    )
    for stranger in (BRUCOOP, someone):  # members is asked, and refuses, as without the cache
        with pytest.raises(NotFound):
            read(stranger)
    assert Members.asked == 3


def test_an_invoice_answered_without_reading_back_is_the_invoice_read_back(uow, customer):
    """create_invoice and issue_invoice answer from what they wrote (invoices.present_new):
    the answer must be what get_invoice reads back from the database afterwards."""
    draft = invoices.create_invoice(uow, ADMIN, FakeMembers(), invoice_payload(customer, price="250.00"))
    uow.commit()
    assert draft["amount_due"] is None and draft["delivery"] is None
    assert draft == invoices.get_invoice(uow, ADMIN, {"id": draft["id"]})
    issued = issuing.issue_invoice(uow, ADMIN, FakeMembers(), {"id": draft["id"]}, TODAY)
    uow.commit()
    assert issued["amount_due"] == "302.50" and issued["amount_paid"] == "0.00"
    assert issued["delivery"]["channel"] == "email"
    read_back = invoices.get_invoice(uow, ADMIN, {"id": draft["id"]})
    # SQLite gives moments back without their UTC offset (PostgreSQL keeps it): the same instant
    assert issued["delivery"]["queued_at"] == read_back["delivery"]["queued_at"] + "+00:00"
    for moment in ("queued_at", "updated_at"):
        issued["delivery"][moment] = read_back["delivery"][moment]
    assert issued == read_back


def test_billing_keeps_an_activitys_rate_until_members_announces_a_change():
    """A payment asks members for its activity's rate once per day and process; members'
    `contribution_rate_changed` broadcast (forget_rates) makes the next payment ask again, an
    answer under way when the change was announced is not kept, and a kept answer is served
    neither to another cooperative's key nor to a member's key."""
    from datetime import date

    from coop_billing import clients

    rates = iter(["0.1", "0.05", "0.05", "0.05", "0.05", "0.05"])

    class Members:
        asked: list[str] = []
        during = None  # what happens while members answers (an announcement overtaking it)

        def contribution_rate_on(self, data):
            Members.asked.append(data["on"])
            if Members.during:
                Members.during()
            return {"activity_id": data["activity_id"], "rate": next(rates), "source": "activity"}

    def rate(identity, on=date(2026, 4, 1)):
        client = clients.MembersClient(Members(), identity.cooperative, identity)
        return client.contribution_rate_on(ACTIVITY_ID, on)["rate"]

    assert rate(ADMIN) == "0.1"
    assert rate(ADMIN) == "0.1"  # the second payment was served by the process
    assert Members.asked == ["2026-04-01"]
    assert rate(ADMIN, date(2026, 4, 2)) == "0.05"  # another day is asked for
    assert rate(ADMIN) == "0.1"  # and the first day is still kept
    rate(BRUCOOP)
    rate(AMINA)
    assert len(Members.asked) == 4  # another cooperative's key and a member's key ask members
    clients.forget_rates(ACTIVITY_ID)
    Members.during = lambda: clients.forget_rates(ACTIVITY_ID)
    assert rate(ADMIN) == "0.05"
    Members.during = None
    assert rate(ADMIN) == "0.05"
    assert len(Members.asked) == 6  # the answer overtaken by an announcement was not kept


def test_billing_keeps_a_cooperative_until_members_announces_a_change(monkeypatch):
    """Issuing asks members for the cooperative once per COOPERATIVE_SECONDS per process; the
    `cooperative_changed` broadcast (forget_cooperative) makes the next call ask again, and a
    copy is served only to a caller of that cooperative."""
    from coop_billing import clients
    from coop_shared.kept import Kept

    monkeypatch.setattr(clients, "COOPERATIVES", Kept(clients.COOPERATIVE_SECONDS))
    answers = iter(
        [{"slug": "dies", "iban": "BE05068123456775"}, {"slug": "dies", "iban": "BE71096123456769"}]
    )

    class Members:
        asked: list[str] = []

        def get_cooperative(self, slug):
            Members.asked.append(slug)
            return next(answers) if slug == "dies" else {"slug": slug}

    def read(identity, slug=None):
        return clients.MembersClient(Members(), slug or identity.cooperative, identity).cooperative()

    assert read(ADMIN)["iban"] == "BE05068123456775"
    assert read(ADMIN)["iban"] == "BE05068123456775"
    assert Members.asked == ["dies"]  # the second call was served by the process
    read(BRUCOOP)
    assert Members.asked == ["dies", "brucoop"]  # another cooperative's key never gets Dies' copy
    clients.forget_cooperative("dies")
    assert read(ADMIN)["iban"] == "BE71096123456769"
    assert Members.asked == ["dies", "brucoop", "dies"]
    monkeypatch.setattr(clients, "COOPERATIVES", Kept(0.0))
    clients.COOPERATIVES.keep("dies", {"slug": "dies", "iban": "old"}, read_at=0.0)
    answers = iter([{"slug": "dies", "iban": "BE05068123456775"}])
    assert read(ADMIN)["iban"] == "BE05068123456775"  # an entry older than the period is read again
