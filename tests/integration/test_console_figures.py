"""The figures the console's home page reads, over the real bus and PostgreSQL: the documents
expiring soon (members.list_expiring_documents), a member's documents
(members.list_member_documents) and what was invoiced and received per month
(billing.monthly_totals), each only of the caller's cooperative."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from coop_shared.dates import brussels_today
from coop_shared.errors import Forbidden, NotFound, ValidationError
from tests.integration import billing_setup


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing")
    return billing_setup.build(rpc_client)


def _period(day: date) -> str:
    return day.isoformat()[:7]


def test_documents_expiring_within_the_days_asked_soonest_first(world, rpc_client):
    today = brussels_today()
    member_id = world.member["id"]

    def document(reference, days, kind="residence_card"):
        return world.dies_members.record_document(
            {
                "member_id": member_id,
                "kind": kind,
                "reference": reference,
                "valid_until": (today + timedelta(days=days)).isoformat(),
            }
        )

    later = document("AI-25", 25)
    soon = document("WA-3", 3, kind="work_authorisation")
    document("far", 200, kind="id_card")
    document("gone", -1, kind="id_card")

    expiring = world.dies_members.list_expiring_documents()
    assert expiring["total"] == 2
    assert [(d["id"], d["days_left"], d["member_name"]) for d in expiring["items"]] == [
        (soon["id"], 3, "Amina Diallo"),
        (later["id"], 25, "Amina Diallo"),
    ]
    assert expiring["items"][0]["valid_until"] == (today + timedelta(days=3)).isoformat()
    assert world.dies_members.list_expiring_documents({"within_days": 5})["total"] == 1
    assert world.dies_members.list_expiring_documents({"within_days": 365})["total"] == 3

    documents = world.dies_members.list_member_documents(member_id)
    assert [d["reference"] for d in documents["items"]] == ["gone", "WA-3", "AI-25", "far"]

    brucoop_members = rpc_client(world.keys["brucoop"]).members
    assert brucoop_members.list_expiring_documents({"within_days": 365}) == {"items": [], "total": 0}
    with pytest.raises(NotFound):
        brucoop_members.list_member_documents(member_id)


def test_invoiced_less_credited_and_received_per_month(world, rpc_client):
    dies = world.dies
    today = brussels_today()
    this_month = _period(today)
    last_month = _period(today.replace(day=1) - timedelta(days=1))
    dies.create_invoice(billing_setup.two_line_invoice(world))  # a draft counts for nothing
    issued = dies.issue_invoice(dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    credit = dies.create_credit_note(
        {"invoice_id": issued["id"], "lines": [{"line_id": issued["lines"][1]["id"]}], "reason": "Returned"}
    )
    dies.record_payment(
        {
            "amount": "500.00",
            "value_date": today.isoformat(),
            "bank_reference": "STMT-9-001",
            "structured_communication": issued["structured_communication"],
        }
    )
    dies.record_payment(  # unmatched, valued last month: received all the same
        {"amount": "20.00", "value_date": f"{last_month}-15", "bank_reference": "STMT-8-001"}
    )

    totals = dies.monthly_totals({"from_period": last_month, "to_period": this_month})
    expected_invoiced = Decimal(issued["total_incl_vat"]) - Decimal(credit["total_incl_vat"])
    assert totals == {
        "items": [
            {"period": last_month, "invoiced_incl_vat": "0.00", "received": "20.00"},
            {"period": this_month, "invoiced_incl_vat": f"{expected_invoiced:.2f}", "received": "500.00"},
        ],
        "total": 2,
    }
    assert world.brucoop.monthly_totals({"from_period": this_month, "to_period": this_month})["items"] == [
        {"period": this_month, "invoiced_incl_vat": "0.00", "received": "0.00"}
    ]
    with pytest.raises(ValidationError):
        dies.monthly_totals({"from_period": this_month, "to_period": last_month})
    member_key = world.dies_members.issue_api_key(
        {"cooperative": "dies", "role": "member", "label": "amina", "member_id": world.member["id"]}
    )["secret"]
    with pytest.raises(Forbidden):
        rpc_client(member_key).billing.monthly_totals({"from_period": this_month, "to_period": this_month})


def test_a_members_enrolments_as_get_enrolment_gives_them(world, rpc_client):
    admin = world.dies_members
    coach = admin.issue_api_key({"cooperative": "dies", "role": "staff", "label": "Coach Sarah"})
    assert admin.list_member_enrolments(world.member["id"]) == {"items": [], "total": 0}
    programme = admin.create_programme(
        {
            "name": "Test your business",
            "capacity": 5,
            "coach_key_ids": [coach["key_id"]],
            "starts_on": "2026-01-01",
        }
    )
    enrolment = admin.enrol_member(
        {
            "programme_id": programme["id"],
            "member_id": world.member["id"],
            "coach_key_id": coach["key_id"],
            "entered_on": "2026-02-01",
            "language": "fr",
            "profile": {"labour_situation": "job_seeker"},
        }
    )
    listed = admin.list_member_enrolments(world.member["id"])
    assert listed["total"] == 1
    assert listed["items"][0] == admin.get_enrolment(enrolment["id"])
    assert (listed["items"][0]["programme"], listed["items"][0]["phase"]) == ("Test your business", "intake")
    with pytest.raises(NotFound):
        rpc_client(world.keys["brucoop"]).members.list_member_enrolments(world.member["id"])
