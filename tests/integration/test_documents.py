"""Document expiry reminders: once per document and threshold, the urgent one first seen."""

from datetime import date, timedelta

import pytest

from coop_shared.errors import Forbidden
from tests import support
from tests.integration import billing_setup


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing", "payroll")
    return billing_setup.build(rpc_client)


def events(url):
    return [body["payload"] for body in support.outbox_bodies(url, "document_expiring")]


def test_document_expiring_once_per_threshold(world, suite_settings, rpc_client):
    soon = world.dies_members.record_document(
        {
            "member_id": world.member["id"],
            "kind": "residence_card",
            "reference": "AI-20",
            "valid_until": (date.today() + timedelta(days=20)).isoformat(),
            "labour_market": "unlimited",
        }
    )
    urgent = world.dies_members.record_document(
        {
            "member_id": world.member["id"],
            "kind": "work_authorisation",
            "reference": "WA-5",
            "valid_until": (date.today() + timedelta(days=5)).isoformat(),
        }
    )
    world.dies_members.record_document(
        {
            "member_id": world.member["id"],
            "kind": "id_card",
            "reference": "far",
            "valid_until": (date.today() + timedelta(days=200)).isoformat(),
        }
    )
    assert world.dies_members.run_document_check()["reminders"] == 2
    assert world.dies_members.run_document_check()["reminders"] == 0
    sent = {(e["document_id"], e["days_before"]) for e in events(suite_settings["MEMBERS_DATABASE_URL"])}
    assert sent == {(soon["id"], 30), (urgent["id"], 7)}
    staff = world.dies_members.issue_api_key({"cooperative": "dies", "role": "staff", "label": "s"})
    with pytest.raises(Forbidden):
        rpc_client(staff["secret"]).members.run_document_check()
