"""Money out, from the facts to the books (docs/adr/015-accounting-from-events.md): payroll's
first SEPA file of a run announces its nets and fund payments once; billing keeps each bank
statement file as received and announces each movement out once; accounting books the nets on
580 (transfers) and clears 580 and 440 (suppliers) when the statement shows the money leave,
so the remuneration and supplier accounts close once paid."""

import base64
import uuid
from datetime import date
from decimal import Decimal

import pytest

from coop_accounting.handlers import booking, reports
from coop_accounting.orm import Base as AccountingBase
from coop_accounting.repository import AccountingRepository
from coop_accounting.schemas import (
    BankDebitRecordedSchema,
    ExpenseRecordedSchema,
    PaymentsInstructedSchema,
    PayslipIssuedSchema,
)
from coop_billing.handlers import statements
from coop_billing.orm import Base as BillingBase
from coop_billing.repository import BillingRepository
from coop_cli.statement_files import Line
from coop_cli.statement_files import coda as coda_file
from coop_shared.credentials import Identity, Role
from coop_shared.errors import NotFound
from tests.unit.fake_uow import FakeUnitOfWork

DIES = "11111111-1111-1111-1111-111111111111"
STAFF = Identity(role=Role.STAFF, cooperative_id=DIES, cooperative="dies")
OTHER = Identity(
    role=Role.ADMIN, cooperative_id="22222222-2222-2222-2222-222222222222", cooperative="brucoop"
)
BIKES = "a0000000-0000-0000-0000-00000000000b"
DIES_IBAN = "BE05068123456775"


def event(payload, day="2026-11-28"):
    return {
        "event_id": str(uuid.uuid4()),
        "cooperative_id": DIES,
        "cooperative": "dies",
        "occurred_at": f"{day}T09:00:00+00:00",
        "payload": payload,
    }


def run(uow, handler, schema, payload, day="2026-11-28"):
    return handler(uow, event(payload, day), schema().load(payload))


def balance(uow, account):
    return reports.general_ledger(uow, STAFF, {"account": account, "period": None, "up_to": None})["balance"]


@pytest.fixture
def books():
    return FakeUnitOfWork(AccountingBase.metadata, AccountingRepository)


def payslips(books):
    """Amina's payslip (net 1,400.00) and Yonas's statement (net 1,795.83, 704.17 to his fund)."""
    run(
        books,
        booking.payslip_issued,
        PayslipIssuedSchema,
        {
            "payslip_id": "ps-1",
            "activity_id": BIKES,
            "status_model": "be_salaried",
            "gross": "2000.00",
            "net_to_pay": "1400.00",
            "total_cost": "2450.00",
            "withholding_tax": "338.60",
            "employee_social_security": "261.40",
        },
    )
    run(
        books,
        booking.payslip_issued,
        PayslipIssuedSchema,
        {
            "payslip_id": "ps-2",
            "activity_id": BIKES,
            "status_model": "be_director",
            "gross": "3000.00",
            "net_to_pay": "1795.83",
            "total_cost": "3000.00",
            "withholding_tax": "500.00",
            "social_fund": "704.17",
        },
    )
    return {
        "run_id": "run-11",
        "period": "2026-11",
        "execution_date": "2026-11-28",
        "transfers": [
            {
                "kind": "net_pay",
                "payslip_id": "ps-1",
                "activity_id": BIKES,
                "status_model": "be_salaried",
                "amount": "1400.00",
            },
            {
                "kind": "net_pay",
                "payslip_id": "ps-2",
                "activity_id": BIKES,
                "status_model": "be_director",
                "amount": "1795.83",
            },
            {"kind": "social_fund", "fund_payment_id": "fp-1", "member_id": "m-2", "amount": "704.17"},
        ],
    }


def debit(reference, amount, name=None, day="2026-11-30"):
    return {
        "bank_reference": f"{DIES_IBAN}/{reference}",
        "amount": amount,
        "value_date": day,
        "counterparty_name": name,
    }


def test_instructed_nets_wait_on_580_and_the_statement_clears_them(books):
    instructed = payslips(books)
    assert (balance(books, "4552"), balance(books, "4550"), balance(books, "459")) == (
        "-1400.00",
        "-1795.83",
        "-704.17",
    )
    entry = run(books, booking.payments_instructed, PaymentsInstructedSchema, instructed)
    assert entry.journal == "misc" and str(entry.entry_date) == "2026-11-28"
    # the remuneration due and the fund are paid; the money is on its way (580)
    assert (balance(books, "4552"), balance(books, "4550"), balance(books, "459")) == ("0.00", "0.00", "0.00")
    assert balance(books, "580") == "-3900.00"
    for reference, amount in (("M1", "1795.83"), ("M2", "1400.00"), ("M3", "704.17")):
        run(books, booking.bank_debit_recorded, BankDebitRecordedSchema, debit(reference, amount))
    assert (balance(books, "580"), balance(books, "550"), balance(books, "499")) == (
        "0.00",
        "-3900.00",
        "0.00",
    )
    # the same movements again (an overlapping statement, a redelivered event): nothing new
    for reference, amount in (("M1", "1795.83"), ("M2", "1400.00")):
        assert (
            run(books, booking.bank_debit_recorded, BankDebitRecordedSchema, debit(reference, amount)) is None
        )
    assert run(books, booking.payments_instructed, PaymentsInstructedSchema, instructed) is None
    trial = reports.trial_balance(books, STAFF, {"period": None, "up_to": None})
    assert trial["balance"] == "0.00"


def test_a_statement_whose_event_overtook_the_sepa_file_is_cleared_from_499(books):
    instructed = payslips(books)
    run(books, booking.bank_debit_recorded, BankDebitRecordedSchema, debit("EARLY", "1400.00"))
    assert balance(books, "499") == "1400.00"  # money out that nothing claims yet
    run(books, booking.payments_instructed, PaymentsInstructedSchema, instructed)
    # the net of 1,400.00 took the movement waiting on 499; the other two wait on 580
    assert (balance(books, "499"), balance(books, "580"), balance(books, "4552")) == (
        "0.00",
        "-2500.00",
        "0.00",
    )


def test_a_supplier_paid_from_the_bank_clears_its_invoice_and_unknown_money_out_waits_on_499(books):
    run(
        books,
        booking.expense_recorded,
        ExpenseRecordedSchema,
        {
            "expense_id": "exp-1",
            "activity_id": BIKES,
            "date": "2026-11-15",
            "supplier": "Vélo SA",
            "description": "Pneus",
            "amount_excl_vat": "200.00",
            "vat_amount": "42.00",
        },
    )
    assert balance(books, "440") == "-242.00"
    # same amount, another name: not this supplier's invoice
    other = run(books, booking.bank_debit_recorded, BankDebitRecordedSchema, debit("X1", "242.00", "Immo SA"))
    assert [line.account for line in other.lines] == ["499", "550"]
    paid = run(books, booking.bank_debit_recorded, BankDebitRecordedSchema, debit("X2", "242.00", "VÉLO  SA"))
    assert [(line.account, line.reference) for line in paid.lines] == [("440", "exp-1"), ("550", None)]
    assert (balance(books, "440"), balance(books, "499"), balance(books, "550")) == (
        "0.00",
        "242.00",
        "-484.00",
    )


def test_a_statement_file_is_kept_as_received_and_each_movement_out_announced_once():
    uow = FakeUnitOfWork(BillingBase.metadata, repository=BillingRepository)
    admin = Identity(role=Role.ADMIN, cooperative_id=DIES, cooperative="dies")
    lines = [
        Line(
            Decimal("-1400.00"),
            text="DIES 2026-11 net",
            name="Amina Benali",
            iban="BE71096123456769",
            reference="OUT-1",
        ),
        Line(
            Decimal("-242.00"), text="Facture 77", name="Vélo SA", iban="BE68539007547034", reference="OUT-2"
        ),
    ]
    content = coda_file(DIES_IBAN, "DIES", 7, Decimal("5000.00"), lines, date(2026, 11, 30)).encode("latin-1")
    statements.import_bank_statement(
        uow, admin, {"format": "coda", "content": content, "filename": "dies-007.cod"}
    )
    announced = uow.events_of("bank_debit_recorded")
    assert [(e["amount"], e["counterparty_name"], e["value_date"]) for e in announced] == [
        ("1400.00", "Amina Benali", "2026-11-30"),
        ("242.00", "Vélo SA", "2026-11-30"),
    ]
    assert announced[0]["bank_reference"].startswith(f"{DIES_IBAN}/")
    statements.import_bank_statement(
        uow, admin, {"format": "coda", "content": content, "filename": "again.cod"}
    )
    assert len(uow.events_of("bank_debit_recorded")) == 2  # the same file again announces nothing
    [listed] = statements.list_statement_files(uow, admin, {"period": "2026-11"})["items"]
    assert (listed["filename"], listed["size"]) == ("dies-007.cod", len(content))
    received = statements.render_statement_file(uow, admin, {"statement_id": listed["statement_id"]})
    assert base64.b64decode(received["content"]) == content  # byte for byte
    assert statements.list_statement_files(uow, admin, {"period": "2026-12"})["items"] == []
    with pytest.raises(NotFound):
        statements.render_statement_file(uow, OTHER, {"statement_id": listed["statement_id"]})


def test_the_first_sepa_file_of_a_run_announces_its_payments_once():
    from coop_payroll.handlers import sepa, settings
    from coop_payroll.orm import Base as PayrollBase
    from coop_payroll.repository import PayrollRepository
    from coop_payroll.schemas import SettingsSchema
    from tests.unit.test_payroll_directors import REFERENCE, YONAS_ACTIVITY, admin, month

    uow = FakeUnitOfWork(PayrollBase.metadata, repository=PayrollRepository)
    fund = {"social_fund_name": "Caisse (test)", "social_fund_iban": "BE56 3631 2345 6788"}
    settings.set_payroll_settings(uow, admin(), SettingsSchema().load(fund))
    parameters = {"declared_income_estimate": "40000.00", "social_fund_reference": REFERENCE}
    for m in (10, 11):
        month(uow, f"2026-{m}", parameters)
    december = month(uow, "2026-12", parameters)  # closes the quarter: the fund is paid too
    exported = sepa.export_sepa(uow, admin(), {"id": december["id"]}, date(2026, 12, 28))
    sepa.export_sepa(uow, admin(), {"id": december["id"]}, date(2026, 12, 29))  # the same payments
    [announced] = uow.events_of("payroll_payments_instructed")
    assert (announced["run_id"], announced["execution_date"]) == (december["id"], "2026-12-28")
    kinds = [(t["kind"], t["amount"]) for t in announced["transfers"]]
    [slip] = december["payslips"]
    assert kinds == [("net_pay", slip["net_to_pay"]), ("social_fund", "2112.53")]
    assert announced["transfers"][0]["activity_id"] == YONAS_ACTIVITY
    assert sum(Decimal(a) for _, a in kinds) == Decimal(exported["control_sum"])
