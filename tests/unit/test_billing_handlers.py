"""billing use cases on the shared fake unit of work: numbers, amounts due, statuses, tenancy.

members is a small hand-written fake of `MembersClient`: one cooperative (Dies) with one
entrepreneur's activity, as members would answer for a Dies key.
"""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from coop_billing.handlers import customers, invoices, issuing, ledger, overdue, payments, statements
from coop_billing.orm import Base
from coop_billing.repository import BillingRepository
from coop_billing.schemas import (
    ActivityAccountSchema,
    CreateCreditNoteSchema,
    CreateCustomerSchema,
    CreateInvoiceSchema,
    ListInvoicesSchema,
    RecordExpenseSchema,
    RecordPaymentSchema,
)
from coop_cli.statement_files import Line
from coop_cli.statement_files import coda as coda_file
from coop_shared.credentials import Identity, Role
from coop_shared.errors import BusinessRuleViolation, Forbidden, NotFound
from tests.fixtures_data import DIES
from tests.unit.fake_uow import FakeUnitOfWork

COOPERATIVE_ID = "c0000000-0000-0000-0000-000000000001"
ACTIVITY_ID = "a0000000-0000-0000-0000-000000000001"
AMINA_ID = "m0000000-0000-0000-0000-000000000001"
OTHER_MEMBER_ID = "m0000000-0000-0000-0000-000000000002"
TODAY = date(2026, 11, 2)

ADMIN = Identity(role=Role.ADMIN, cooperative_id=COOPERATIVE_ID, cooperative="dies")
AUDITOR = Identity(role=Role.AUDITOR, cooperative_id=COOPERATIVE_ID, cooperative="dies")
AMINA = Identity(role=Role.MEMBER, cooperative_id=COOPERATIVE_ID, cooperative="dies", member_id=AMINA_ID)
SOMEONE_ELSE = Identity(
    role=Role.MEMBER, cooperative_id=COOPERATIVE_ID, cooperative="dies", member_id=OTHER_MEMBER_ID
)
BRUCOOP = Identity(
    role=Role.ADMIN, cooperative_id="c0000000-0000-0000-0000-000000000002", cooperative="brucoop"
)

CUSTOMER = {
    "name": "Bakkerij Peeters BV",
    "kind": "company",
    "vat_number": "BE0202239951",
    "email": "boekhouding@peeters.example",
    "language": "nl",
    "address": {"street": "Vlaamsesteenweg 20", "postal_code": "1000", "city": "Brussel", "country": "BE"},
}


class FakeMembers:
    """What members answers about Dies and Amina's activity."""

    def cooperative(self) -> dict:
        return dict(DIES, payment_terms_days=30)

    def activity(self, activity_id: str) -> dict:
        if activity_id != ACTIVITY_ID:
            raise NotFound(f"No activity '{activity_id}'.")
        return {
            "id": ACTIVITY_ID,
            "code": "A0001",
            "name": "Vélo-livraisons",
            "trade_name": "Amina Cargo",
            "member_id": AMINA_ID,
        }


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=BillingRepository)


@pytest.fixture
def customer(uow):
    return customers.create_customer(uow, ADMIN, CreateCustomerSchema().load(CUSTOMER))


def draft(uow, customer, identity=ADMIN, **extra) -> dict:
    """800.00 at 21 % and 3 × 66.67 at 6 %: 1000.01 excl. VAT, 180.00 VAT, 1180.01 in all."""
    payload = {
        "activity_id": ACTIVITY_ID,
        "customer_id": customer["id"],
        "vat_regime": "standard",
        "lines": [
            {"description": "Livraisons à vélo", "quantity": "1", "unit_price": "800.00", "vat_rate": "0.21"},
            {"description": "Livres de recettes", "quantity": "3", "unit_price": "66.67", "vat_rate": "0.06"},
        ],
        **extra,
    }
    return invoices.create_invoice(uow, identity, FakeMembers(), CreateInvoiceSchema().load(payload))


def issued(uow, customer) -> dict:
    return issuing.issue_invoice(uow, ADMIN, FakeMembers(), {"id": draft(uow, customer)["id"]}, TODAY)


def pay(uow, amount: str, reference: str, ogm: str | None, **extra) -> dict:
    payload = {"amount": amount, "value_date": "2026-11-10", "bank_reference": reference, **extra}
    if ogm:
        payload["structured_communication"] = ogm
    return payments.record_payment(uow, ADMIN, RecordPaymentSchema().load(payload))


def test_a_draft_carries_its_totals_and_no_amount_due(uow, customer):
    invoice = draft(uow, customer)
    assert (invoice["status"], invoice["number"]) == ("draft", None)
    assert (invoice["total_excl_vat"], invoice["total_vat"], invoice["total_incl_vat"]) == (
        "1000.01",
        "180.00",
        "1180.01",
    )
    assert [line["net_amount"] for line in invoice["lines"]] == ["800.00", "200.01"]
    assert invoice["vat_breakdown"] == [
        {"category": "S", "rate": "0.21", "taxable_amount": "800.00", "vat_amount": "168.00"},
        {"category": "S", "rate": "0.06", "taxable_amount": "200.01", "vat_amount": "12.00"},
    ]
    assert (invoice["amount_paid"], invoice["amount_due"]) == ("0.00", None)


def test_issuing_numbers_invoices_one_then_two_with_their_communications(uow, customer):
    first, second = issued(uow, customer), issued(uow, customer)
    assert (first["number"], second["number"]) == ("DIES-2026-00001", "DIES-2026-00002")
    # 26 (the year) and the sequence on 8 digits, then mod 97: 2600000001 % 97 = 70.
    assert first["structured_communication"] == "+++260/0000/00170+++"
    assert second["structured_communication"] == "+++260/0000/00271+++"
    assert (first["status"], first["issue_date"], first["due_date"]) == ("issued", "2026-11-02", "2026-12-02")
    assert first["amount_due"] == "1180.01"
    events = uow.events_of("invoice_issued")
    assert [e["number"] for e in events] == ["DIES-2026-00001", "DIES-2026-00002"]
    assert events[0]["total_incl_vat"] == "1180.01"
    assert events[0]["customer_email"] == "boekhouding@peeters.example"


def test_issuing_twice_changes_nothing(uow, customer):
    invoice = issued(uow, customer)
    again = issuing.issue_invoice(uow, ADMIN, FakeMembers(), {"id": invoice["id"]}, TODAY)
    assert again["number"] == invoice["number"]
    assert len(uow.events_of("invoice_issued")) == 1


def test_a_partial_payment_leaves_the_rest_due(uow, customer):
    invoice = issued(uow, customer)
    payment = pay(uow, "500.00", "BANK-1", invoice["structured_communication"])
    assert (payment["status"], payment["applied"], payment["unallocated"]) == ("matched", "500.00", "0.00")
    after = invoices.get_invoice(uow, ADMIN, {"id": invoice["id"]})
    assert (after["status"], after["amount_paid"], after["amount_due"]) == (
        "partially_paid",
        "500.00",
        "680.01",
    )
    received = uow.events_of("payment_received")[0]
    # Revenue is the paid share of the total excl. VAT: 500.00 × 1000.01 / 1180.01 = 423.73;
    # Dies' contribution is 10 % of it.
    assert (received["amount"], received["revenue"], received["contribution"]) == (
        "500.00",
        "423.73",
        "42.37",
    )
    assert received["invoice_status"] == "partially_paid"


def test_paying_the_rest_and_more_pays_the_invoice_and_keeps_the_remainder(uow, customer):
    invoice = issued(uow, customer)
    pay(uow, "500.00", "BANK-1", invoice["structured_communication"])
    second = pay(uow, "700.00", "BANK-2", invoice["structured_communication"])
    assert (second["applied"], second["unallocated"]) == ("680.01", "19.99")
    assert invoices.get_invoice(uow, ADMIN, {"id": invoice["id"]})["status"] == "paid"
    assert uow.events_of("payment_unmatched")[-1]["unallocated"] == "19.99"
    revenues = [e["revenue"] for e in uow.events_of("payment_received")]
    assert revenues == ["423.73", "576.28"]  # adds up to exactly 1000.01


def test_the_same_bank_reference_is_a_duplicate(uow, customer):
    invoice = issued(uow, customer)
    pay(uow, "100.00", "BANK-1", invoice["structured_communication"])
    again = pay(uow, "100.00", "BANK-1", invoice["structured_communication"])
    assert (again["status"], again["applied"]) == ("duplicate", "100.00")
    assert invoices.get_invoice(uow, ADMIN, {"id": invoice["id"]})["amount_due"] == "1080.01"


def test_a_payment_without_a_known_communication_waits_for_staff(uow, customer):
    invoice = issued(uow, customer)
    payment = pay(uow, "1180.01", "BANK-1", None, communication="facture octobre")
    assert (payment["status"], payment["unallocated"]) == ("unmatched", "1180.01")
    waiting = payments.list_unmatched_payments(uow, AUDITOR, {"limit": 10, "offset": 0})
    assert (waiting["total"], waiting["items"][0]["status"]) == (1, "unmatched")
    matched = payments.match_payment(
        uow, ADMIN, {"payment_id": payment["payment_id"], "invoice_id": invoice["id"]}
    )
    assert (matched["status"], matched["applied"]) == ("matched", "1180.01")
    assert invoices.get_invoice(uow, ADMIN, {"id": invoice["id"]})["status"] == "paid"
    assert payments.list_unmatched_payments(uow, AUDITOR, {"limit": 10, "offset": 0})["total"] == 0


def test_a_credit_note_of_what_is_due_makes_the_invoice_credited(uow, customer):
    invoice = issued(uow, customer)
    note = issuing.create_credit_note(
        uow, ADMIN, CreateCreditNoteSchema().load({"invoice_id": invoice["id"], "reason": "Annulée"}), TODAY
    )
    assert (note["kind"], note["number"], note["total_incl_vat"]) == (
        "credit_note",
        "DIES-CN-2026-00001",
        "1180.01",
    )
    after = invoices.get_invoice(uow, ADMIN, {"id": invoice["id"]})
    assert (after["status"], after["amount_credited"], after["amount_due"]) == ("credited", "1180.01", "0.00")
    assert after["credit_notes"] == [{"id": note["id"], "number": "DIES-CN-2026-00001"}]
    assert uow.events_of("credit_note_issued")[0]["invoice_number"] == "DIES-2026-00001"
    with pytest.raises(BusinessRuleViolation):
        issuing.create_credit_note(
            uow,
            ADMIN,
            CreateCreditNoteSchema().load({"invoice_id": invoice["id"], "reason": "Encore"}),
            TODAY,
        )


def test_a_partial_credit_note_after_a_payment_leaves_the_rest_due(uow, customer):
    invoice = issued(uow, customer)
    pay(uow, "500.00", "BANK-1", invoice["structured_communication"])
    book_line = invoice["lines"][1]["id"]  # 3 × 66.67 at 6 %: 212.01 incl. VAT
    issuing.create_credit_note(
        uow,
        ADMIN,
        CreateCreditNoteSchema().load(
            {"invoice_id": invoice["id"], "reason": "Livres rendus", "lines": [{"line_id": book_line}]}
        ),
        TODAY,
    )
    after = invoices.get_invoice(uow, ADMIN, {"id": invoice["id"]})
    # 1180.01 − 500.00 paid − 212.01 credited
    assert (after["status"], after["amount_due"]) == ("partially_paid", "468.00")


def test_a_member_key_cannot_read_another_members_invoice(uow, customer):
    invoice = issued(uow, customer)
    assert invoices.get_invoice(uow, AMINA, {"id": invoice["id"]})["number"] == "DIES-2026-00001"
    with pytest.raises(NotFound):
        invoices.get_invoice(uow, SOMEONE_ELSE, {"id": invoice["id"]})
    assert invoices.list_invoices(uow, SOMEONE_ELSE, ListInvoicesSchema().load({})) == {
        "items": [],
        "total": 0,
    }
    with pytest.raises(NotFound):
        invoices.get_invoice(uow, BRUCOOP, {"id": invoice["id"]})


def test_only_staff_issue_invoices(uow, customer):
    invoice = draft(uow, customer, identity=AMINA)
    with pytest.raises(Forbidden):
        issuing.issue_invoice(uow, AMINA, FakeMembers(), {"id": invoice["id"]}, TODAY)


def test_list_invoices_reads_each_invoices_figures(uow, customer):
    first, second, third = issued(uow, customer), issued(uow, customer), issued(uow, customer)
    pay(uow, "100.00", "BANK-1", first["structured_communication"])
    pay(uow, "1180.01", "BANK-2", second["structured_communication"])
    issuing.create_credit_note(
        uow, ADMIN, CreateCreditNoteSchema().load({"invoice_id": third["id"], "reason": "Erreur"}), TODAY
    )
    listed = invoices.list_invoices(uow, ADMIN, ListInvoicesSchema().load({}))
    figures = {i["number"]: (i["status"], i["amount_due"], len(i["credit_notes"])) for i in listed["items"]}
    assert figures == {
        "DIES-2026-00001": ("partially_paid", "1080.01", 0),
        "DIES-2026-00002": ("paid", "0.00", 0),
        "DIES-2026-00003": ("credited", "0.00", 1),
    }
    notes = invoices.list_invoices(uow, ADMIN, ListInvoicesSchema().load({"kind": "credit_note"}))
    assert [(n["number"], n["credited_invoice_id"]) for n in notes["items"]] == [
        ("DIES-CN-2026-00001", third["id"])
    ]


def test_list_invoices_reads_the_figures_of_a_page_in_a_fixed_number_of_queries(uow, customer):
    for n in range(6):
        invoice = issued(uow, customer)
        pay(uow, "10.00", f"BANK-{n}", invoice["structured_communication"])
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(uow.engine, "before_cursor_execute", count)
    invoices.list_invoices(uow, ADMIN, ListInvoicesSchema().load({"limit": 2}))
    few = len(statements)
    statements.clear()
    invoices.list_invoices(uow, ADMIN, ListInvoicesSchema().load({"limit": 6}))
    assert len(statements) == few


def test_overdue_reminders_carry_the_amount_due_once_per_level(uow, customer):
    invoice = issued(uow, customer)
    pay(uow, "180.01", "BANK-1", invoice["structured_communication"])
    assert overdue.check_all(uow, date(2026, 12, 3)) == 1  # the day after the due date
    assert overdue.check_all(uow, date(2026, 12, 3)) == 0  # never twice
    assert overdue.check_all(uow, date(2026, 12, 17)) == 1  # fifteen days after
    reminders = uow.events_of("invoice_overdue")
    assert [(r["level"], r["amount_due"]) for r in reminders] == [(1, "1000.00"), (2, "1000.00")]
    # B2B: the flat indemnity of 40 EUR, and 10.5 % a year on 1000.00 for 15 days = 4.32.
    assert (reminders[1]["recovery_indemnity"], reminders[1]["interest_to_date"]) == ("40.00", "4.32")


def test_an_expense_is_booked_on_the_activity_account(uow):
    expense = ledger.record_expense(
        uow,
        ADMIN,
        FakeMembers(),
        RecordExpenseSchema().load(
            {
                "activity_id": ACTIVITY_ID,
                "date": "2026-11-03",
                "supplier": "Cyclo",
                "description": "Pneus",
                "amount_excl_vat": "100.00",
                "vat_amount": "21.00",
            }
        ),
    )
    assert (expense["amount_excl_vat"], expense["vat_amount"]) == ("100.00", "21.00")
    account = ledger.get_activity_account(
        uow, AUDITOR, FakeMembers(), ActivityAccountSchema().load({"activity_id": ACTIVITY_ID})
    )
    assert (account["balance"], account["entries"][0]["amount"]) == ("-100.00", "-100.00")
    assert uow.events_of("activity_account_changed")[0]["balance"] == "-100.00"


def test_a_statement_matches_by_communication_then_by_a_known_payers_exact_amount(uow, customer):
    first, second = issued(uow, customer), issued(uow, customer)
    peeters = "BE71096123456769"
    digits = "".join(ch for ch in first["structured_communication"] if ch.isdigit())
    october = coda_file(
        "BE05068123456775",
        "DIES",
        1,
        Decimal("0"),
        [Line(Decimal("1180.01"), ogm=digits, iban=peeters)],
        TODAY,
    )
    imported = statements.import_bank_statement(
        uow, ADMIN, {"format": "coda", "content": october.encode("latin-1")}
    )
    assert (imported["matched"], imported["lines"][0]["invoice_id"]) == (1, first["id"])
    # No communication this time, but Peeters paid from that IBAN before and owes exactly this.
    november = coda_file(
        "BE05068123456775",
        "DIES",
        2,
        Decimal("1180.01"),
        [Line(Decimal("1180.01"), text="merci", iban=peeters, reference="NOV-1")],
        TODAY,
    )
    imported = statements.import_bank_statement(
        uow, ADMIN, {"format": "coda", "content": november.encode("latin-1")}
    )
    assert (imported["matched"], imported["lines"][0]["invoice_id"]) == (1, second["id"])
    assert invoices.get_invoice(uow, ADMIN, {"id": second["id"]})["status"] == "paid"
    again = statements.import_bank_statement(
        uow, ADMIN, {"format": "coda", "content": november.encode("latin-1")}
    )
    assert (again["duplicates"], again["warnings"]) == (
        1,
        ["This file was imported before: its movements are duplicates."],
    )
