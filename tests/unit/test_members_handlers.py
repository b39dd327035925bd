"""members use cases with a fake unit of work: rules, tenancy, events."""

import pytest

from coop_members.handlers import activities, api_keys, cooperatives, members
from coop_members.orm import Base
from coop_members.repository import MembersRepository
from coop_members.schemas import CreateCooperativeSchema, RegisterMemberSchema
from coop_shared.credentials import ADMIN, PLATFORM, STAFF, Identity
from coop_shared.errors import Conflict, Forbidden, NotFound
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.unit.fake_uow import FakeUnitOfWork

PLATFORM_IDENTITY = Identity(role=PLATFORM)


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=MembersRepository)


def admin_of(uow, payload):
    cooperatives.create_cooperative(uow, PLATFORM_IDENTITY, CreateCooperativeSchema().load(payload))
    key = api_keys.issue_api_key(
        uow, PLATFORM_IDENTITY, {"cooperative": payload["slug"], "role": ADMIN, "label": "admin"}
    )
    return api_keys.identity_for_secret(uow, key["secret"])


def test_identity_comes_from_the_stored_hash(uow):
    dies = admin_of(uow, DIES)
    assert (dies.role, dies.cooperative) == ("admin", "dies")


def test_register_member_emits_member_registered(uow):
    dies = admin_of(uow, DIES)
    member = members.register_member(uow, dies, RegisterMemberSchema().load(AMINA))
    assert uow.events[-1] == (
        "member_registered",
        "dies",
        {
            "member_id": member["id"],
            "first_name": "Amina",
            "last_name": "Diallo",
            "email": "amina@example.org",
            "language": "fr",
        },
    )


def test_activity_codes_count_per_cooperative(uow):
    dies, brucoop = admin_of(uow, DIES), admin_of(uow, BRUCOOP)
    a = members.register_member(uow, dies, RegisterMemberSchema().load(AMINA))
    b = members.register_member(uow, brucoop, RegisterMemberSchema().load(AMINA))
    codes = [
        activities.add_activity(uow, dies, {"member_id": a["id"], "name": "x"})["code"],
        activities.add_activity(uow, dies, {"member_id": a["id"], "name": "y"})["code"],
        activities.add_activity(uow, brucoop, {"member_id": b["id"], "name": "z"})["code"],
    ]
    assert codes == ["A0001", "A0002", "A0001"]


def test_revoked_key_no_longer_resolves_and_revocation_is_announced(uow):
    dies = admin_of(uow, DIES)
    key = api_keys.issue_api_key(uow, dies, {"cooperative": "dies", "role": STAFF, "label": "s"})
    api_keys.revoke_api_key(uow, dies, {"id": key["key_id"]})
    api_keys.revoke_api_key(uow, dies, {"id": key["key_id"]})  # twice: announced once
    with pytest.raises(Forbidden):
        api_keys.identity_for_secret(uow, key["secret"])
    assert [e for e in uow.events if e[0] == "api_key_revoked"] == [
        ("api_key_revoked", "dies", {"key_id": key["key_id"]})
    ]


def test_admin_cannot_issue_or_revoke_keys_of_another_cooperative(uow):
    dies, brucoop = admin_of(uow, DIES), admin_of(uow, BRUCOOP)
    with pytest.raises(NotFound):
        api_keys.issue_api_key(uow, dies, {"cooperative": "brucoop", "role": ADMIN, "label": "x"})
    with pytest.raises(NotFound):
        api_keys.revoke_api_key(uow, dies, {"id": brucoop.key_id})


def test_platform_key_does_not_read_members(uow):
    admin_of(uow, DIES)
    with pytest.raises(Forbidden):
        members.list_members(uow, PLATFORM_IDENTITY, {"limit": 10, "offset": 0})


def test_slug_is_unique(uow):
    admin_of(uow, DIES)
    with pytest.raises(Conflict):
        cooperatives.create_cooperative(uow, PLATFORM_IDENTITY, CreateCooperativeSchema().load(DIES))
