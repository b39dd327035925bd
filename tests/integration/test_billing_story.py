"""The Dies story over the real bus and PostgreSQL: invoice, payments, ledger, credit note."""

from datetime import date, timedelta

import pytest
from stdnum.be import ogm_vcs

from tests.integration import billing_setup


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing")
    return billing_setup.build(rpc_client)


def test_dies_story(world):
    dies = world.dies
    draft = dies.create_invoice(billing_setup.two_line_invoice(world))
    # 800.00 + 21 % = 168.00 VAT; 3 × 66.67 = 200.01, 6 % = 12.0006 → 12.00
    assert (draft["status"], draft["total_excl_vat"], draft["total_vat"], draft["total_incl_vat"]) == (
        "draft",
        "1000.01",
        "180.00",
        "1180.01",
    )
    assert [(b["rate"], b["taxable_amount"], b["vat_amount"]) for b in draft["vat_breakdown"]] == [
        ("0.21", "800.00", "168.00"),
        ("0.06", "200.01", "12.00"),
    ]

    issued = dies.issue_invoice(draft["id"])
    year = date.today().year
    assert issued["number"] == f"DIES-{year}-00001"
    assert issued["status"] == "issued" and issued["amount_due"] == "1180.01"
    communication = issued["structured_communication"]
    assert communication.startswith("+++") and ogm_vcs.is_valid(communication.strip("+"))
    assert date.fromisoformat(issued["due_date"]) - date.fromisoformat(issued["issue_date"]) == timedelta(
        days=30
    )

    first = dies.record_payment(
        {
            "amount": "500.00",
            "value_date": issued["issue_date"],
            "bank_reference": "STMT-1-001",
            "structured_communication": communication,
        }
    )
    assert (first["status"], first["applied"], first["invoice_id"]) == ("matched", "500.00", draft["id"])
    assert dies.get_invoice(draft["id"])["status"] == "partially_paid"
    second = dies.record_payment(
        {
            "amount": "680.01",
            "value_date": issued["issue_date"],
            "bank_reference": "STMT-1-002",
            "communication": communication.replace("+", "*"),
        }
    )
    assert second["status"] == "matched"
    paid = dies.get_invoice(draft["id"])
    assert (paid["status"], paid["amount_due"]) == ("paid", "0.00")

    duplicate = dies.record_payment(
        {
            "amount": "680.01",
            "value_date": issued["issue_date"],
            "bank_reference": "STMT-1-002",
            "structured_communication": communication,
        }
    )
    assert (duplicate["status"], duplicate["payment_id"]) == ("duplicate", second["payment_id"])

    account = dies.get_activity_account(world.activity["id"])
    # Revenue excl. VAT: 500.00 × 1000.01/1180.01 = 423.73, then 1000.01 − 423.73 = 576.28.
    # Contribution 10 %: 42.37, then 100.00 − 42.37 = 57.63 (cumulative, no cent lost).
    assert [(e["kind"], e["amount"]) for e in account["entries"]] == [
        ("revenue", "423.73"),
        ("contribution", "-42.37"),
        ("revenue", "576.28"),
        ("contribution", "-57.63"),
    ]
    assert account["balance"] == "900.01"  # 1000.01 − 100.00

    second_invoice = dies.issue_invoice(dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    assert second_invoice["number"] == f"DIES-{year}-00002"
    line = second_invoice["lines"][1]
    note = dies.create_credit_note(
        {
            "invoice_id": second_invoice["id"],
            "reason": "Un livre manquant",
            "lines": [{"line_id": line["id"], "quantity": "1"}],
        }
    )
    assert note["number"] == f"DIES-CN-{year}-00001"
    assert (note["total_excl_vat"], note["total_vat"], note["total_incl_vat"]) == ("66.67", "4.00", "70.67")
    after = dies.get_invoice(second_invoice["id"])
    assert (after["amount_due"], after["amount_credited"], after["status"]) == ("1109.34", "70.67", "issued")
    assert after["credit_notes"] == [{"id": note["id"], "number": note["number"]}]
    assert dies.get_activity_account(world.activity["id"])["balance"] == "900.01"  # nothing paid on it yet
