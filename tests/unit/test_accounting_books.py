"""The accounting service's books on the shared fake unit of work: every fact of a month of
Dies (invoices under four VAT regimes, a credit note, payments, money first unmatched, an
expense, a payslip) booked once in balanced entries, the VAT return's grids, closed periods,
the account mapping, and the WinBooks file against its golden copy."""

import base64
import io
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest

from coop_accounting.domain import entries
from coop_accounting.exports import load_exports
from coop_accounting.handlers import booking, chart, exports, periods, reports
from coop_accounting.orm import Base, JournalEntry
from coop_accounting.repository import AccountingRepository
from coop_accounting.schemas import (
    CreditNoteIssuedSchema,
    ExpenseRecordedSchema,
    InvoiceIssuedSchema,
    PaymentReceivedSchema,
    PaymentUnmatchedSchema,
    PayslipIssuedSchema,
)
from coop_shared.credentials import Identity, Role
from coop_shared.errors import Forbidden, ValidationError
from coop_shared.money import Money
from tests.unit.fake_uow import FakeUnitOfWork

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "accounting"
DIES = "11111111-1111-1111-1111-111111111111"
BRUCOOP = "22222222-2222-2222-2222-222222222222"
ADMIN = Identity(role=Role.ADMIN, cooperative_id=DIES, cooperative="dies", key_id="k-admin")
STAFF = Identity(role=Role.STAFF, cooperative_id=DIES, cooperative="dies")
OTHER = Identity(role=Role.ADMIN, cooperative_id=BRUCOOP, cooperative="brucoop")
BIKES, WOOD = "a0000000-0000-0000-0000-00000000000b", "a0000000-0000-0000-0000-00000000000w"


class FakeMembers:
    def cooperative(self):
        return {
            "name": "Dies SC",
            "vat_number": "BE0123456749",
            "email": "compta@dies.example",
            "address": {"street": "Rue Haute 1", "postcode": "1000", "city": "Bruxelles"},
        }


def event(payload, day="2026-11-05", cooperative_id=DIES, slug="dies"):
    return {
        "event_id": str(uuid.uuid4()),
        "cooperative_id": cooperative_id,
        "cooperative": slug,
        "occurred_at": f"{day}T09:00:00+00:00",
        "payload": payload,
    }


def invoice(
    number, regime, base, vat, rate, activity=BIKES, day="2026-11-05", customer="cust-1", vat_no=None
):
    total = Decimal(base) + Decimal(vat)
    return {
        "invoice_id": f"inv-{number}",
        "number": number,
        "activity_id": activity,
        "customer_id": customer,
        "customer_vat_number": vat_no,
        "issue_date": day,
        "due_date": "2026-12-05",
        "vat_regime": regime,
        "vat_breakdown": [{"category": "S", "rate": rate, "taxable_amount": base, "vat_amount": vat}],
        "total_excl_vat": base,
        "total_vat": vat,
        "total_incl_vat": f"{total:.2f}",
    }


def story(uow):
    """A month of Dies, as billing and payroll announce it."""

    def run(handler, schema, payload, day="2026-11-05"):
        return handler(uow, event(payload, day), schema().load(payload))

    facts = [
        (
            booking.invoice_issued,
            InvoiceIssuedSchema,
            invoice("2026-0001", "standard", "1000.00", "210.00", "0.21", vat_no="BE0403170701"),
            "2026-11-05",
        ),
        (
            booking.invoice_issued,
            InvoiceIssuedSchema,
            invoice("2026-0002", "intra_eu_services", "500.00", "0.00", "0", activity=WOOD),
            "2026-11-10",
        ),
        (
            booking.invoice_issued,
            InvoiceIssuedSchema,
            invoice("2026-0003", "reverse_charge_construction", "800.00", "0.00", "0", activity=WOOD),
            "2026-11-12",
        ),
        (
            booking.invoice_issued,
            InvoiceIssuedSchema,
            invoice("2026-0004", "exempt", "300.00", "0.00", "0"),
            "2026-11-13",
        ),
        (
            booking.credit_note_issued,
            CreditNoteIssuedSchema,
            dict(
                invoice(
                    "NC-2026-0001",
                    "standard",
                    "100.00",
                    "21.00",
                    "0.21",
                    day="2026-11-20",
                    vat_no="BE0403170701",
                ),
                credit_note_id="cn-1",
                invoice_id="inv-2026-0001",
            ),
            "2026-11-20",
        ),
        (
            booking.payment_received,
            PaymentReceivedSchema,
            {
                "payment_id": "pay-1",
                "invoice_id": "inv-2026-0001",
                "invoice_number": "2026-0001",
                "activity_id": BIKES,
                "amount": "1089.00",
                "revenue": "900.00",
                "contribution": "90.00",
                "value_date": "2026-11-25",
            },
            "2026-11-25",
        ),
        (
            booking.payment_unmatched,
            PaymentUnmatchedSchema,
            {"payment_id": "pay-2", "amount": "500.00", "unallocated": "500.00", "bank_reference": "BR-2"},
            "2026-11-26",
        ),
        (
            booking.payment_received,
            PaymentReceivedSchema,
            {
                "payment_id": "pay-2",
                "invoice_id": "inv-2026-0002",
                "invoice_number": "2026-0002",
                "activity_id": WOOD,
                "amount": "500.00",
                "revenue": "500.00",
                "contribution": "50.00",
                "value_date": "2026-11-26",
            },
            "2026-11-27",
        ),
        (
            booking.expense_recorded,
            ExpenseRecordedSchema,
            {
                "expense_id": "exp-1",
                "activity_id": BIKES,
                "date": "2026-11-15",
                "supplier": "Velo SA",
                "description": "Pneus",
                "amount_excl_vat": "200.00",
                "vat_amount": "42.00",
            },
            "2026-11-15",
        ),
        (
            booking.payslip_issued,
            PayslipIssuedSchema,
            {
                "payslip_id": "ps-1",
                "period": "2026-11",
                "member_id": "m-1",
                "activity_id": BIKES,
                "status_model": "be_salaried",
                "gross": "2000.00",
                "net_to_pay": "1400.00",
                "total_cost": "2600.00",
                "provisions": {"holiday_pay": "150.00"},
                "draws_on": None,
                "from_provision": "0.00",
                # payroll's split of gross - net (600.00) and the employer's 450.00
                "withholding_tax": "338.60",
                "employee_social_security": "261.40",
                "employer_social_security": "450.00",
                "social_fund": "0.00",
            },
            "2026-11-28",
        ),
    ]
    return [run(handler, schema, payload, day) for handler, schema, payload, day in facts]


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, AccountingRepository)


def test_every_fact_is_booked_once_in_a_balanced_entry(uow):
    booked = story(uow)
    assert all(row is not None for row in booked)
    for row in booked:
        debit = sum((line.debit for line in row.lines), Money.zero())
        credit = sum((line.credit for line in row.lines), Money.zero())
        assert debit == credit and debit.amount > 0, row.description
        assert {line.activity_id for line in row.lines if line.account[0] in "67"} - {None} <= {BIKES, WOOD}
    # the payment booked its contribution too: 11 entries for 10 facts + 2 contributions
    assert uow.repo.session.query(JournalEntry).count() == 12
    assert story(uow) == [None] * 10  # replayed: nothing new
    assert uow.repo.session.query(JournalEntry).count() == 12


def test_the_sales_entry_books_vat_due_on_the_invoice_date(uow):
    row = story(uow)[0]
    assert row.journal == "sales" and str(row.entry_date) == "2026-11-05" and row.period == "2026-11"
    assert [(line.account, str(line.debit), str(line.credit), line.vat_grid) for line in row.lines] == [
        ("400", "1210.00", "0.00", None),
        ("7001", "0.00", "1000.00", "03"),
        ("451", "0.00", "210.00", "54"),
    ]


def test_money_first_unmatched_then_matched_leaves_the_suspense_account(uow):
    story(uow)
    ledger = reports.general_ledger(uow, STAFF, {"account": "499", "period": None, "up_to": None})
    assert ledger["balance"] == "0.00"
    bank = reports.general_ledger(uow, STAFF, {"account": "550", "period": None, "up_to": None})
    assert bank["balance"] == "1589.00"  # 1,089 + 500, the 500 counted once


def test_the_trial_balance_sums_to_zero(uow):
    story(uow)
    tb = reports.trial_balance(uow, STAFF, {"period": "2026-11", "up_to": None})
    assert tb["balance"] == "0.00" and tb["total_debit"] == tb["total_credit"]
    by = {a["account"]: a["balance"] for a in tb["accounts"]}
    assert by["451"] == "-189.00"  # 210 due less 21 on the credit note
    assert by["411"] == "42.00" and by["6202"] == "2000.00" and by["621"] == "450.00"
    assert by["625"] == "150.00" and by["456"] == "-150.00" and by["4552"] == "-1400.00"
    # 453 the withholding tax alone; 454 the employee's ONSS 261.40 and the employer's 450.00
    assert by["453"] == "-338.60" and by["454"] == "-711.40"
    labels = {a["account"]: a["label"] for a in tb["accounts"]}
    assert labels["400"] == {"fr": "Clients", "nl": "Klanten", "en": "Customers"}


def test_vat_return_grids_and_intervat_draft(uow):
    story(uow)
    out = reports.vat_return_of(uow, STAFF, FakeMembers(), {"period": "2026-11"})
    g = out["grids"]
    # the art. 44 exempt sale in 00, not 47 (the Intervat help on frame II: 00 takes a mixed
    # taxable person's art. 44 operations; 47 the other exemptions and exports)
    assert (g["03"], g["44"], g["45"], g["00"], g["49"], g["47"]) == (
        "1000.00",
        "500.00",
        "800.00",
        "300.00",
        "100.00",
        "0.00",
    )
    assert out["vat_rules"]["version"] == "be-vat-2026.1" and out["vat_rules"]["certain"] is False
    assert (g["54"], g["64"], g["82"], g["59"]) == ("210.00", "21.00", "200.00", "42.00")
    assert (g["71"], g["72"]) == ("147.00", "0.00")  # 210 - 42 - 21
    root = ElementTree.fromstring(out["intervat_xml"])
    ns = {"c": "http://www.minfin.fgov.be/InputCommon", "v": "http://www.minfin.fgov.be/VATConsignment"}
    assert root.tag == "{http://www.minfin.fgov.be/VATConsignment}VATConsignment"
    assert root.get("VATDeclarationsNbr") == "1"
    declaration = root.find("v:VATDeclaration", ns)
    assert [child.tag.split("}")[1] for child in declaration] == [
        "Declarant",
        "Period",
        "Data",
        "ClientListingNihil",
        "Ask",
    ]
    assert declaration.find("v:Declarant/c:VATNumber", ns).text == "0123456749"
    assert declaration.find("v:Period/v:Month", ns).text == "11"
    amounts = [(a.get("GridNumber"), a.text) for a in declaration.find("v:Data", ns)]
    assert [grid for grid, _ in amounts] == sorted(grid for grid, _ in amounts)  # ascending
    assert ("54", "210.00") in amounts and ("71", "147.00") in amounts
    assert all(value != "0.00" for _, value in amounts)  # zero grids left out
    assert declaration.find("v:Ask", ns).get("Restitution") == "NO"


def test_client_listing_keeps_belgian_customers_of_250_or_more(uow):
    story(uow)
    out = reports.client_listing(uow, STAFF, FakeMembers(), {"year": 2026})
    assert out["customers"] == [{"vat_number": "BE0403170701", "turnover": "900.00", "vat_amount": "189.00"}]
    root = ElementTree.fromstring(out["intervat_xml"])
    listing = root[0]
    assert listing.get("ClientsNbr") == "1" and listing.get("TurnOverSum") == "900.00"
    assert out["vat_rules"]["version"] == "be-vat-2026.1"


def test_the_listing_threshold_is_dated_data_and_250_00_is_listed_249_99_not():
    from datetime import date

    from coop_accounting.domain import vat_return, vat_rules

    rules = vat_rules.rules_on(date(2026, 12, 31))
    assert rules.listing_threshold == Money.of("250.00") and "53quinquies" in rules.source
    turnover = {
        "BE0403170701": (Money.of("250.00"), Money.of("52.50")),
        "BE0202239951": (Money.of("249.99"), Money.of("52.50")),
        "DE136695976": (Money.of("9000.00"), Money.zero()),  # not a Belgian VAT customer
    }
    listed = vat_return.listed_customers(turnover, rules.listing_threshold)
    assert [vat for vat, _, _ in listed] == ["BE0403170701"]
    # an earlier day than the first row reads the first row (the books start in 2026)
    assert vat_rules.rules_on(date(2020, 1, 1)).version == rules.version


def test_analytic_balance_matches_the_cash_basis_of_the_activity_account(uow):
    story(uow)
    rows = {
        r["activity_id"]: r
        for r in reports.analytic_balance(uow, STAFF, {"period": None, "up_to": None})["activities"]
    }
    bikes = rows[BIKES]
    # invoiced 1,000 + 300, credited 100, contribution 90 on the payment
    assert bikes["revenue"] == "1110.00" and bikes["costs"] == "2800.00" and bikes["contribution"] == "90.00"
    # billing's activity account: 900 received excl. VAT - 90 contribution - 200 expense - 2,600 payslip
    assert bikes["cash_result"] == "-1990.00"
    assert rows[WOOD]["cash_result"] == "450.00"


def test_aged_receivables(uow):
    story(uow)
    from datetime import date

    out = reports.aged_receivables(uow, STAFF, {"on": date(2026, 12, 20)}, date(2026, 12, 20))
    open_ = {i["number"]: (i["open"], i["bucket"], i["days_late"]) for i in out["invoices"]}
    assert open_ == {"2026-0003": ("800.00", "1-30", 15), "2026-0004": ("300.00", "1-30", 15)}
    assert out["buckets"]["1-30"] == "1100.00"


def test_a_closed_period_refuses_entries_and_a_late_event_goes_to_the_next_open_one(uow):
    periods.close_period(uow, ADMIN, {"period": "2026-11"})
    periods.close_period(uow, ADMIN, {"period": "2026-12"})
    row = booking.invoice_issued(
        uow, event({}), InvoiceIssuedSchema().load(invoice("2026-0009", "standard", "10.00", "2.10", "0.21"))
    )
    assert (row.period, str(row.entry_date), str(row.document_date)) == (
        "2027-01",
        "2027-01-01",
        "2026-11-05",
    )
    reopened = periods.reopen_period(uow, ADMIN, {"period": "2026-12"})
    assert reopened["status"] == "open" and [c["action"] for c in reopened["log"]] == ["close", "reopen"]
    row = booking.invoice_issued(
        uow, event({}), InvoiceIssuedSchema().load(invoice("2026-0010", "standard", "10.00", "2.10", "0.21"))
    )
    assert row.period == "2026-12"
    with pytest.raises(Forbidden):
        periods.close_period(uow, STAFF, {"period": "2026-10"})


def test_unbalanced_entries_are_refused_by_the_domain_and_the_repository(uow):
    with pytest.raises(entries.Unbalanced):
        entries.check_balanced(
            [entries.Line("400", debit=Money.of("10")), entries.Line("7001", credit=Money.of("9.99"))]
        )
    row = JournalEntry(
        cooperative_id=DIES,
        journal="misc",
        year=2026,
        number=1,
        period="2026-11",
        entry_date=__import__("datetime").date(2026, 11, 1),
        document_date=__import__("datetime").date(2026, 11, 1),
        source="x",
        source_id="1",
        description="",
        rules_version="t",
    )
    from coop_accounting.orm import EntryLine

    row.lines = [
        EntryLine(cooperative_id=DIES, line_no=1, account="400", debit=Money.of("1"), credit=Money.zero())
    ]
    with pytest.raises(entries.Unbalanced):
        uow.repo.add_entry(row)


def test_a_new_mapping_books_later_entries_elsewhere_and_rewrites_nothing(uow):
    first = story(uow)[8]  # the expense, on 610
    out = chart.set_account_mapping(uow, ADMIN, {"kind": "purchases", "account": "6202"})
    assert out == {"kind": "purchases", "account": "6202", "default": "610"}
    later = booking.expense_recorded(
        uow,
        event({}),
        ExpenseRecordedSchema().load(
            {
                "expense_id": "exp-2",
                "activity_id": BIKES,
                "supplier": "X",
                "description": "Y",
                "amount_excl_vat": "10.00",
                "vat_amount": "2.10",
                "date": "2026-11-30",
            }
        ),
    )
    assert first.lines[0].account == "610" and later.lines[0].account == "6202"
    with pytest.raises(ValidationError):
        chart.set_account_mapping(uow, ADMIN, {"kind": "purchases", "account": "6999"})
    with pytest.raises(Forbidden):
        chart.set_account_mapping(uow, STAFF, {"kind": "purchases", "account": "610"})


def test_another_cooperative_sees_none_of_it(uow):
    story(uow)
    assert reports.trial_balance(uow, OTHER, {"period": None, "up_to": None})["accounts"] == []
    assert len(chart.list_accounts(uow, OTHER)["items"]) == len(chart.list_accounts(uow, ADMIN)["items"])


def _export(uow, fmt):
    out = exports.export_books(uow, STAFF, load_exports(), {"format": fmt, "period": "2026-11"})
    return out["filename"], base64.b64decode(out["content"])


def test_the_winbooks_file_equals_its_golden_copy(uow):
    """The golden file was regenerated on purpose (December 2026) after checking the export
    against the ACT layout and the reference implementation's own golden file (docs/domain/
    accounting.md "WinBooks ACT"): a credit note's VATBASE is the positive base (the journal
    type says it is a credit note; it had been negated); a base without VAT gets its DOCTYPE 4
    row with the base and the VAT code (it had the code on the revenue line, without a base);
    VATCODE is on VAT lines only; ISPOSITIVE, unconfirmed, is left empty; the payslip's 453 and
    454 are split. The book year stays `1` for 2026, the first year of the dossier."""
    story(uow)
    name, content = _export(uow, "winbooks")
    assert name == "winbooks-dies-2026-11.zip"
    assert content == (GOLDEN / "winbooks-2026-11.zip").read_bytes()
    act = zipfile.ZipFile(io.BytesIO(content)).read("ACT.txt").decode("utf-8").splitlines()
    rows = [row[1:-1].split('","') for row in act]
    assert all(len(row) == 36 for row in rows)
    first = next(row for row in rows if row[:5] == ["1", "VEN", "2", "1", "001"])
    assert first[6] == "400" and first[8] == "1" and first[10] == "20261105" and first[16] == "1210.00"
    credit_note_vat = next(row for row in rows if row[1] == "VENNC" and row[4] == "VAT")
    assert (credit_note_vat[16], credit_note_vat[17], credit_note_vat[18]) == ("21.00", "100.00", "211400")
    zero_vat = {(row[3], row[17], row[18]) for row in rows if row[0] == "4"}
    assert zero_vat == {("2", "500.00", "222000"), ("3", "800.00", "212000"), ("4", "300.00", "211100")}
    assert {row[31] for row in rows} == {""}  # ISPOSITIVE
    assert len(act) == sum(len(e.lines) for e in uow.repo.entries(DIES, "2026-11")) + len(zero_vat)


def test_the_csv_journal_has_one_row_per_line(uow):
    story(uow)
    _, content = _export(uow, "csv")
    rows = content.decode("utf-8").splitlines()
    lines = sum(len(e.lines) for e in uow.repo.entries(DIES, "2026-11"))
    assert len(rows) == 1 + lines and rows[0].startswith("journal,number,date")
    with pytest.raises(ValidationError):
        exports.export_books(uow, STAFF, load_exports(), {"format": "dbf", "period": "2026-11"})


def test_a_match_overtaking_its_unmatched_event_still_counts_the_money_once(uow):
    unmatched = {"payment_id": "pay-9", "amount": "70.00", "unallocated": "70.00", "bank_reference": "BR-9"}
    matched = {
        "payment_id": "pay-9",
        "invoice_id": "inv-x",
        "amount": "70.00",
        "revenue": "57.85",
        "contribution": "0.00",
        "value_date": "2026-11-03",
    }
    first, second = event(unmatched), event(matched)
    second["occurred_at"] = "2026-11-05T09:00:01+00:00"  # announced later, delivered first
    booking.payment_received(uow, second, PaymentReceivedSchema().load(matched))
    booking.payment_unmatched(uow, first, PaymentUnmatchedSchema().load(unmatched))

    def ledger(account):
        return reports.general_ledger(uow, STAFF, {"account": account, "period": None, "up_to": None})  # noqa: E731

    assert (ledger("550")["balance"], ledger("499")["balance"], ledger("400")["balance"]) == (
        "70.00",
        "0.00",
        "-70.00",
    )


def test_a_directors_statement_is_booked_on_618_4550_453_and_459(uow):
    """As payroll's be_director computes it: the cost is the gross; the director's own social
    contributions (and the fund's fee) are withheld and owed to their fund, on 459; no ONSS."""
    payload = {
        "payslip_id": "ps-d",
        "period": "2026-11",
        "member_id": "m-2",
        "activity_id": WOOD,
        "status_model": "be_director",
        "gross": "3000.00",
        "net_to_pay": "1795.83",
        "total_cost": "3000.00",
        "withholding_tax": "500.00",
        "employee_social_security": "0.00",
        "employer_social_security": "0.00",
        "social_fund": "704.17",
    }
    row = booking.payslip_issued(uow, event(payload), PayslipIssuedSchema().load(payload))
    lines = sorted((line.account, str(line.debit), str(line.credit)) for line in row.lines)
    assert lines == [
        ("453", "0.00", "500.00"),
        ("4550", "0.00", "1795.83"),
        ("459", "0.00", "704.17"),
        ("618", "3000.00", "0.00"),
    ]
    assert all(line.activity_id == WOOD for line in row.lines)


def test_a_payslip_whose_split_is_not_gross_less_net_is_refused(uow):
    payload = {
        "payslip_id": "ps-x",
        "status_model": "be_salaried",
        "gross": "2000.00",
        "net_to_pay": "1400.00",
        "total_cost": "2450.00",
        "withholding_tax": "300.00",
        "employee_social_security": "261.40",
    }
    with pytest.raises(entries.Unbalanced):
        booking.payslip_issued(uow, event(payload), PayslipIssuedSchema().load(payload))
    assert uow.repo.session.query(JournalEntry).count() == 0


def test_a_payslip_published_before_the_split_books_its_withholdings_on_453(uow):
    payload = {
        "payslip_id": "ps-old",
        "status_model": "be_salaried",
        "gross": "2000.00",
        "net_to_pay": "1400.00",
        "total_cost": "2450.00",
    }
    row = booking.payslip_issued(uow, event(payload), PayslipIssuedSchema().load(payload))
    by = {line.account: (str(line.debit), str(line.credit)) for line in row.lines}
    assert by["453"] == ("0.00", "600.00") and by["454"] == ("0.00", "450.00")


def test_exports_go_to_47_and_credit_notes_on_intra_eu_operations_to_48(uow):
    def sale(handler, schema, payload):
        return handler(uow, event(payload), schema().load(payload))

    sale(booking.invoice_issued, InvoiceIssuedSchema, invoice("2026-0020", "export", "400.00", "0.00", "0"))
    sale(
        booking.invoice_issued,
        InvoiceIssuedSchema,
        invoice("2026-0021", "intra_eu_goods", "250.00", "0.00", "0"),
    )
    for number, regime, base in (("NC-9", "intra_eu_goods", "50.00"), ("NC-10", "export", "40.00")):
        note = dict(invoice(number, regime, base, "0.00", "0"), credit_note_id=f"cn-{number}")
        sale(booking.credit_note_issued, CreditNoteIssuedSchema, note)
    g = reports.vat_return_of(uow, STAFF, FakeMembers(), {"period": "2026-11"})["grids"]
    assert (g["47"], g["46"], g["48"], g["49"], g["00"]) == ("400.00", "250.00", "50.00", "40.00", "0.00")


def test_the_command_line_prints_the_returns_grids_and_its_balance(uow):
    from coop_cli.accounting_commands import vat_return_lines

    story(uow)
    lines = vat_return_lines(reports.vat_return_of(uow, STAFF, FakeMembers(), {"period": "2026-11"}))
    assert lines[0] == "VAT return 2026-11 (draft, be-accounting-2026.1, be-vat-2026.1 unconfirmed)"
    assert "  grid 54:       210.00" in lines and lines[-1] == "  due (71): 147.00"
    assert not any(line.startswith("  grid 71") for line in lines)
