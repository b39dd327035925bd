"""The integrator's first hour, against `coop run` in its own process, through ClusterRpcProxy
from this one: the 'Done when' of the foundation."""

import pytest

from coop_shared.errors import Forbidden, NotFound, ValidationError
from tests import support
from tests.fixtures_data import AMINA, BRUCOOP, DIES


@pytest.fixture
def coop_run(suite_settings, tmp_path, rpc_client):
    process = support.start_process(
        support.coop_command() + ["run"], suite_settings, tmp_path / "coop-run.log"
    )

    def all_healthy():
        assert process.poll() is None, (tmp_path / "coop-run.log").read_text()
        try:
            probe = rpc_client(timeout=2)
            return all(getattr(probe, s).health()["status"] == "ok" for s in support.SERVICES)
        except Exception:
            return False

    support.wait_for(all_healthy, timeout=60, interval=0.5, message="coop run to answer health")
    yield process
    support.stop_process(process)


def test_integrator_scenario(coop_run, rpc_client, suite_settings):
    platform = rpc_client(support.PLATFORM_KEY).members
    keys = {}
    for cooperative in (DIES, BRUCOOP):
        assert platform.create_cooperative(cooperative)["slug"] == cooperative["slug"]
        keys[cooperative["slug"]] = platform.issue_api_key(
            {"cooperative": cooperative["slug"], "role": "admin", "label": "first admin"}
        )
    dies = rpc_client(keys["dies"]["secret"]).members
    brucoop = rpc_client(keys["brucoop"]["secret"]).members

    member = dies.register_member(AMINA)
    activity = dies.add_activity({"member_id": member["id"], "name": "Ébénisterie", "sector": "crafts"})
    assert activity["code"] == "A0001"

    with pytest.raises(NotFound):  # Dies' key, BRUCOOP's data
        dies.get_member({"id": member["id"], "cooperative": "brucoop"})
    with pytest.raises(NotFound):  # BRUCOOP's key, Dies' member
        brucoop.get_member(member["id"])
    with pytest.raises(Forbidden):
        rpc_client().members.get_member(member["id"])

    staff = dies.issue_api_key({"cooperative": "dies", "role": "staff", "label": "to revoke"})
    assert rpc_client(staff["secret"]).members.get_member(member["id"])["id"] == member["id"]
    dies.revoke_api_key(staff["key_id"])
    with pytest.raises(Forbidden):
        rpc_client(staff["secret"]).members.get_member(member["id"])

    with pytest.raises(ValidationError) as error:
        dies.register_member(dict(AMINA, email="bad-iban@example.org", iban="BE00 0000 0000 0000"))
    assert "iban" in error.value.fields
    assert dies.list_members({"q": "bad-iban"})["total"] == 0

    notifications = rpc_client(keys["dies"]["secret"]).notifications

    def recorded():
        return notifications.list_received_events({"event_type": "member_registered"})["items"]

    assert support.wait_for(recorded)[0]["payload"]["member_id"] == member["id"]
    body = support.outbox_bodies(suite_settings["MEMBERS_DATABASE_URL"], "member_registered")[0]
    support.publish_raw(suite_settings["AMQP_URI"], "members", "member_registered", body)  # delivered twice
    dies.register_member(dict(AMINA, email="sentinel@example.org"))  # queued behind it
    support.wait_for(lambda: len(recorded()) == 2, message="the sentinel event")
    assert (
        support.count(
            suite_settings["NOTIFICATIONS_DATABASE_URL"],
            "select count(*) from received_events where event_id = :e",
            e=body["event_id"],
        )
        == 1
    )
