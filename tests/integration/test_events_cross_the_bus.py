"""Events go from members' outbox to notifications' inbox over the real broker, once each;
credential revocations reach every service's cache."""

import time

import pytest

from coop_shared.errors import Forbidden
from tests import support
from tests.fixtures_data import AMINA, DIES


def dies_admin(rpc_client):
    return support.admin_keys(rpc_client, DIES)["dies"]


def test_member_registered_is_recorded_once_even_when_delivered_three_times(
    start_services, rpc_client, suite_settings
):
    start_services("members", "notifications")
    secret = dies_admin(rpc_client)
    member = rpc_client(secret).members.register_member(AMINA)
    notifications = rpc_client(secret).notifications

    def received():
        return notifications.list_received_events({"event_type": "member_registered"})["items"]

    first = support.wait_for(received, message="member_registered in notifications")
    assert first[0]["payload"]["member_id"] == member["id"]

    body = support.outbox_bodies(suite_settings["MEMBERS_DATABASE_URL"], "member_registered")[0]
    support.publish_raw(suite_settings["AMQP_URI"], "members", "member_registered", body)
    support.publish_raw(suite_settings["AMQP_URI"], "members", "member_registered", body)
    # A later event behind the duplicates on the same queue: once it is in, they were handled.
    rpc_client(secret).members.register_member(dict(AMINA, email="second@example.org"))
    support.wait_for(lambda: len(received()) == 2, message="the second member's event")
    time.sleep(0.3)

    assert (
        support.count(
            suite_settings["NOTIFICATIONS_DATABASE_URL"],
            "select count(*) from received_events where event_id = :e",
            e=body["event_id"],
        )
        == 1
    )
    assert notifications.list_received_events()["total"] == 2


def test_revoked_key_is_refused_by_another_service_before_its_cache_expires(start_services, rpc_client):
    start_services("members", "billing", "notifications")
    admin = rpc_client(dies_admin(rpc_client)).members
    staff_key = admin.issue_api_key({"cooperative": "dies", "role": "staff", "label": "front desk"})
    billing = rpc_client(staff_key["secret"]).billing
    assert billing.whoami()["role"] == "staff"  # now cached in billing for 30 s
    admin.revoke_api_key(staff_key["key_id"])
    started = time.monotonic()

    def refused():
        try:
            billing.whoami()
        except Forbidden:
            return True
        return False

    support.wait_for(refused, timeout=10, interval=0.1, message="billing to refuse the revoked key")
    assert time.monotonic() - started < 5  # the broadcast, not the 30 s cache expiry


def test_no_credential_is_forbidden_on_every_service(start_services, rpc_client):
    start_services("members", "billing", "payroll", "notifications")
    anonymous = rpc_client()
    for service in ("members", "billing", "payroll", "notifications"):
        with pytest.raises(Forbidden):
            getattr(anonymous, service).whoami()
        assert getattr(anonymous, service).health()["status"] == "ok"
