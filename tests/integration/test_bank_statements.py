"""Bank statements imported through billing on the real broker and PostgreSQL, and their
payments matched to invoices."""

from __future__ import annotations

import base64
import subprocess
import time
from datetime import date
from decimal import Decimal

import pytest

from coop_billing.domain.structured_communication import for_invoice
from coop_cli.statement_files import Line, camt053, coda
from coop_shared.errors import ValidationError
from tests import support
from tests.integration import billing_setup

DIES_IBAN = "BE05068123456775"
PEETERS_IBAN = "BE71096123456769"


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing")
    return billing_setup.build(rpc_client)


def invoice_of(world, activity_id: str, unit_price: str = "100.00") -> dict:
    draft = world.dies.create_invoice(
        billing_setup.two_line_invoice(
            world,
            activity_id=activity_id,
            lines=[{"description": "Mission", "quantity": "1", "unit_price": unit_price, "vat_rate": "0.21"}],
        )
    )
    return world.dies.issue_invoice(draft["id"])


def digits(invoice: dict) -> str:
    return "".join(ch for ch in invoice["structured_communication"] if ch.isdigit())


def encoded(text: str, encoding="latin-1") -> str:
    return base64.b64encode(text.encode(encoding)).decode()


def test_a_coda_file_of_1000_movements_is_matched_credited_and_never_booked_twice(
    world, rpc_client, suite_settings
):
    second = world.dies_members.add_activity({"member_id": world.member["id"], "name": "Ateliers"})
    activities = [world.activity["id"], second["id"]]
    invoices = [invoice_of(world, activities[i % 2]) for i in range(40)]  # 121.00 each
    year = date.today().year
    lines = []
    for invoice in invoices:  # 400 instalments of 12.10: each invoice paid in ten
        lines += [
            Line(Decimal("12.10"), ogm=digits(invoice), name="Bakkerij Peeters BV", iban=PEETERS_IBAN)
        ] * 10
    lines += [
        Line(
            Decimal("50.00"),
            ogm=for_invoice(year, 5000 + k).strip("+").replace("/", ""),
            name="Inconnu",
            iban="BE46735123456736",
        )
        for k in range(300)
    ]
    lines += [Line(Decimal("20.00"), text=f"cotisation {k}", name="Claire Dubois") for k in range(200)]
    lines += [Line(Decimal("-5.00"), text="frais", name="Banque") for _ in range(100)]
    assert len(lines) == 1000
    content = encoded(coda(DIES_IBAN, "DIES", 1, Decimal("0.00"), lines, date.today()))
    billing = rpc_client(world.keys["dies"], timeout=300).billing

    started = time.monotonic()
    result = billing.import_bank_statement({"format": "coda", "content": content})
    print(f"\n1000-movement CODA import: {time.monotonic() - started:.1f} s")
    assert (result["movements"], result["credits"], result["debits"]) == (1000, 900, 100)
    assert (result["matched"], result["unmatched"], result["duplicates"]) == (400, 500, 0)
    assert result["warnings"] == []
    assert {line["status"] for line in result["lines"][:400]} == {"matched"}
    assert all(billing.get_invoice(i["id"])["status"] == "paid" for i in invoices)
    # Each activity earned 20 × 100.00 excl. VAT minus the 10 % contribution.
    assert [billing.get_activity_account(a)["balance"] for a in activities] == ["1800.00", "1800.00"]
    assert billing.list_unmatched_payments()["total"] == 500

    again = billing.import_bank_statement({"format": "coda", "content": content})
    assert (again["matched"], again["unmatched"], again["duplicates"]) == (0, 0, 900)
    assert again["statement_id"] == result["statement_id"]
    assert [billing.get_activity_account(a)["balance"] for a in activities] == ["1800.00", "1800.00"]
    assert support.count(suite_settings["BILLING_DATABASE_URL"], "select count(*) from payments") == 900


def test_a_corrupt_coda_file_is_refused_with_its_line_and_books_nothing(world, suite_settings):
    invoice = invoice_of(world, world.activity["id"])
    text = coda(
        DIES_IBAN, "DIES", 1, Decimal("0.00"), [Line(Decimal("121.00"), ogm=digits(invoice))], date.today()
    )
    records = text.split("\r\n")
    records[-2] = records[-2][:37] + "000000000999000" + records[-2][52:]  # trailer credit total 999.00
    with pytest.raises(ValidationError) as refused:
        world.dies.import_bank_statement({"format": "coda", "content": encoded("\r\n".join(records))})
    assert refused.value.args[1]["line"] == ["7"]  # the trailer
    assert "line 7: the trailer's credit total 999.00 is not the sum of the movements 121.00" in str(
        refused.value
    )
    records = text.split("\r\n")
    records[2] = records[2][:100]  # a truncated movement record
    with pytest.raises(ValidationError) as refused:
        world.dies.import_bank_statement({"format": "coda", "content": encoded("\r\n".join(records))})
    assert refused.value.args[1]["line"] == ["3"]
    url = suite_settings["BILLING_DATABASE_URL"]
    assert support.count(url, "select count(*) from payments") == 0
    assert support.count(url, "select count(*) from bank_statements") == 0
    assert world.dies.get_invoice(invoice["id"])["status"] == "issued"


def test_a_known_payer_without_communication_is_matched_on_the_exact_amount_due_and_gaps_are_flagged(world):
    first, second = invoice_of(world, world.activity["id"]), invoice_of(world, world.activity["id"], "200.00")
    today = date.today()
    statement_1 = camt053(
        DIES_IBAN,
        "DIES",
        "2026-001",
        Decimal("1000.00"),
        [Line(Decimal("121.00"), ogm=digits(first), name="Bakkerij Peeters BV", iban=PEETERS_IBAN)],
        today,
    )
    result = world.dies.import_bank_statement({"format": "camt053", "content": encoded(statement_1, "utf-8")})
    assert result["matched"] == 1 and result["closing_balance"] == "1121.00"

    # Peeters pays 242.00 with no reference from the IBAN seen before: the one open invoice of that
    # amount is theirs. A stranger paying the same amount stays for staff. The opening balance
    # does not follow the previous closing balance: a statement is missing.
    statement_2 = camt053(
        DIES_IBAN,
        "DIES",
        "2026-003",
        Decimal("1500.00"),
        [
            Line(Decimal("242.00"), text="betaling", name="Bakkerij Peeters BV", iban=PEETERS_IBAN),
            Line(Decimal("242.00"), text="paiement", name="Quelqu'un", iban="BE46735123456736"),
        ],
        today,
        version="08",
    )
    result = world.dies.import_bank_statement({"format": "camt053", "content": encoded(statement_2, "utf-8")})
    assert [(line["status"], line["invoice_id"]) for line in result["lines"]] == [
        ("matched", second["id"]),
        ("unmatched", None),
    ]
    assert result["warnings"] and "1121.00" in result["warnings"][0]
    assert world.dies.get_invoice(second["id"])["status"] == "paid"


def test_staff_import_a_statement_from_the_command_line(world, suite_settings, tmp_path):
    invoice = invoice_of(world, world.activity["id"])
    path = tmp_path / "dies-2026-001.cod"
    path.write_text(
        coda(
            DIES_IBAN,
            "DIES",
            1,
            Decimal("0.00"),
            [
                Line(Decimal("121.00"), ogm=digits(invoice), name="Bakkerij Peeters BV", iban=PEETERS_IBAN),
                Line(Decimal("33.00"), text="don", name="Claire Dubois", iban="BE46735123456736"),
            ],
            date.today(),
        ),
        encoding="latin-1",
    )
    settings = {"AMQP_URI": suite_settings["AMQP_URI"], "COOP_API_KEY": world.keys["dies"]}
    command = support.coop_command() + ["billing", "import-statement", str(path), "--cooperative", "dies"]
    done = subprocess.run(
        command, env=support.suite_env(settings), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "matched           1" in done.stdout and "unmatched         1" in done.stdout
    assert "33.00  Claire Dubois" in done.stdout and world.dies.get_invoice(invoice["id"])["status"] == "paid"

    wrong = subprocess.run(
        support.coop_command() + ["billing", "import-statement", str(path), "--cooperative", "brucoop"],
        env=support.suite_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert wrong.returncode == 1 and "does not belong to 'brucoop'" in wrong.stderr
