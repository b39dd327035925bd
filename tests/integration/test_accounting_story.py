"""The books over the real bus and PostgreSQL: Dies invoices under four VAT regimes, credits an
invoice, is paid (once through money that first arrived unmatched), records an expense and pays
a payslip; accounting books every document in balanced entries, its VAT return agrees with
billing's documents, its analytic balance with billing's activity account, and replaying every
event books nothing new."""

import base64
import io
import time
import xml.etree.ElementTree as etree
import zipfile
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pypdfium2
import pytest

from coop_cli.statement_files import Line
from coop_cli.statement_files import coda as coda_file
from tests import support
from tests.integration import billing_setup
from tests.integration.payroll_setup import PERIOD, fund_activity, salaried
from tests.support import wait_for

EVENTS = {
    "billing": (
        "invoice_issued",
        "credit_note_issued",
        "payment_received",
        "payment_unmatched",
        "expense_recorded",
        "bank_debit_recorded",
    ),
    "payroll": ("payslip_issued", "payroll_payments_instructed"),
}


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing", "payroll", "accounting")
    return billing_setup.build(rpc_client)


def one_line(world, regime, price, rate, **extra):
    return billing_setup.two_line_invoice(
        world,
        vat_regime=regime,
        lines=[
            {"description": f"Prestation {regime}", "quantity": "1", "unit_price": price, "vat_rate": rate}
        ],
        **extra,
    )


def story(world, rpc_client):
    dies = world.dies
    standard = dies.issue_invoice(dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    german = dies.create_customer(billing_setup.DE_COMPANY)
    intra = dies.issue_invoice(
        dies.create_invoice(one_line(world, "intra_eu_services", "900.00", "0", customer_id=german["id"]))[
            "id"
        ]
    )
    construction = dies.issue_invoice(
        dies.create_invoice(one_line(world, "reverse_charge_construction", "2500.00", "0"))["id"]
    )
    exempt = dies.issue_invoice(dies.create_invoice(one_line(world, "exempt", "300.00", "0"))["id"])
    dies.issue_invoice(dies.create_invoice(one_line(world, "export", "700.00", "0"))["id"])  # grid 47
    dies.create_credit_note(
        {
            "invoice_id": standard["id"],
            "reason": "Livres non livrés",
            "lines": [{"line_id": standard["lines"][1]["id"], "quantity": "3"}],
        }
    )
    dies.record_payment(
        {
            "amount": intra["total_incl_vat"],
            "value_date": intra["issue_date"],
            "bank_reference": "PAY-INTRA",
            "invoice_id": intra["id"],
        }
    )
    waiting = dies.record_payment(
        {
            "amount": "1000.00",
            "value_date": exempt["issue_date"],
            "bank_reference": "PAY-UNKNOWN",
            "communication": "sans référence",
        }
    )
    dies.match_payment({"payment_id": waiting["payment_id"], "invoice_id": construction["id"]})
    dies.record_expense(
        {
            "activity_id": world.activity["id"],
            "date": exempt["issue_date"],
            "supplier": "Vélo SA",
            "description": "Pneus",
            "amount_excl_vat": "200.00",
            "vat_amount": "42.00",
        }
    )
    fund_activity(world, "4444.44")
    salaried(world)
    payroll = rpc_client(world.keys["dies"]).payroll
    run = payroll.prepare_run(
        {
            "period": PERIOD,
            "items": [
                {
                    "member_id": world.member["id"],
                    "activity_id": world.activity["id"],
                    "mode": "budget",
                    "amount": "4000.00",
                }
            ],
        }
    )
    assert run["problems"] == []
    closed = payroll.close_run(run["id"])
    payroll.export_sepa(run["id"])  # the nets handed to the bank: 4552 moves to 580
    # the bank statement shows the net and the supplier paid: 580 and 440 clear
    [slip] = closed["payslips"]
    out = [
        Line(-Decimal(slip["net_to_pay"]), text=f"DIES {PERIOD} net", name="Amina", reference="OUT-NET"),
        Line(Decimal("-242.00"), text="Pneus", name="Vélo SA", reference="OUT-VELO"),
    ]
    statement = coda_file("BE05068123456775", "DIES", 12, Decimal("10000.00"), out, date.today())
    dies.import_bank_statement(
        {
            "format": "coda",
            "content": base64.b64encode(statement.encode("latin-1")).decode(),
            "filename": "dies-012.cod",
        }
    )
    return statement.encode("latin-1")


def entries(url):
    return support.count(url, "select count(*) from journal_entries")


def test_the_books_of_a_month(world, rpc_client, suite_settings):
    statement = story(world, rpc_client)
    books = rpc_client(world.keys["dies"]).accounting
    url = suite_settings["ACCOUNTING_DATABASE_URL"]
    # 6 invoices, 1 credit note, 3 payments and their 3 contributions, 1 unmatched, 1 expense,
    # 1 payslip, its payment handed to the bank, 2 movements out on the statement
    wait_for(lambda: entries(url) == 19, timeout=30, message="accounting to book the story")

    unbalanced = support.sql(
        url, "select entry_id from entry_lines group by entry_id having sum(debit) <> sum(credit)"
    )
    assert unbalanced == []
    sources = dict(support.sql(url, "select source, count(*) from journal_entries group by source"))
    assert sources == {
        "invoice": 6,
        "credit_note": 1,
        "payment": 3,
        "contribution": 3,
        "unmatched": 1,
        "expense": 1,
        "payslip": 1,
        "payment_instruction": 1,
        "bank_debit": 2,
    }
    trial = books.trial_balance({"period": PERIOD})
    assert trial["balance"] == "0.00" and trial["total_debit"] == trial["total_credit"]
    brucoop = rpc_client(world.keys["brucoop"]).accounting.trial_balance({})
    assert (brucoop["accounts"], brucoop["balance"]) == ([], "0.00")

    # the VAT return, recomputed from billing's own documents
    documents = {
        d["id"]: d
        for kind in ("invoice", "credit_note")
        for d in world.dies.list_invoices({"limit": 100, "kind": kind})["items"]
    }.values()
    assert sorted(d["kind"] for d in documents) == ["credit_note"] + ["invoice"] * 6
    grids = defaultdict(Decimal)
    for doc in documents:
        for part in doc["vat_breakdown"]:
            note = doc["kind"] == "credit_note"
            if doc["vat_regime"] == "standard":
                rate_grid = {"0.21": "03", "0.06": "01", "0.12": "02"}[part["rate"].rstrip("0").ljust(4, "0")]
                grids["49" if note else rate_grid] += Decimal(part["taxable_amount"])
                grids["64" if note else "54"] += Decimal(part["vat_amount"])
            else:
                # an art. 44 exemption in 00 (Intervat help, frame II), not 47
                grids[
                    {
                        "intra_eu_services": "44",
                        "reverse_charge_construction": "45",
                        "exempt": "00",
                        "export": "47",
                    }[doc["vat_regime"]]
                ] += Decimal(part["taxable_amount"])
    answer = books.vat_return({"period": PERIOD})
    out = answer["grids"]
    assert answer["vat_rules"]["version"] == "be-vat-2026.1"
    for grid in ("00", "01", "03", "44", "45", "47", "49", "54", "64"):
        assert Decimal(out[grid]) == grids[grid], grid
    assert all(grids[grid] for grid in ("00", "03", "44", "45", "47", "54", "64"))  # none vacuous
    assert Decimal(out["54"]) == sum(Decimal(d["total_vat"]) for d in documents if d["kind"] == "invoice")
    assert (out["82"], out["59"]) == ("200.00", "42.00")
    assert Decimal(out["71"]) == Decimal(out["54"]) - Decimal(out["64"]) - Decimal("42.00")

    # analytic balance = billing's activity account (cash basis)
    [row] = [a for a in books.analytic_balance({})["activities"] if a["activity_id"] == world.activity["id"]]
    assert row["cash_result"] == world.dies.get_activity_account(world.activity["id"])["balance"]
    assert books.general_ledger({"account": "499"})["balance"] == "0.00"  # unmatched, then matched
    # paid: the employee's net, the supplier, and the transfers account between them
    for paid in ("4552", "440", "580"):
        assert books.general_ledger({"account": paid})["balance"] == "0.00", paid

    # the month's pack for the accountant, every file read back
    pack = books.export_pack({"period": PERIOD})
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(pack["content"])))
    names = archive.namelist()
    assert (
        sorted(n.split("/")[0] for n in names) == ["bank"] + ["journals"] * 2 + ["payslips"] + ["sales"] * 14
    )
    assert archive.read("bank/dies-012.cod") == statement  # as received, byte for byte
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) == 8 and all(len(pypdfium2.PdfDocument(archive.read(n))) >= 1 for n in pdfs)
    roots = sorted(
        etree.fromstring(archive.read(n)).tag.rsplit("}", 1)[1] for n in names if n.endswith(".xml")
    )
    assert roots == ["CreditNote"] + ["Invoice"] * 6

    # a closed period refuses an entry: the late one goes to the next open month
    books.close_period({"period": PERIOD})
    late = world.dies.issue_invoice(world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    wait_for(lambda: entries(url) == 20, message="the late invoice")
    [(period, document_date)] = support.sql(
        url, "select period, document_date from journal_entries where source_id = :i", i=late["id"]
    )
    assert period > PERIOD and document_date.isoformat() == late["issue_date"]
    theirs = rpc_client(world.keys["brucoop"]).accounting.vat_return({"period": PERIOD})["grids"]
    assert set(theirs.values()) == {"0.00"}  # BRUCOOP sees nothing of Dies

    # every event again: nothing new
    for source, types in EVENTS.items():
        outbox = suite_settings[f"{source.upper()}_DATABASE_URL"]
        for event_type in types:
            for body in support.outbox_bodies(outbox, event_type):
                support.publish_raw(suite_settings["AMQP_URI"], source, event_type, body)
    time.sleep(3)
    assert entries(url) == 20
