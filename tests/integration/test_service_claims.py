"""The service key, over the real bus: a separate secret that never travels, claims signed with
it for one cooperative and one method for a minute, accepted only by the methods other services
need (docs/adr/019-broker-least-privilege-and-service-claims.md). Each replay a captured claim
allows is tried here and refused."""

from __future__ import annotations

import time

import pytest

from coop_shared.credentials import sign_service_claim
from coop_shared.errors import Forbidden, NotFound
from tests import support
from tests.fixtures_data import AMINA, BRUCOOP, DIES


@pytest.fixture
def members(start_services, rpc_client):
    start_services("members")
    keys = support.admin_keys(rpc_client, DIES, BRUCOOP)
    dies = rpc_client(keys["dies"]).members
    cooperatives = {slug: rpc_client(key).members.get_cooperative(slug) for slug, key in keys.items()}
    amina = dies.register_member(AMINA)
    return type("World", (), {"keys": keys, "cooperatives": cooperatives, "amina": amina})


def claim(
    world, target: str, slug: str = "dies", key: str = support.SERVICE_KEY, at: float | None = None, ttl=60
):
    cooperative = world.cooperatives[slug]
    return sign_service_claim(key, target, cooperative["id"], slug, time.time() if at is None else at, ttl)


def test_a_claim_reads_for_its_cooperative_through_the_methods_services_need(members, rpc_client):
    member = rpc_client(claim(members, "members.get_member")).members.get_member(members.amina["id"])
    assert member["last_name"] == "Diallo"
    assert (
        rpc_client(claim(members, "members.get_cooperative")).members.get_cooperative("dies")["name"]
        == "Dies"
    )


def test_each_replay_of_a_captured_claim_is_refused(members, rpc_client):
    captured = claim(members, "members.get_member")
    # For another cooperative: the claim names dies; brucoop's data is not dies' to read, and a
    # claim rewritten to name brucoop no longer carries a valid signature (unit test).
    brucoop_claim_reading_amina = claim(members, "members.get_member", slug="brucoop")
    with pytest.raises(NotFound):
        rpc_client(brucoop_claim_reading_amina).members.get_member(members.amina["id"])
    with pytest.raises(NotFound):  # get_cooperative by slug answers a claim for its own cooperative only
        rpc_client(claim(members, "members.get_cooperative")).members.get_cooperative("brucoop")
    # For another method than the one it was signed for.
    with pytest.raises(Forbidden, match="made for members.get_member"):
        rpc_client(captured).members.list_members({})
    # Later: a claim signed two minutes ago has expired.
    with pytest.raises(Forbidden, match="expired"):
        rpc_client(claim(members, "members.get_member", at=time.time() - 120)).members.get_member(
            members.amina["id"]
        )
    # The raw service key as a bearer credential: it never travels, so it is never accepted.
    with pytest.raises(Forbidden):
        rpc_client(support.SERVICE_KEY).members.get_member(members.amina["id"])
    # Signed with the platform key (or any other secret): not a service claim.
    with pytest.raises(Forbidden):
        rpc_client(claim(members, "members.get_member", key=support.PLATFORM_KEY)).members.get_member(
            members.amina["id"]
        )


def test_a_valid_claim_for_a_method_services_do_not_need_is_refused(members, rpc_client):
    # Correctly signed, for the very method called, and still refused: members issues keys only
    # to its platform and admins, never to the suite acting for a cooperative.
    with pytest.raises(Forbidden, match="service credential may not"):
        rpc_client(claim(members, "members.issue_api_key")).members.issue_api_key(
            {"cooperative": "dies", "role": "admin", "label": "minted"}
        )
    with pytest.raises(Forbidden, match="service credential may not"):
        rpc_client(claim(members, "members.list_members")).members.list_members({})


def test_get_cooperative_by_slug_answers_the_platform_and_that_cooperatives_own_keys(members, rpc_client):
    assert rpc_client(support.PLATFORM_KEY).members.get_cooperative("brucoop")["name"] == "BRUCOOP SC"
    assert rpc_client(members.keys["brucoop"]).members.get_cooperative("brucoop")["name"] == "BRUCOOP SC"
    with pytest.raises(NotFound):
        rpc_client(members.keys["dies"]).members.get_cooperative("brucoop")


def test_the_previous_service_key_is_accepted_during_a_rotation(start_services, rpc_client):
    start_services(
        "members",
        settings={
            "COOP_SERVICE_KEY": "service-key-2026-12",
            "COOP_SERVICE_KEY_PREVIOUS": support.SERVICE_KEY,
        },
    )
    keys = support.admin_keys(rpc_client, DIES)
    dies = rpc_client(keys["dies"]).members.get_cooperative("dies")
    for key in ("service-key-2026-12", support.SERVICE_KEY):
        signed = sign_service_claim(key, "members.get_cooperative", dies["id"], "dies", time.time())
        assert rpc_client(signed).members.get_cooperative("dies")["id"] == dies["id"]
    stale = sign_service_claim(
        "service-key-2026-10", "members.get_cooperative", dies["id"], "dies", time.time()
    )
    with pytest.raises(Forbidden):
        rpc_client(stale).members.get_cooperative("dies")
