"""A member's status model over time and its lifecycle, on the fake unit of work, with a fake
payroll that states the parameters schema of the models it runs."""

from datetime import date

import pytest

from coop_members.handlers import api_keys, cooperatives, lifecycle, members, status_models
from coop_members.orm import Base
from coop_members.repository import MembersRepository
from coop_members.schemas import (
    ChangeLifecycleSchema,
    CreateCooperativeSchema,
    RegisterMemberSchema,
    SetStatusModelSchema,
)
from coop_shared.credentials import ADMIN, AUDITOR, PLATFORM, Identity
from coop_shared.errors import BusinessRuleViolation, Forbidden, ValidationError
from tests.fixtures_data import AMINA, DIES
from tests.unit.fake_uow import FakeUnitOfWork

TODAY = date(2026, 11, 30)
SALARIED = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "household": {"enum": ["single", "married_one_income"], "default": "single"},
        "dependent_children": {"type": "integer", "minimum": 0, "default": 0},
    },
}
TRIAL = {"type": "object", "properties": {}}


class FakePayroll:
    """payroll as members sees it (coop_members.clients.PayrollClient)."""

    def __init__(self, schemas):
        self.schemas = schemas
        self.asked = []

    def parameters_schema(self, status_model):
        self.asked.append(status_model)
        return self.schemas.get(status_model)


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=MembersRepository)


@pytest.fixture
def dies(uow):
    """Dies' admin key (Dies enables be_salaried and trial)."""
    return key_of(uow, ADMIN)


def key_of(uow, role, member_id=None):
    platform = Identity(role=PLATFORM)
    if not uow.repo.slug_taken("dies"):
        cooperatives.create_cooperative(uow, platform, CreateCooperativeSchema().load(DIES))
    key = api_keys.issue_api_key(
        uow, platform, {"cooperative": "dies", "role": role, "label": role, "member_id": member_id}
    )
    return api_keys.identity_for_secret(uow, key["secret"])


@pytest.fixture
def amina(uow, dies):
    return members.register_member(uow, dies, RegisterMemberSchema().load(AMINA))


def set_status(uow, identity, payroll, member, model, valid_from, **parameters):
    data = SetStatusModelSchema().load(
        {"member_id": member["id"], "status_model": model, "valid_from": valid_from, "parameters": parameters}
    )
    return status_models.set_status_model(uow, identity, payroll, data, TODAY)


def change(uow, identity, member, to, effective_on="2026-11-01", reason=None):
    data = ChangeLifecycleSchema().load(
        {"member_id": member["id"], "to": to, "effective_on": effective_on, "reason": reason}
    )
    return lifecycle.change_lifecycle(uow, identity, data, TODAY)


def test_a_new_period_closes_the_current_one_the_day_before(uow, dies, amina):
    payroll = FakePayroll({"be_salaried": SALARIED, "trial": TRIAL})
    first = set_status(uow, dies, payroll, amina, "be_salaried", "2026-01-01", dependent_children=2)
    assert (first["status_model"], first["status_parameters"]) == (
        "be_salaried",
        {"household": "single", "dependent_children": 2},  # the model's default filled in
    )
    later = set_status(uow, dies, payroll, amina, "trial", "2026-12-01")
    assert later["status_model"] == "be_salaried"  # on 30 November the first period still runs
    assert [(s["status_model"], s["valid_from"], s["valid_until"]) for s in later["status_history"]] == [
        ("be_salaried", "2026-01-01", "2026-11-30"),
        ("trial", "2026-12-01", None),
    ]
    in_december = members.get_member(uow, dies, {"id": amina["id"]}, date(2026, 12, 15))
    assert in_december["status_model"] == "trial"
    assert uow.events_of("member_status_model_changed") == [
        {"member_id": amina["id"], "status_model": "be_salaried", "valid_from": "2026-01-01"},
        {"member_id": amina["id"], "status_model": "trial", "valid_from": "2026-12-01"},
    ]
    assert payroll.asked == ["be_salaried", "trial"]


def test_a_model_the_cooperative_has_not_enabled_is_refused_before_asking_payroll(uow, dies, amina):
    payroll = FakePayroll({"be_director": TRIAL})
    with pytest.raises(BusinessRuleViolation) as refused:
        set_status(uow, dies, payroll, amina, "be_director", "2026-01-01")
    assert refused.value.details == {"enabled": ["be_salaried", "trial"]}
    assert payroll.asked == []


def test_a_model_payroll_does_not_run_is_a_validation_error(uow, dies, amina):
    with pytest.raises(ValidationError) as refused:
        set_status(uow, dies, FakePayroll({}), amina, "trial", "2026-01-01")
    assert refused.value.fields == {"status_model": ["No status model 'trial' is installed."]}


def test_parameters_are_checked_against_the_model_schema(uow, dies, amina):
    payroll = FakePayroll({"be_salaried": SALARIED})
    with pytest.raises(ValidationError) as refused:
        set_status(uow, dies, payroll, amina, "be_salaried", "2026-01-01", household="polygamous")
    assert list(refused.value.fields) == ["parameters.household"]
    assert members.get_member(uow, dies, {"id": amina["id"]}, TODAY)["status_history"] == []
    assert uow.events_of("member_status_model_changed") == []


def test_history_is_corrected_forward_never_rewritten(uow, dies, amina):
    payroll = FakePayroll({"be_salaried": SALARIED, "trial": TRIAL})
    set_status(uow, dies, payroll, amina, "trial", "2026-06-01")
    with pytest.raises(BusinessRuleViolation) as refused:
        set_status(uow, dies, payroll, amina, "be_salaried", "2026-06-01")
    assert refused.value.details == {"current_valid_from": "2026-06-01"}


def test_an_auditor_reads_but_does_not_set_a_status(uow, dies, amina):
    auditor = key_of(uow, AUDITOR)
    with pytest.raises(Forbidden):
        set_status(uow, auditor, FakePayroll({"trial": TRIAL}), amina, "trial", "2026-01-01")
    assert members.get_member(uow, auditor, {"id": amina["id"]}, TODAY)["status_model"] is None


def test_a_member_goes_through_its_lifecycle_and_each_move_is_announced(uow, dies, amina):
    for to in ("active", "suspended", "active"):
        change(uow, dies, amina, to)
    exited = change(uow, dies, amina, "exited", "2026-11-30", reason="Leaves for a job")
    assert exited["lifecycle"] == "exited"
    moves = uow.events_of("member_lifecycle_changed")
    assert [(m["from"], m["to"]) for m in moves] == [
        ("candidate", "active"),
        ("active", "suspended"),
        ("suspended", "active"),
        ("active", "exited"),
    ]
    assert moves[-1] == {
        "member_id": amina["id"],
        "from": "active",
        "to": "exited",
        "effective_on": "2026-11-30",
        "reason": "Leaves for a job",
    }


@pytest.mark.parametrize("path, refused", [((), "suspended"), (("exited",), "active")])
def test_moves_the_lifecycle_does_not_allow_are_refused(uow, dies, amina, path, refused):
    for to in path:
        change(uow, dies, amina, to)
    with pytest.raises(BusinessRuleViolation):
        change(uow, dies, amina, refused)
    assert members.get_member(uow, dies, {"id": amina["id"]}, TODAY)["lifecycle"] == (
        path[-1] if path else "candidate"
    )
    assert len(uow.events_of("member_lifecycle_changed")) == len(path)


def test_members_are_listed_by_lifecycle(uow, dies, amina):
    members.register_member(uow, dies, RegisterMemberSchema().load(dict(AMINA, email="bram@example.org")))
    change(uow, dies, amina, "active")
    active = members.list_members(uow, dies, {"lifecycle": "active", "limit": 10, "offset": 0})
    assert (active["total"], [m["id"] for m in active["items"]]) == (1, [amina["id"]])
    assert members.list_members(uow, dies, {"lifecycle": "candidate", "limit": 10, "offset": 0})["total"] == 1
