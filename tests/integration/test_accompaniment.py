"""A BRUCOOP-style newcomer's accompaniment over the real bus and PostgreSQL
(docs/domain/accompaniment.md): enrolled with an annex 26, refused the launch before the date
work is allowed and accepted after; 0 % contribution during the test phase and the
cooperative's rate after on the same activity; coaching notes for the coach only, every read
logged; a funder report whose counts match the enrolments."""

import base64

import pytest

from coop_shared.errors import BusinessRuleViolation, Forbidden
from tests import support
from tests.integration import billing_setup


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing", "payroll")
    world = billing_setup.build(rpc_client)
    admin = world.dies_members
    coach = admin.issue_api_key({"cooperative": "dies", "role": "staff", "label": "Coach Sarah"})
    other = admin.issue_api_key({"cooperative": "dies", "role": "staff", "label": "Accountant"})
    programme = admin.create_programme(
        {
            "name": "From asylum to enterprise 2026",
            "funders": ["ESF+"],
            "eligibility": ["international_protection_applicant"],
            "capacity": 20,
            "coach_key_ids": [coach["key_id"]],
            "starts_on": "2026-01-01",
        }
    )
    admin.record_document(
        {
            "member_id": world.member["id"],
            "kind": "annex_26",
            "reference": "A26-0042",
            "valid_until": "2026-07-10",
        }
    )
    enrolment = admin.enrol_member(
        {
            "programme_id": programme["id"],
            "member_id": world.member["id"],
            "coach_key_id": coach["key_id"],
            "entered_on": "2026-02-01",
            "language": "fr",
            "interpreter": "Pular",
            "profile": {"labour_situation": "international_protection_applicant", "languages": ["fr", "ff"]},
            "protection_applied_on": "2026-01-10",
        }
    )
    return (
        world,
        programme,
        enrolment,
        rpc_client(coach["secret"]).members,
        rpc_client(other["secret"]).members,
    )


def test_the_launch_waits_for_the_right_to_work(world):
    world, _, enrolment, _, _ = world
    admin = world.dies_members
    assert enrolment["right_to_work"]["work_allowed_from"] == "2026-05-10"
    admin.move_phase({"enrolment_id": enrolment["id"], "to": "test", "on": "2026-03-01"})
    with pytest.raises(BusinessRuleViolation) as refused:
        admin.move_phase(
            {
                "enrolment_id": enrolment["id"],
                "to": "launch",
                "on": "2026-04-01",
                "status_model": "be_salaried",
            }
        )
    assert "No right to work on 2026-04-01" in refused.value.message
    assert refused.value.details["work_allowed_from"] == "2026-05-10"
    admin.record_document(
        {
            "member_id": world.member["id"],
            "kind": "orange_card",
            "reference": "AI-0042",
            "valid_from": "2026-05-10",
            "valid_until": "2026-11-10",
            "labour_market": "unlimited",
        }
    )
    launched = admin.move_phase(
        {"enrolment_id": enrolment["id"], "to": "launch", "on": "2026-05-15", "status_model": "be_salaried"}
    )
    assert [p["phase"] for p in launched["phase_history"]] == ["intake", "test", "launch"]
    history = admin.get_member(world.member["id"])["status_history"]
    assert [(s["status_model"], s["valid_from"], s["valid_until"]) for s in history] == [
        ("trial", "2026-03-01", "2026-05-14"),
        ("be_salaried", "2026-05-15", None),
    ]


def test_no_contribution_during_the_test_phase_then_the_cooperatives_rate(world):
    world, _, _, _, _ = world
    world.dies_members.set_contribution_rate(
        {
            "activity_id": world.activity["id"],
            "rate": "0",
            "valid_from": "2026-03-01",
            "valid_until": "2026-05-14",
        }
    )
    for value_date, reference in (("2026-04-01", "STMT-9-001"), ("2026-06-01", "STMT-9-002")):
        invoice = world.dies.issue_invoice(
            world.dies.create_invoice(
                {
                    "activity_id": world.activity["id"],
                    "customer_id": world.nl_customer["id"],
                    "vat_regime": "standard",
                    "lines": [
                        {
                            "description": "Catering",
                            "quantity": "1",
                            "unit_price": "100.00",
                            "vat_rate": "0.21",
                        }
                    ],
                }
            )["id"]
        )
        world.dies.record_payment(
            {
                "amount": "121.00",
                "value_date": value_date,
                "bank_reference": reference,
                "invoice_id": invoice["id"],
            }
        )
    entries = world.dies.get_activity_account(world.activity["id"])["entries"]
    assert [(e["kind"], e["amount"]) for e in entries] == [
        ("revenue", "100.00"),
        ("contribution", "0.00"),
        ("revenue", "100.00"),
        ("contribution", "-10.00"),
    ]
    assert entries[0]["reference"].endswith("contribution 0 % (activity rate on 2026-04-01)")
    assert entries[2]["reference"].endswith("contribution 10 %")


def test_a_rate_set_after_a_payment_applies_to_the_next_one_though_billing_keeps_rates(world):
    """Billing keeps the rate members answered for an activity and day (coop_billing.clients);
    members' `contribution_rate_changed` broadcast makes it ask again, so the payment after a
    correction is booked at the corrected rate."""
    from coop_billing import clients

    world, _, _, _, _ = world
    activity_id = world.activity["id"]

    def pay(reference: str):
        invoice = world.dies.issue_invoice(
            world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"]
        )
        world.dies.record_payment(
            {
                "amount": invoice["total_incl_vat"],
                "value_date": "2026-04-01",
                "bank_reference": reference,
                "invoice_id": invoice["id"],
            }
        )

    pay("STMT-10-001")
    assert clients.RATES.get(activity_id) is not None  # kept: the next payment would not ask
    world.dies_members.set_contribution_rate(
        {"activity_id": activity_id, "rate": "0.05", "valid_from": "2026-03-01", "valid_until": None}
    )
    support.wait_for(lambda: clients.RATES.get(activity_id) is None, timeout=10, message="billing to forget")
    pay("STMT-10-002")
    contributions = [
        e["reference"]
        for e in world.dies.get_activity_account(activity_id)["entries"]
        if e["kind"] == "contribution"
    ]
    assert contributions[0].endswith("contribution 10 %")
    assert contributions[1].endswith("contribution 5 % (activity rate on 2026-04-01)")


def test_coaching_notes_are_the_coachs_and_every_read_is_logged(world):
    world, _, enrolment, coach, other = world
    coach.add_coaching_note({"enrolment_id": enrolment["id"], "text": "Wants to open a catering business."})
    assert [n["text"] for n in coach.list_coaching_notes(enrolment["id"])["items"]] == [
        "Wants to open a catering business."
    ]
    with pytest.raises(Forbidden):
        other.list_coaching_notes(enrolment["id"])
    log = world.dies_members.list_note_reads(enrolment["id"])["items"]
    assert [(r["reader"], r["granted"]) for r in log] == [("Coach Sarah", True), ("Accountant", False)]


def test_the_funder_report_counts_the_enrolments(world):
    world, programme, enrolment, coach, _ = world
    appointment = coach.schedule_appointment(
        {
            "enrolment_id": enrolment["id"],
            "kind": "workshop",
            "title": "Pricing workshop",
            "starts_at": "2026-03-05T14:00:00+01:00",
            "duration_minutes": 120,
        }
    )
    assert (appointment["language"], appointment["interpreter"]) == ("fr", "Pular")
    coach.record_attendance({"appointment_id": appointment["id"], "attended": True})
    invoice = world.dies.issue_invoice(world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    world.dies.record_payment(
        {
            "amount": "1180.01",
            "value_date": "2026-06-01",
            "bank_reference": "STMT-9-003",
            "invoice_id": invoice["id"],
        }
    )
    report = coach.funder_report({"programme_id": programme["id"], "from": "2026-01-01", "to": "2026-12-31"})
    assert (report["participants"], report["entries"], report["exits"]) == (1, 1, 0)
    assert report["participants_by_phase"] == {"intake": 1}
    assert report["hours_of_accompaniment"] == "2.00"
    assert report["turnover"] == "1000.01"  # the revenue excl. VAT booked in the period
    assert "name" not in report["rows"][0]
    csv_report = world.dies_members.funder_report(
        {
            "programme_id": programme["id"],
            "from": "2026-01-01",
            "to": "2026-12-31",
            "format": "csv",
            "nominative": True,
        }
    )
    assert "Amina Diallo,intake,2026-02-01,international_protection_applicant,30_54," in base64.b64decode(
        csv_report["content"]
    ).decode("utf-8")
