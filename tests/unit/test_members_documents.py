"""Documents on the fake unit of work: the right-to-work check a cooperative runs before paying
someone (docs/domain/right-to-work.md) and the reminders sent before a document expires."""

from datetime import date, timedelta

import pytest

from coop_members.handlers import api_keys, cooperatives, documents, members, status_models
from coop_members.orm import Base
from coop_members.repository import MembersRepository
from coop_members.schemas import (
    CreateCooperativeSchema,
    RecordDocumentSchema,
    RegisterMemberSchema,
    RightToWorkSchema,
    SetStatusModelSchema,
)
from coop_shared.credentials import ADMIN, MEMBER, PLATFORM, STAFF, Identity
from coop_shared.errors import Forbidden, NotFound
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.unit.fake_uow import FakeUnitOfWork

TODAY = date(2026, 11, 30)
PLATFORM_IDENTITY = Identity(role=PLATFORM)


class FakePayroll:
    """payroll as members sees it: every model takes any parameters."""

    def parameters_schema(self, status_model):
        return {"type": "object"}


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=MembersRepository)


def key_of(uow, slug, role, member_id=None):
    key = api_keys.issue_api_key(
        uow, PLATFORM_IDENTITY, {"cooperative": slug, "role": role, "label": role, "member_id": member_id}
    )
    return api_keys.identity_for_secret(uow, key["secret"])


@pytest.fixture
def dies(uow):
    cooperatives.create_cooperative(uow, PLATFORM_IDENTITY, CreateCooperativeSchema().load(DIES))
    return key_of(uow, "dies", ADMIN)


@pytest.fixture
def amina(uow, dies):
    """A Guinean national (outside the EEA), salaried by Dies from January."""
    member = members.register_member(uow, dies, RegisterMemberSchema().load(AMINA))
    data = SetStatusModelSchema().load(
        {"member_id": member["id"], "status_model": "be_salaried", "valid_from": "2026-01-01"}
    )
    status_models.set_status_model(uow, dies, FakePayroll(), data, TODAY)
    return member


def record(uow, identity, member, kind, reference, valid_until, labour_market=None):
    payload = {"member_id": member["id"], "kind": kind, "reference": reference, "valid_until": valid_until}
    if labour_market:
        payload["labour_market"] = labour_market
    return documents.record_document(uow, identity, RecordDocumentSchema().load(payload))


def may_work(uow, identity, member, on):
    data = RightToWorkSchema().load({"member_id": member["id"], "on": on})
    return documents.check_right_to_work(uow, identity, data)


def test_a_recorded_document_reads_back_with_iso_dates(uow, dies, amina):
    card = record(uow, dies, amina, "residence_card", "AI-1", "2027-01-31", "unlimited")
    assert {k: v for k, v in card.items() if k != "id"} == {
        "member_id": amina["id"],
        "kind": "residence_card",
        "reference": "AI-1",
        "valid_from": None,
        "valid_until": "2027-01-31",
        "labour_market": "unlimited",
    }


def test_a_non_eea_employee_works_while_an_unlimited_residence_card_is_valid(uow, dies, amina):
    assert may_work(uow, dies, amina, "2026-12-01") == {
        "member_id": amina["id"],
        "on": "2026-12-01",
        "allowed": False,
        "reasons": [
            "A non-EEA employee needs a valid residence card with unlimited labour-market access "
            "or a valid work authorisation."
        ],
        "status_model": "be_salaried",
    }
    record(uow, dies, amina, "residence_card", "AI-0", "2027-06-30", "limited")
    assert may_work(uow, dies, amina, "2026-12-01")["allowed"] is False
    record(uow, dies, amina, "residence_card", "AI-1", "2027-01-31", "unlimited")
    allowed = may_work(uow, dies, amina, "2026-12-01")
    assert (allowed["allowed"], allowed["reasons"]) == (True, ["Residence card AI-1 valid until 2027-01-31."])
    expired = may_work(uow, dies, amina, "2027-02-15")
    assert expired["allowed"] is False
    assert expired["reasons"][-1] == "Residence card AI-1 expired on 2027-01-31."


def test_a_non_eea_director_needs_a_professional_card(uow):
    cooperatives.create_cooperative(uow, PLATFORM_IDENTITY, CreateCooperativeSchema().load(BRUCOOP))
    brucoop = key_of(uow, "brucoop", ADMIN)
    director = members.register_member(uow, brucoop, RegisterMemberSchema().load(AMINA))
    data = SetStatusModelSchema().load(
        {"member_id": director["id"], "status_model": "be_director", "valid_from": "2026-01-01"}
    )
    status_models.set_status_model(uow, brucoop, FakePayroll(), data, TODAY)
    record(uow, brucoop, director, "work_authorisation", "WA-1", "2027-12-31")
    refused = may_work(uow, brucoop, director, "2026-12-01")
    assert (refused["allowed"], refused["reasons"]) == (
        False,
        ["A non-EEA company director needs a valid professional card."],
    )
    record(uow, brucoop, director, "professional_card", "PC-7", "2028-03-31")
    assert may_work(uow, brucoop, director, "2026-12-01")["reasons"] == [
        "Professional card PC-7 valid until 2028-03-31."
    ]


def test_an_eea_national_works_without_documents(uow, dies):
    belgian = members.register_member(
        uow, dies, RegisterMemberSchema().load(dict(AMINA, email="lotte@example.org", nationality="BE"))
    )
    assert may_work(uow, dies, belgian, "2026-12-01")["allowed"] is True


def test_a_member_key_checks_only_its_own_member(uow, dies, amina):
    other = members.register_member(
        uow, dies, RegisterMemberSchema().load(dict(AMINA, email="b@example.org"))
    )
    own = key_of(uow, "dies", MEMBER, member_id=amina["id"])
    assert may_work(uow, own, amina, "2026-12-01")["member_id"] == amina["id"]
    with pytest.raises(NotFound):
        may_work(uow, own, other, "2026-12-01")
    with pytest.raises(Forbidden):
        record(uow, own, amina, "id_card", "ID-1", "2030-01-01")


def test_each_threshold_is_announced_once_and_the_urgent_one_first(uow, dies, amina):
    def days(n):
        return (TODAY + timedelta(days=n)).isoformat()

    soon = record(uow, dies, amina, "residence_card", "AI-20", days(20), "unlimited")
    urgent = record(uow, dies, amina, "work_authorisation", "WA-5", days(5))
    record(uow, dies, amina, "id_card", "ID-45", days(45))  # not yet, nor in the next 14 days
    record(uow, dies, amina, "id_card", "ID-OLD", days(-1))  # already expired: nothing to remind
    assert documents.notify_expiring_documents(uow, TODAY) == 2
    assert uow.committed
    sent = {p["reference"]: (p["days_before"], p["days_left"]) for p in uow.events_of("document_expiring")}
    assert sent == {"AI-20": (30, 20), "WA-5": (7, 5)}  # WA-5 is first seen at 5 days: only the 7-day one
    assert documents.notify_expiring_documents(uow, TODAY) == 0
    assert documents.notify_expiring_documents(uow, TODAY + timedelta(days=13)) == 1  # AI-20 at 7 days
    assert documents.notify_expiring_documents(uow, TODAY + timedelta(days=14)) == 0
    last = uow.events_of("document_expiring")[-1]
    assert last == {
        "document_id": soon["id"],
        "member_id": amina["id"],
        "kind": "residence_card",
        "reference": "AI-20",
        "valid_until": days(20),
        "days_before": 7,
        "days_left": 7,
        "member_email": "amina@example.org",
        "member_language": "fr",
        "member_name": "Amina Diallo",
        "cooperative_email": "bureau@dies.example",
    }
    assert [e[1] for e in uow.events if e[0] == "document_expiring"] == ["dies"] * 3
    assert urgent["id"] in {p["document_id"] for p in uow.events_of("document_expiring")}


def test_the_document_check_is_run_by_an_admin_or_the_platform(uow, dies, amina):
    record(uow, dies, amina, "id_card", "ID-9", (TODAY + timedelta(days=9)).isoformat())
    with pytest.raises(Forbidden):
        documents.run_document_check(uow, key_of(uow, "dies", STAFF), TODAY)
    assert documents.run_document_check(uow, dies, TODAY) == {"reminders": 1}
    assert documents.run_document_check(uow, PLATFORM_IDENTITY, TODAY) == {"reminders": 0}
