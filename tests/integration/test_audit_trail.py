"""The trail (docs/adr/021-nothing-run-twice-and-the-trail.md): money records and admin actions
store the key that made them; `members.audit_log` lists them for a cooperative's admins and
auditors, paged and filtered; every key is listed, never a secret; an exited member's keys stop
working at once; a revocation whose broadcast is missed is refused once the cache period ends.
"""

import json
import time
from collections import Counter
from datetime import date, timedelta

import pytest
import requests
import sqlalchemy as sa

from coop_shared.errors import Forbidden
from tests import support
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.integration import billing_setup


@pytest.fixture
def dies(start_services, rpc_client):
    start_services(
        "members",
        "billing",
        "notifications",
        "accounting",
        settings={"COOP_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8"},
    )
    keys = support.admin_keys(rpc_client, DIES, BRUCOOP)
    admin = rpc_client(keys["dies"])
    issued = {
        role: admin.members.issue_api_key({"cooperative": "dies", "role": role, "label": f"the {role}"})
        for role in ("staff", "auditor")
    }
    return admin, keys, issued


def audit_entries(client, expected: int, **filters) -> dict:
    """The audit log once it holds `expected` entries (the other services' arrive by event)."""
    return support.wait_for(
        lambda: (page := client.members.audit_log(filters))["total"] == expected and page,
        timeout=20,
        message=f"{expected} audit entries for {filters}",
    )


def test_money_records_and_admin_actions_name_their_key(dies, rpc_client, suite_settings):
    admin, keys, issued = dies
    admin_id = admin.members.whoami()["key_id"]
    staff = rpc_client(issued["staff"]["secret"])
    staff_id = issued["staff"]["key_id"]
    member = staff.members.register_member(AMINA)
    activity = staff.members.add_activity({"member_id": member["id"], "name": "Vélo-livraisons"})
    customer = staff.billing.create_customer(billing_setup.NL_CUSTOMER)
    world = billing_setup.World(staff.billing, staff.members, None, member, activity, customer, {})
    invoice = staff.billing.issue_invoice(
        staff.billing.create_invoice(billing_setup.two_line_invoice(world))["id"]
    )
    staff.billing.record_payment(
        {
            "amount": invoice["total_incl_vat"],
            "value_date": invoice["issue_date"],
            "bank_reference": "TRAIL-1",
            "invoice_id": invoice["id"],
        }
    )
    admin.billing.set_billing_settings({"consumer_interest": True, "consumer_lump_sum": True})
    hook = admin.notifications.register_webhook(
        {"url": "http://127.0.0.1:18080/coop", "events": ["invoice_issued"], "secret": "s" * 32}
    )
    admin.notifications.remove_webhook(hook["id"])
    admin.accounting.close_period({"period": "2026-01"})
    admin.accounting.reopen_period({"period": "2026-01"})

    # The records themselves name the key, as an auditor reading the tables would check.
    billing_db = suite_settings["BILLING_DATABASE_URL"]
    assert support.sql(billing_db, "select created_by, issued_by from invoices") == [(staff_id, staff_id)]
    assert support.sql(billing_db, "select created_by from payments") == [(staff_id,)]
    assert {row[0] for row in support.sql(billing_db, "select created_by from ledger_transactions")} == {
        staff_id
    }
    assert support.sql(
        suite_settings["NOTIFICATIONS_DATABASE_URL"], "select created_by, removed_by from webhooks"
    ) == [(admin_id, admin_id)]

    # Dies: its creation and first key (by the platform), 2 keys by its admin, the invoice
    # issued by the staff key, 5 admin actions in billing, notifications and accounting.
    auditor = rpc_client(issued["auditor"]["secret"])
    log = audit_entries(auditor, 10)
    actions = [(e["action"], e["key_id"]) for e in log["items"]]
    stamps = [e["occurred_at"] for e in log["items"]]
    assert stamps == sorted(stamps, reverse=True)  # newest first, whichever service it came from
    assert Counter(actions) == Counter(
        [
            ("members.cooperative_created", None),
            ("members.api_key_issued", None),  # the first admin key, by the platform
            ("members.api_key_issued", admin_id),
            ("members.api_key_issued", admin_id),
            ("billing.invoice_issued", staff_id),
            ("billing.settings_changed", admin_id),
            ("notifications.webhook_registered", admin_id),
            ("notifications.webhook_removed", admin_id),
            ("accounting.period_closed", admin_id),
            ("accounting.period_reopened", admin_id),
        ]
    )
    platform_entry = next(e for e in log["items"] if e["action"] == "members.cooperative_created")
    assert platform_entry["role"] == "platform"
    issued_invoice = next(e for e in log["items"] if e["action"] == "billing.invoice_issued")
    assert (issued_invoice["kind"], issued_invoice["subject_id"], issued_invoice["role"]) == (
        "money",
        invoice["id"],
        "staff",
    )
    assert issued_invoice["details"]["number"] == invoice["number"]
    # No secret travels into the log.
    assert all(k["secret"] not in json.dumps(log) for k in issued.values())

    # Filters and paging.
    assert [e["action"] for e in audit_entries(auditor, 1, kind="money")["items"]] == [
        "billing.invoice_issued"
    ]
    assert audit_entries(auditor, 2, service="accounting")["total"] == 2
    assert audit_entries(auditor, 1, key_id=staff_id)["items"][0]["action"] == "billing.invoice_issued"
    page = admin.members.audit_log({"limit": 3, "offset": 3})
    assert page["total"] == 10 and len(page["items"]) == 3
    today = date.today()
    assert (
        admin.members.audit_log({"date_from": today.isoformat(), "date_to": today.isoformat()})["total"] == 10
    )
    assert admin.members.audit_log({"date_to": (today - timedelta(days=2)).isoformat()})["total"] == 0

    # Only admins and auditors read it, and only their own cooperative's.
    with pytest.raises(Forbidden):
        staff.members.audit_log({})
    brucoop = rpc_client(keys["brucoop"]).members.audit_log({})
    assert {e["action"] for e in brucoop["items"]} == {
        "members.cooperative_created",
        "members.api_key_issued",
    }
    assert brucoop["total"] == 2


def test_list_api_keys_shows_every_key_and_no_secret(dies, rpc_client):
    admin, keys, issued = dies
    admin.members.revoke_api_key(issued["staff"]["key_id"])
    listed = admin.members.list_api_keys({})
    assert listed["total"] == 3
    by_label = {k["label"]: k for k in listed["items"]}
    assert set(by_label) == {"first admin", "the staff", "the auditor"}
    assert by_label["the staff"]["revoked"] is True and by_label["the staff"]["revoked_at"]
    assert by_label["the staff"]["revoked_by"] == admin.members.whoami()["key_id"]
    assert by_label["first admin"]["issued_by"] == "platform"
    text = json.dumps(listed)
    assert "secret" not in text
    assert all(secret not in text for secret in [keys["dies"], *(k["secret"] for k in issued.values())])
    assert admin.members.list_api_keys({"revoked": False})["total"] == 2
    assert admin.members.list_api_keys({"limit": 1, "offset": 2})["items"][0]["label"] == "the auditor"
    assert rpc_client(issued["auditor"]["secret"]).members.list_api_keys({})["total"] == 3
    with pytest.raises(Forbidden):
        rpc_client(issued["staff"]["secret"]).members.list_api_keys({})  # revoked
    platform = rpc_client(support.PLATFORM_KEY).members
    assert platform.list_api_keys({"cooperative": "brucoop"})["total"] == 1
    assert rpc_client(keys["brucoop"]).members.list_api_keys({})["total"] == 1


def test_an_exited_members_keys_stop_working_at_once(dies, rpc_client):
    admin, _, _ = dies
    member = admin.members.register_member(AMINA)
    own = admin.members.issue_api_key(
        {"cooperative": "dies", "role": "member", "label": "Amina", "member_id": member["id"]}
    )
    as_member = rpc_client(own["secret"])
    assert as_member.members.get_member(member["id"])["id"] == member["id"]
    assert as_member.billing.whoami()["role"] == "member"  # now in billing's credential cache
    admin.members.change_lifecycle(
        {
            "member_id": member["id"],
            "to": "exited",
            "effective_on": date.today().isoformat(),
            "reason": "left",
        }
    )
    with pytest.raises(Forbidden):
        as_member.members.get_member(member["id"])

    def billing_refuses():
        try:
            as_member.billing.whoami()
        except Forbidden:
            return True
        return False

    started = time.monotonic()
    support.wait_for(
        billing_refuses, timeout=10, interval=0.1, message="billing to drop the exited member's key"
    )
    assert time.monotonic() - started < 5  # the broadcast, not the cache expiry
    revoked = next(e for e in audit_entries(admin, 1, action="members.api_key_revoked")["items"])
    assert (revoked["subject_id"], revoked["details"]["why"]) == (own["key_id"], "member_exited")


def test_a_missed_revocation_broadcast_is_bounded_by_the_cache_period(
    start_services, rpc_client, suite_settings
):
    """Should a revocation broadcast be missed altogether (here the key is revoked behind the
    bus's back), a service's cache keeps the key for at most COOP_CREDENTIAL_CACHE_SECONDS, after
    which it asks members again."""
    start_services("members", "billing", settings={"COOP_CREDENTIAL_CACHE_SECONDS": "2"})
    keys = support.admin_keys(rpc_client, DIES)
    staff_key = rpc_client(keys["dies"]).members.issue_api_key(
        {"cooperative": "dies", "role": "staff", "label": "front desk"}
    )
    billing = rpc_client(staff_key["secret"]).billing
    assert billing.whoami()["role"] == "staff"
    cached_at = time.monotonic()
    # Revoked behind the bus's back: no api_key_revoked event reaches billing.
    engine = sa.create_engine(suite_settings["MEMBERS_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(
            sa.text("update api_keys set revoked_at = now() where id = :id"), {"id": staff_key["key_id"]}
        )
    engine.dispose()
    with pytest.raises(Forbidden):
        rpc_client(staff_key["secret"]).members.whoami()  # members reads its table: refused at once

    def refused():
        try:
            billing.whoami()
        except Forbidden:
            return True
        return False

    support.wait_for(refused, timeout=10, interval=0.2, message="billing's cache to expire")
    assert time.monotonic() - cached_at < 2 + 3  # the cache period, plus a call's margin


def test_the_revocation_broadcast_queue_outlives_a_dropped_connection(start_services, suite_settings):
    """Each instance's api_key_revoked queue is durable and not auto-deleted, so a revocation
    broadcast while the instance's connection is down waits for it; RabbitMQ removes the queue
    ten minutes after its last consumer went (x-expires), so stopped instances leave none."""
    start_services("members", "billing")
    vhost = suite_settings["AMQP_URI"].rsplit("/", 1)[1]
    answer = requests.get(f"{support.MANAGEMENT}/api/queues/{vhost}", timeout=10)
    answer.raise_for_status()
    queues = [q for q in answer.json() if q["name"].startswith("evt-members-api_key_revoked--billing.")]
    assert len(queues) == 1, [q["name"] for q in answer.json()]
    [queue] = queues
    assert (queue["durable"], queue["auto_delete"], queue["exclusive"]) == (True, False, False)
    assert queue["arguments"] == {"x-expires": 600000}
