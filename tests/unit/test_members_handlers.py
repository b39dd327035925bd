"""members use cases with a fake unit of work: rules, tenancy, events."""

import pytest

from coop_members import handlers
from coop_members.orm import Base
from coop_members.schemas import CreateCooperativeSchema, RegisterMemberSchema
from coop_shared.credentials import Identity
from coop_shared.errors import Conflict, Forbidden, NotFound
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.unit.fake_uow import FakeUnitOfWork

PLATFORM = Identity(role="platform")


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata)


def admin_of(uow, payload):
    handlers.create_cooperative(uow, PLATFORM, CreateCooperativeSchema().load(payload))
    key = handlers.issue_api_key(
        uow, PLATFORM, {"cooperative": payload["slug"], "role": "admin", "label": "admin"}
    )
    return handlers.identity_for_secret(uow, key["secret"])


def test_identity_comes_from_the_stored_hash(uow):
    dies = admin_of(uow, DIES)
    assert (dies.role, dies.cooperative) == ("admin", "dies")


def test_register_member_emits_member_registered(uow):
    dies = admin_of(uow, DIES)
    member = handlers.register_member(uow, dies, RegisterMemberSchema().load(AMINA))
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
    a = handlers.register_member(uow, dies, RegisterMemberSchema().load(AMINA))
    b = handlers.register_member(uow, brucoop, RegisterMemberSchema().load(AMINA))
    codes = [
        handlers.add_activity(uow, dies, {"member_id": a["id"], "name": "x"})["code"],
        handlers.add_activity(uow, dies, {"member_id": a["id"], "name": "y"})["code"],
        handlers.add_activity(uow, brucoop, {"member_id": b["id"], "name": "z"})["code"],
    ]
    assert codes == ["A0001", "A0002", "A0001"]


def test_revoked_key_no_longer_resolves_and_revocation_is_announced(uow):
    dies = admin_of(uow, DIES)
    key = handlers.issue_api_key(uow, dies, {"cooperative": "dies", "role": "staff", "label": "s"})
    handlers.revoke_api_key(uow, dies, key["key_id"])
    handlers.revoke_api_key(uow, dies, key["key_id"])  # twice: announced once
    with pytest.raises(Forbidden):
        handlers.identity_for_secret(uow, key["secret"])
    assert [e for e in uow.events if e[0] == "api_key_revoked"] == [
        ("api_key_revoked", "dies", {"key_id": key["key_id"]})
    ]


def test_admin_cannot_issue_or_revoke_keys_of_another_cooperative(uow):
    dies, brucoop = admin_of(uow, DIES), admin_of(uow, BRUCOOP)
    with pytest.raises(NotFound):
        handlers.issue_api_key(uow, dies, {"cooperative": "brucoop", "role": "admin", "label": "x"})
    with pytest.raises(NotFound):
        handlers.revoke_api_key(uow, dies, brucoop.key_id)


def test_platform_key_does_not_read_members(uow):
    admin_of(uow, DIES)
    with pytest.raises(Forbidden):
        handlers.list_members(uow, PLATFORM, {"limit": 10, "offset": 0})


def test_slug_is_unique(uow):
    admin_of(uow, DIES)
    with pytest.raises(Conflict):
        handlers.create_cooperative(uow, PLATFORM, CreateCooperativeSchema().load(DIES))
