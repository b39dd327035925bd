"""Erasure on request over the real bus and PostgreSQL (GDPR art. 17,
docs/domain/retention.md): what no law keeps goes at once in every service; what must be kept
stays, each with its reason and the day it may go; insisting on a kept category is refused with
the law, and nothing changes."""

import pytest

from coop_shared.errors import BusinessRuleViolation
from tests import support
from tests.integration import privacy_setup
from tests.support import wait_for


@pytest.fixture
def person(start_services, rpc_client, tmp_path):
    settings, smtp = privacy_setup.smtp_settings(tmp_path)
    start_services(*privacy_setup.SERVICES, settings=settings)
    try:
        yield privacy_setup.build(rpc_client)
    finally:
        support.stop_process(smtp)


def test_erasure_keeps_what_the_law_keeps_and_says_why(person, suite_settings):
    members = person.admin.members
    member_id = person.member["id"]
    with pytest.raises(BusinessRuleViolation):  # still a member: the data serves the contract
        members.erase_member({"member_id": member_id})
    members.change_lifecycle({"member_id": member_id, "to": "exited", "effective_on": "2026-11-30"})
    notifications = suite_settings["NOTIFICATIONS_DATABASE_URL"]
    to_her = "select count(*) from deliveries where recipient = :r"
    wait_for(
        lambda: support.count(notifications, to_her, r=f"member:{member_id}"), message="an e-mail to her"
    )
    year = int(person.invoice["issue_date"][:4])

    with pytest.raises(BusinessRuleViolation) as refused:
        members.erase_member({"member_id": member_id, "categories": ["invoices"]})
    assert f"invoices must be kept until {year + 10}-12-31" in refused.value.message
    assert "Code of economic law art. III.86" in refused.value.message
    assert support.count(suite_settings["MEMBERS_DATABASE_URL"], "select count(*) from coaching_notes") == 1

    answer = members.erase_member({"member_id": member_id})
    kept = {k["category"]: k for k in answer["kept"]}
    assert kept["invoices"]["until"] == f"{year + 10}-12-31"
    assert kept["payroll_social"]["until"] == f"{year + 5}-12-31"
    assert kept["accounting_records"]["until"] == f"{year + 10}-12-31"
    assert kept["member_identity"]["until"] == f"{year + 5}-12-31"  # a payslip names her
    assert "Royal Decree of 8 August 1980" in kept["member_identity"]["reason"]
    erased = {(e["service"], e["category"]): e["count"] for e in answer["erased"]}
    assert erased[("members", "coaching_notes")] == 1
    assert erased[("notifications", "notification_deliveries")] >= 1
    assert support.count(suite_settings["MEMBERS_DATABASE_URL"], "select count(*) from coaching_notes") == 0
    assert support.count(notifications, to_her, r=f"member:{member_id}") == 0
    # kept: her invoice and payslip, and her name for them
    assert members.get_member(member_id)["last_name"] == "Diallo"
    assert person.admin.billing.get_invoice(person.invoice["id"])["number"] == person.invoice["number"]
