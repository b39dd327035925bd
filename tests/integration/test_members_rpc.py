"""members over the real bus and PostgreSQL: tenants, credentials, members, activities."""

import pytest
import sqlalchemy as sa

from coop_shared.errors import Conflict, Forbidden, NotFound, ValidationError
from tests import support
from tests.fixtures_data import AMINA, BRUCOOP, DIES


@pytest.fixture
def two_cooperatives(start_services, rpc_client):
    """Dies and BRUCOOP created with the platform key, each with an admin key."""
    start_services("members")
    platform = rpc_client(support.PLATFORM_KEY)
    keys = {}
    for payload in (DIES, BRUCOOP):
        platform.members.create_cooperative(payload)
        keys[payload["slug"]] = platform.members.issue_api_key(
            {"cooperative": payload["slug"], "role": "admin", "label": "first admin"}
        )
    return keys


def test_created_cooperative_is_stored_in_canonical_form(two_cooperatives, rpc_client):
    dies = rpc_client(two_cooperatives["dies"]["secret"]).members.get_cooperative("dies")
    assert dies["enterprise_number"] == "0403170701"
    assert dies["vat_number"] == "BE0403170701"
    assert dies["iban"] == "BE05068123456775"
    assert dies["contribution_rate"] == "0.1"
    assert dies["payment_terms_days"] == 30


def test_register_member_and_activity(two_cooperatives, rpc_client):
    dies = rpc_client(two_cooperatives["dies"]["secret"]).members
    member = dies.register_member(AMINA)
    assert member["lifecycle"] == "candidate"
    # masked for every caller (docs/adr/017-personal-data-at-rest-and-rectification.md)
    assert member["national_number"] == "90.03.14-***.**"
    first = dies.add_activity({"member_id": member["id"], "name": "Vélo-livraisons", "sector": "transport"})
    second = dies.add_activity({"member_id": member["id"], "name": "Ateliers"})
    assert (first["code"], second["code"]) == ("A0001", "A0002")
    fetched = dies.get_member(member["id"])
    assert [a["name"] for a in fetched["activities"]] == ["Vélo-livraisons", "Ateliers"]
    listed = dies.list_members({"q": "diallo"})
    assert listed["total"] == 1 and listed["items"][0]["id"] == member["id"]


def test_other_cooperatives_data_reads_as_not_found(two_cooperatives, rpc_client):
    dies = rpc_client(two_cooperatives["dies"]["secret"]).members
    brucoop = rpc_client(two_cooperatives["brucoop"]["secret"]).members
    member = dies.register_member(AMINA)
    with pytest.raises(NotFound):
        brucoop.get_member(member["id"])
    with pytest.raises(NotFound):
        dies.get_member({"id": member["id"], "cooperative": "brucoop"})
    with pytest.raises(NotFound):
        brucoop.add_activity({"member_id": member["id"], "name": "Squat"})
    with pytest.raises(NotFound):
        brucoop.get_cooperative("dies")
    assert brucoop.list_members()["total"] == 0


def test_missing_and_revoked_credentials_are_forbidden(two_cooperatives, rpc_client):
    with pytest.raises(Forbidden):
        rpc_client().members.list_members()
    with pytest.raises(Forbidden):
        rpc_client("coop_not-a-real-key").members.list_members()
    admin = rpc_client(two_cooperatives["dies"]["secret"]).members
    staff_key = admin.issue_api_key({"cooperative": "dies", "role": "staff", "label": "accountant"})
    staff = rpc_client(staff_key["secret"]).members
    assert staff.list_members()["total"] == 0
    admin.revoke_api_key(staff_key["key_id"])
    with pytest.raises(Forbidden):
        staff.list_members()


def test_roles_limit_what_a_key_does(two_cooperatives, rpc_client):
    admin = rpc_client(two_cooperatives["dies"]["secret"]).members
    member = admin.register_member(AMINA)
    auditor = rpc_client(
        admin.issue_api_key({"cooperative": "dies", "role": "auditor", "label": "auditor"})["secret"]
    ).members
    with pytest.raises(Forbidden):
        auditor.register_member(dict(AMINA, email="other@example.org"))
    own = rpc_client(
        admin.issue_api_key(
            {"cooperative": "dies", "role": "member", "label": "Amina", "member_id": member["id"]}
        )["secret"]
    ).members
    assert own.get_member(member["id"])["email"] == "amina@example.org"
    other = admin.register_member(dict(AMINA, email="b@example.org", first_name="Bram"))
    with pytest.raises(NotFound):
        own.get_member(other["id"])
    with pytest.raises(Forbidden):
        admin.create_cooperative(dict(DIES, slug="dies-2"))


def test_malformed_iban_names_the_field_and_stores_nothing(two_cooperatives, rpc_client, suite_settings):
    dies = rpc_client(two_cooperatives["dies"]["secret"]).members
    with pytest.raises(ValidationError) as error:
        dies.register_member(dict(AMINA, iban="BE05 0681 2345 6776"))
    assert list(error.value.fields) == ["iban"]
    assert "IBAN" in error.value.fields["iban"][0]
    engine = sa.create_engine(suite_settings["MEMBERS_DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from members")).scalar_one() == 0
        assert (
            conn.execute(
                sa.text("select count(*) from outbox where event_type = 'member_registered'")
            ).scalar_one()
            == 0
        )
    engine.dispose()


@pytest.mark.parametrize(
    "field, value",
    [
        ("enterprise_number", "0403.170.702"),
        ("vat_number", "BE0403170702"),
        ("contribution_rate", 0.1),
        ("contribution_rate", "1.5"),
        ("languages", ["de"]),
        ("payment_terms_days", 90),
        ("slug", "Dies!"),
    ],
)
def test_bad_cooperative_payload_names_the_field(start_services, rpc_client, field, value):
    start_services("members")
    platform = rpc_client(support.PLATFORM_KEY).members
    with pytest.raises(ValidationError) as error:
        platform.create_cooperative(dict(DIES, **{field: value}))
    assert field in error.value.fields


def test_duplicate_slug_is_a_conflict(two_cooperatives, rpc_client):
    with pytest.raises(Conflict):
        rpc_client(support.PLATFORM_KEY).members.create_cooperative(DIES)
