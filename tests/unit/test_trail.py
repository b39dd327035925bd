"""The trail, in members' handlers (docs/adr/021-nothing-run-twice-and-the-trail.md): keys
name who issued and revoked them, every key is listed without its secret, an exited member's
keys are revoked at once, and the audit log keeps and shows what the services announce."""

from datetime import date

import pytest

from coop_members.handlers import api_keys, audit_log, cooperatives, lifecycle, members
from coop_members.orm import Base
from coop_members.repository import MembersRepository
from coop_members.schemas import (
    AuditLogSchema,
    CreateCooperativeSchema,
    ListApiKeysSchema,
    RegisterMemberSchema,
)
from coop_shared import audit
from coop_shared.credentials import ADMIN, AUDITOR, MEMBER, PLATFORM, STAFF, Identity
from coop_shared.errors import Forbidden
from coop_shared.event_catalogue import CATALOGUE
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.unit.fake_uow import FakeUnitOfWork

PLATFORM_IDENTITY = Identity(role=PLATFORM)


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=MembersRepository)


def key_of(uow, identity, slug, role, **extra):
    return api_keys.issue_api_key(
        uow, identity, dict({"cooperative": slug, "role": role, "label": role}, **extra)
    )


def admin_of(uow, payload):
    cooperatives.create_cooperative(uow, PLATFORM_IDENTITY, CreateCooperativeSchema().load(payload))
    return api_keys.identity_for_secret(uow, key_of(uow, PLATFORM_IDENTITY, payload["slug"], ADMIN)["secret"])


def test_each_service_announces_its_actions_with_its_own_mandatory_event():
    for service in audit.SERVICES:
        declared = CATALOGUE[audit.event_type_of(service)]
        assert (declared.source, declared.mandatory) == (service, True)
    assert audit.actor(Identity(role=STAFF, key_id="k1")) == "k1"
    assert audit.actor(PLATFORM_IDENTITY) == "platform"
    with pytest.raises(ValueError):
        audit.record(None, PLATFORM_IDENTITY, "elsewhere.something", None)


def test_keys_name_who_issued_and_revoked_them_and_the_log_is_told(uow):
    dies = admin_of(uow, DIES)
    staff = key_of(uow, dies, "dies", STAFF)
    api_keys.revoke_api_key(uow, dies, {"id": staff["key_id"]})
    listed = api_keys.list_api_keys(uow, dies, ListApiKeysSchema().load({}))
    assert [(k["label"], k["issued_by"], k["revoked_by"]) for k in listed["items"]] == [
        ("admin", "platform", None),
        ("staff", dies.key_id, dies.key_id),
    ]
    assert all("secret" not in k for k in listed["items"])
    announced = [
        (p["action"], p["subject_id"], p["key_id"]) for p in uow.events_of("members_action_recorded")
    ]
    assert announced[-2:] == [
        ("members.api_key_issued", staff["key_id"], dies.key_id),
        ("members.api_key_revoked", staff["key_id"], dies.key_id),
    ]


def test_only_admins_auditors_and_the_platform_list_keys(uow):
    dies = admin_of(uow, DIES)
    admin_of(uow, BRUCOOP)
    staff = api_keys.identity_for_secret(uow, key_of(uow, dies, "dies", STAFF)["secret"])
    auditor = api_keys.identity_for_secret(uow, key_of(uow, dies, "dies", AUDITOR)["secret"])
    with pytest.raises(Forbidden):
        api_keys.list_api_keys(uow, staff, ListApiKeysSchema().load({}))
    assert api_keys.list_api_keys(uow, auditor, ListApiKeysSchema().load({}))["total"] == 3
    on_platform = api_keys.list_api_keys(
        uow, PLATFORM_IDENTITY, ListApiKeysSchema().load({"cooperative": "brucoop"})
    )
    assert on_platform["total"] == 1


def test_exiting_a_member_revokes_the_members_keys_at_once(uow):
    dies = admin_of(uow, DIES)
    member = members.register_member(uow, dies, RegisterMemberSchema().load(AMINA))
    own = key_of(uow, dies, "dies", MEMBER, member_id=member["id"])
    assert api_keys.identity_for_secret(uow, own["secret"]).member_id == member["id"]
    lifecycle.change_lifecycle(
        uow,
        dies,
        {"member_id": member["id"], "to": "exited", "effective_on": date(2026, 12, 1)},
        date(2026, 12, 1),
    )
    with pytest.raises(Forbidden):
        api_keys.identity_for_secret(uow, own["secret"])
    assert uow.events_of("api_key_revoked") == [{"key_id": own["key_id"]}]
    revoked = uow.events_of("members_action_recorded")[-1]
    assert (revoked["action"], revoked["details"]["why"]) == ("members.api_key_revoked", "member_exited")


def event(service, action, occurred_at, cooperative_id, kind="admin", key_id="k1"):
    return {
        "event_id": f"{service}-{action}-{occurred_at}",
        "event_type": audit.event_type_of(service),
        "cooperative_id": cooperative_id,
        "cooperative": "dies",
        "occurred_at": occurred_at,
        "payload": {
            "action": action,
            "kind": kind,
            "subject_id": "s1",
            "key_id": key_id,
            "role": "admin",
            "details": {},
        },
    }


def test_the_audit_log_pages_and_filters_the_cooperatives_entries(uow):
    dies = admin_of(uow, DIES)
    brucoop = admin_of(uow, BRUCOOP)
    uow.repo.flush()
    before = uow.repo.audit_entries(dies.cooperative_id, 500, 0)[1]
    audit_log.keep_entry(
        uow,
        "billing",
        event("billing", "billing.invoice_issued", "2026-11-30T23:30:00+00:00", dies.cooperative_id, "money"),
    )
    audit_log.keep_entry(
        uow,
        "payroll",
        event("payroll", "payroll.run_closed", "2026-12-01T08:00:00+00:00", dies.cooperative_id, "money"),
    )
    audit_log.keep_entry(
        uow,
        "billing",
        event("billing", "billing.settings_changed", "2026-12-01T09:00:00+00:00", brucoop.cooperative_id),
    )
    uow.repo.flush()
    read = lambda **filters: audit_log.audit_log(uow, dies, AuditLogSchema().load(filters))  # noqa: E731
    assert read()["total"] == before + 2
    assert [e["action"] for e in read(kind="money")["items"]] == [
        "payroll.run_closed",
        "billing.invoice_issued",
    ]
    # 23:30 UTC on 30 November is 1 December in Brussels (UTC+1 in winter) (docs/rpc-contract.md: business dates).
    assert read(kind="money", date_from="2026-12-01", date_to="2026-12-01")["total"] == 2
    assert read(kind="money", date_to="2026-11-30")["total"] == 0
    assert read(kind="money", limit=1, offset=1)["items"][0]["action"] == "billing.invoice_issued"
    with pytest.raises(Forbidden):
        audit_log.audit_log(
            uow, Identity(role=STAFF, cooperative_id=dies.cooperative_id, cooperative="dies"), {}
        )


def test_a_service_reports_only_its_own_actions(uow):
    from coop_shared.errors import ValidationError

    with pytest.raises(ValidationError):
        audit_log.keep_entry(
            uow, "billing", event("billing", "members.api_key_issued", "2026-12-01T09:00:00+00:00", "c")
        )
