"""Billing's rules over the real bus and PostgreSQL: tenancy, roles, bad input, idempotency,
overpayments, reminders, payroll charges, and the ledger's balance."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from coop_shared.errors import BusinessRuleViolation, Forbidden, NotFound, ValidationError
from coop_shared.events import make_event
from tests import support
from tests.integration import billing_setup
from tests.support import wait_for


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing")
    return billing_setup.build(rpc_client)


rows = support.sql


def issued_invoice(world, **extra):
    return world.dies.issue_invoice(
        world.dies.create_invoice(billing_setup.two_line_invoice(world, **extra))["id"]
    )


def test_brucoop_cannot_read_pay_or_credit_a_dies_invoice(world):
    invoice = issued_invoice(world)
    with pytest.raises(NotFound):
        world.brucoop.get_invoice(invoice["id"])
    with pytest.raises(NotFound):
        world.brucoop.record_payment(
            {
                "amount": "10.00",
                "value_date": "2026-11-02",
                "bank_reference": "B-1",
                "invoice_id": invoice["id"],
            }
        )
    with pytest.raises(NotFound):
        world.brucoop.create_credit_note({"invoice_id": invoice["id"], "reason": "no"})
    with pytest.raises(NotFound):
        world.brucoop.render_invoice({"invoice_id": invoice["id"], "format": "pdf"})
    with pytest.raises(NotFound):
        world.brucoop.get_activity_account(world.activity["id"])
    with pytest.raises(NotFound):  # another cooperative's activity cannot be invoiced
        world.brucoop.create_invoice(
            dict(
                billing_setup.two_line_invoice(world),
                customer_id=world.brucoop.create_customer(billing_setup.FR_PERSON)["id"],
            )
        )
    # BRUCOOP's bank receiving Dies' communication: not matched, and Dies' invoice untouched.
    assert (
        world.brucoop.record_payment(
            {
                "amount": "10.00",
                "value_date": "2026-11-02",
                "bank_reference": "B-2",
                "structured_communication": invoice["structured_communication"],
            }
        )["status"]
        == "unmatched"
    )
    assert world.dies.get_invoice(invoice["id"])["amount_due"] == invoice["amount_due"]
    assert world.brucoop.list_invoices()["total"] == 0


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda p: p["lines"][0].update(unit_price=800.0), "lines"),
        (lambda p: p["lines"][0].update(quantity="-1"), "lines"),
        (lambda p: p["lines"][0].update(vat_rate="0.19"), "lines.0.vat_rate"),
        (
            lambda p: p.update(
                vat_regime="reverse_charge_construction", lines=[dict(p["lines"][0], vat_rate="0")]
            ),
            "customer_id",
        ),
        (lambda p: p.update(vat_regime="exempt"), "lines.0.vat_rate"),
        (lambda p: p.update(vat_regime="moon_tax"), "vat_regime"),
        (lambda p: p.update(lines=[]), "lines"),
    ],
)
def test_bad_invoice_payload_names_the_field_and_stores_nothing(world, suite_settings, change, field):
    payload = billing_setup.two_line_invoice(
        world, customer_id=world.dies.create_customer(billing_setup.FR_PERSON)["id"]
    )
    change(payload)
    with pytest.raises(ValidationError) as error:
        world.dies.create_invoice(payload)
    assert field in error.value.fields, error.value.fields
    assert rows(suite_settings["BILLING_DATABASE_URL"], "select count(*) from invoices")[0][0] == 0


def test_nested_errors_say_which_line_and_field(world):
    payload = billing_setup.two_line_invoice(world)
    payload["lines"][1]["quantity"] = "-3"
    payload["lines"][0]["unit_price"] = 0.5
    with pytest.raises(ValidationError) as error:
        world.dies.create_invoice(payload)
    assert set(error.value.fields["lines"]) == {"0", "1"}
    assert "floats" in error.value.fields["lines"]["0"]["unit_price"][0]
    assert "greater than zero" in error.value.fields["lines"]["1"]["quantity"][0]


def test_reverse_charge_and_intra_eu_carry_no_vat_and_need_the_right_vat_number(world):
    construction = world.dies.create_invoice(
        billing_setup.two_line_invoice(
            world,
            vat_regime="reverse_charge_construction",
            lines=[
                {"description": "Pose de cuisine", "quantity": "1", "unit_price": "2500.00", "vat_rate": "0"}
            ],
        )
    )
    assert (construction["total_vat"], construction["vat_breakdown"][0]["category"]) == ("0.00", "AE")
    german = world.dies.create_customer(billing_setup.DE_COMPANY)
    services = world.dies.create_invoice(
        billing_setup.two_line_invoice(
            world,
            vat_regime="intra_eu_services",
            customer_id=german["id"],
            lines=[{"description": "Consulting", "quantity": "2", "unit_price": "450.00", "vat_rate": "0"}],
        )
    )
    # Intra-EU services are a reverse charge: category AE (art. 196 Directive 2006/112/EC); K is goods.
    assert (services["total_incl_vat"], services["vat_breakdown"][0]["category"]) == ("900.00", "AE")
    with pytest.raises(ValidationError) as error:  # a Belgian customer is not intra-EU
        world.dies.create_invoice(
            billing_setup.two_line_invoice(
                world,
                vat_regime="intra_eu_services",
                lines=[{"description": "x", "quantity": "1", "unit_price": "1.00", "vat_rate": "0"}],
            )
        )
    assert "customer_id" in error.value.fields


def test_drafts_change_issued_invoices_never(world):
    draft = world.dies.create_invoice(billing_setup.two_line_invoice(world))
    updated = world.dies.update_invoice(
        dict(
            billing_setup.two_line_invoice(world),
            id=draft["id"],
            lines=[{"description": "Une course", "quantity": "2", "unit_price": "25.00", "vat_rate": "0.21"}],
        )
    )
    assert (updated["total_excl_vat"], updated["total_incl_vat"]) == ("50.00", "60.50")
    issued = world.dies.issue_invoice(draft["id"])
    assert world.dies.issue_invoice(draft["id"])["number"] == issued["number"]  # repeat changes nothing
    with pytest.raises(BusinessRuleViolation):
        world.dies.update_invoice(dict(billing_setup.two_line_invoice(world), id=draft["id"]))
    with pytest.raises(BusinessRuleViolation):
        world.dies.delete_invoice(draft["id"])
    other = world.dies.create_invoice(billing_setup.two_line_invoice(world))
    assert world.dies.delete_invoice(other["id"])["deleted"] is True
    with pytest.raises(NotFound):
        world.dies.get_invoice(other["id"])


def test_idempotency_key_returns_the_first_invoice(world, suite_settings):
    first = world.dies.create_invoice(billing_setup.two_line_invoice(world, idempotency_key="order-42"))
    again = world.dies.create_invoice(billing_setup.two_line_invoice(world, idempotency_key="order-42"))
    assert again["id"] == first["id"]
    assert rows(suite_settings["BILLING_DATABASE_URL"], "select count(*) from invoices")[0][0] == 1


def test_overpayment_is_kept_and_staff_can_match_it(world):
    invoice = issued_invoice(world)
    other = issued_invoice(world)
    paid = world.dies.record_payment(
        {
            "amount": "1200.00",
            "value_date": "2026-11-03",
            "bank_reference": "OVR-1",
            "structured_communication": invoice["structured_communication"],
        }
    )
    assert (paid["status"], paid["applied"], paid["unallocated"]) == ("matched", "1180.01", "19.99")
    stray = world.dies.record_payment(
        {
            "amount": "1160.02",
            "value_date": "2026-11-03",
            "bank_reference": "OVR-2",
            "communication": "facture novembre",
        }
    )
    assert stray["status"] == "unmatched"
    unmatched = world.dies.list_unmatched_payments()
    assert {(p["bank_reference"], p["unallocated"]) for p in unmatched["items"]} == {
        ("OVR-1", "19.99"),
        ("OVR-2", "1160.02"),
    }
    world.dies.match_payment({"payment_id": stray["payment_id"], "invoice_id": other["id"]})
    world.dies.match_payment({"payment_id": paid["payment_id"], "invoice_id": other["id"]})
    assert world.dies.get_invoice(other["id"])["status"] == "paid"
    assert world.dies.list_unmatched_payments()["total"] == 0


def test_member_key_sees_own_invoices_and_drafts_but_does_not_issue(world, rpc_client):
    own_draft = world.dies.create_invoice(billing_setup.two_line_invoice(world))
    other_member = world.dies_members.register_member(
        {"first_name": "Bram", "last_name": "Claes", "email": "bram@example.org", "language": "nl"}
    )
    other_activity = world.dies_members.add_activity({"member_id": other_member["id"], "name": "Schrijnwerk"})
    others = world.dies.create_invoice(
        dict(billing_setup.two_line_invoice(world), activity_id=other_activity["id"])
    )
    key = world.dies_members.issue_api_key(
        {"cooperative": "dies", "role": "member", "label": "Amina", "member_id": world.member["id"]}
    )
    amina = rpc_client(key["secret"]).billing
    assert [i["id"] for i in amina.list_invoices()["items"]] == [own_draft["id"]]
    with pytest.raises(NotFound):
        amina.get_invoice(others["id"])
    with pytest.raises(NotFound):
        amina.create_invoice(dict(billing_setup.two_line_invoice(world), activity_id=other_activity["id"]))
    assert amina.create_invoice(billing_setup.two_line_invoice(world))["status"] == "draft"
    with pytest.raises(Forbidden):
        amina.issue_invoice(own_draft["id"])
    auditor = rpc_client(
        world.dies_members.issue_api_key({"cooperative": "dies", "role": "auditor", "label": "audit"})[
            "secret"
        ]
    ).billing
    assert auditor.list_invoices()["total"] == 3
    with pytest.raises(Forbidden):
        auditor.create_invoice(billing_setup.two_line_invoice(world))


def test_overdue_reminders_once_per_level_with_late_terms(world, suite_settings):
    long_ago = (date.today() - timedelta(days=50)).isoformat()
    invoice = issued_invoice(world, issue_date=long_ago)
    assert invoice["due_date"] == (date.today() - timedelta(days=20)).isoformat()
    assert world.dies.run_overdue_check()["reminders"] == 2  # 1 day and 15 days late
    assert world.dies.run_overdue_check()["reminders"] == 0  # never twice
    events = rows(
        suite_settings["BILLING_DATABASE_URL"],
        "select body from outbox where event_type = 'invoice_overdue' order by id",
    )
    payloads = [e[0]["payload"] for e in events]
    assert [p["level"] for p in payloads] == [1, 2]
    # 1180.01 × 10.50 % × 20 / 365 = 6.79; plus the flat 40 EUR for a business customer
    assert (payloads[0]["days_late"], payloads[0]["interest_to_date"], payloads[0]["recovery_indemnity"]) == (
        20,
        "6.79",
        "40.00",
    )
    with pytest.raises(ValidationError):
        world.dies.run_overdue_check({"on": (date.today() + timedelta(days=1)).isoformat()})


def test_a_consumer_gets_a_free_reminder_and_pays_nothing_more_before_14_days(
    world, suite_settings, rpc_client
):
    """Book XIX CDE (docs/domain/late-payment.md): the terms set before issuing (interest and a
    lump sum) are frozen on the invoice and claimed only once the free reminder's term is over."""
    settings = world.dies.set_billing_settings({"consumer_interest": True, "consumer_lump_sum": True})
    assert (
        settings
        == world.dies.get_billing_settings()
        == {"consumer_interest": True, "consumer_lump_sum": True}
    )
    person = world.dies.create_customer(billing_setup.FR_PERSON)
    long_ago = (date.today() - timedelta(days=50)).isoformat()
    invoice = issued_invoice(world, issue_date=long_ago, customer_id=person["id"])
    due = date.fromisoformat(invoice["due_date"])  # 20 days ago
    assert world.dies.run_overdue_check({"on": (due + timedelta(days=1)).isoformat()})["reminders"] == 1
    assert world.dies.run_overdue_check({"on": (due + timedelta(days=15)).isoformat()})["reminders"] == 0
    assert world.dies.run_overdue_check()["reminders"] == 1  # today: the term ran out 5 days ago
    events = rows(
        suite_settings["BILLING_DATABASE_URL"],
        "select body from outbox where event_type = 'invoice_overdue' order by id",
    )
    first, second = (e[0]["payload"] for e in events)
    assert (first["law"], first["level"], first["pay_by"]) == (
        "cdeb_book_xix",
        1,
        (due + timedelta(days=15)).isoformat(),
    )
    assert (first["interest_to_date"], first["recovery_indemnity"], first["lump_sum_if_unpaid"]) == (
        "0.00",
        "0.00",
        "99.00",  # €65 + 5 % × (1180.01 − 500)
    )
    # 1180.01 × 10.50 % × 5 / 365 = 1.70, and the lump sum within its cap
    assert (
        second["level"],
        second["interest_to_date"],
        second["recovery_indemnity"],
        second["total_claimed"],
    ) == (
        2,
        "1.70",
        "99.00",
        "1280.71",
    )
    assert first["iban"] == "BE05068123456775" and first["enterprise_number"]
    key = world.dies_members.issue_api_key({"cooperative": "dies", "role": "staff", "label": "office"})
    with pytest.raises(Forbidden):  # the cooperative's terms are an admin matter
        rpc_client(key["secret"]).billing.set_billing_settings(
            {"consumer_interest": False, "consumer_lump_sum": False}
        )


def test_payslip_issued_debits_the_activity_once(world, suite_settings):
    issued = issued_invoice(world)
    world.dies.record_payment(
        {
            "amount": issued["total_incl_vat"],
            "value_date": issued["issue_date"],
            "bank_reference": "PAY-1",
            "invoice_id": issued["id"],
        }
    )
    dies_id = world.dies_members.get_cooperative("dies")["id"]
    event = make_event(
        "payslip_issued",
        dies_id,
        "dies",
        {
            "payslip_id": "slip-2026-11-amina",
            "activity_id": world.activity["id"],
            "member_id": world.member["id"],
            "total_cost": "750.00",
            "period": "2026-11",
        },
    )
    for _ in range(2):  # the same event delivered twice
        support.publish_raw(suite_settings["AMQP_URI"], "payroll", "payslip_issued", event)
    support.publish_raw(
        suite_settings["AMQP_URI"],
        "payroll",
        "payslip_issued",  # same payslip, new event id
        dict(event, event_id="00000000-0000-4000-8000-000000000001"),
    )

    def payroll_entries():
        return [
            e
            for e in world.dies.get_activity_account(world.activity["id"])["entries"]
            if e["kind"] == "payroll"
        ]

    assert wait_for(payroll_entries)[0]["amount"] == "-750.00"
    wait_for(lambda: rows(suite_settings["BILLING_DATABASE_URL"], "select count(*) from inbox")[0][0] == 2)
    assert len(payroll_entries()) == 1
    assert world.dies.get_activity_account(world.activity["id"])["balance"] == "150.01"  # 900.01 − 750.00


def test_expenses_debit_and_every_transaction_balances(world, suite_settings):
    invoice = issued_invoice(world)
    world.dies.record_payment(
        {"amount": "333.33", "value_date": "2026-11-04", "bank_reference": "L-1", "invoice_id": invoice["id"]}
    )
    world.dies.record_expense(
        {
            "activity_id": world.activity["id"],
            "date": "2026-11-05",
            "supplier": "Vélo Shop",
            "description": "Pneus",
            "amount_excl_vat": "80.00",
            "vat_amount": "16.80",
            "idempotency_key": "exp-1",
        }
    )
    world.dies.record_expense(
        {
            "activity_id": world.activity["id"],
            "date": "2026-11-05",
            "supplier": "Vélo Shop",
            "description": "Pneus",
            "amount_excl_vat": "80.00",
            "vat_amount": "16.80",
            "idempotency_key": "exp-1",
        }
    )
    url = suite_settings["BILLING_DATABASE_URL"]
    unbalanced = rows(
        url,
        "select transaction_id, sum(amount) from ledger_postings group by transaction_id "
        "having sum(amount) <> 0",
    )
    assert unbalanced == []
    account = world.dies.get_activity_account(world.activity["id"])
    stored = rows(
        url,
        "select sum(amount) from ledger_postings where account = :a",
        a=f"activity:{world.activity['id']}",
    )[0][0]
    assert Decimal(account["balance"]) == stored
    # Independent recomputation: revenue of 333.33 paid, 10 % contribution, minus the expense once.
    revenue = (Decimal("1000.01") * Decimal("333.33") / Decimal("1180.01")).quantize(Decimal("0.01"))
    contribution = (revenue * Decimal("0.10")).quantize(Decimal("0.01"))
    assert Decimal(account["balance"]) == revenue - contribution - Decimal("80.00")
