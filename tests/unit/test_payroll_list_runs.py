"""payroll.list_runs on the shared fake unit of work: the cooperative's runs, newest period first,
with what each holds (payslips, problems, totals) counted in the database; another
cooperative's runs are never listed; an auditor reads them, a member does not."""

import pytest

from coop_payroll.handlers import runs
from coop_payroll.orm import Base, PayrollRun, Payslip, RunProblem
from coop_payroll.repository import PayrollRepository
from coop_payroll.schemas import ListRunsSchema
from coop_shared.credentials import AUDITOR, MEMBER, STAFF, Identity
from coop_shared.errors import Forbidden
from coop_shared.money import Money
from tests.unit.fake_uow import FakeUnitOfWork

DIES_ID = "00000000-0000-4000-8000-0000000000d1"
BRUCOOP_ID = "00000000-0000-4000-8000-0000000000b1"
AMINA = "00000000-0000-4000-8000-00000000a001"
ACTIVITY = "00000000-0000-4000-8000-00000000a0a1"


def identity(role=STAFF, cooperative_id=DIES_ID, slug="dies"):
    return Identity(role=role, cooperative_id=cooperative_id, cooperative=slug, member_id=None)


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=PayrollRepository)


def run_of(uow, period, status="draft", cooperative_id=DIES_ID, slips=(), problems=0):
    run = PayrollRun(
        cooperative_id=cooperative_id, cooperative_slug="dies", period=period, status=status, payer={}
    )
    uow.repo.add(run)
    uow.repo.flush()
    for net, cost in slips:
        uow.repo.add(
            Payslip(
                run_id=run.id,
                cooperative_id=cooperative_id,
                period=period,
                member_id=AMINA,
                activity_id=ACTIVITY,
                status_model="be_salaried",
                member={"name": "Amina Diallo"},
                parameters={},
                mode="budget",
                amount=Money.of(cost),
                gross=Money.of(cost),
                net_to_pay=Money.of(net),
                total_cost=Money.of(cost),
                lines=[],
                payments=[],
                notes=[],
                balance_before=Money.of("10000.00"),
                balance_after=Money.of("5000.00"),
                rules_version="test",
            )
        )
    for _ in range(problems):
        uow.repo.add(
            RunProblem(
                run_id=run.id, member_id=AMINA, activity_id=ACTIVITY, code="no_iban", message="No IBAN."
            )
        )
    uow.repo.flush()
    return run


def listed(uow, who=None, **payload):
    return runs.list_runs(uow, who or identity(), ListRunsSchema().load(payload))


def test_the_runs_are_listed_newest_period_first_with_their_counts_and_totals(uow):
    september = run_of(uow, "2026-09", "closed", slips=[("1800.00", "3000.00"), ("1200.50", "2000.25")])
    october = run_of(uow, "2026-10", problems=2)
    run_of(uow, "2026-10", cooperative_id=BRUCOOP_ID, slips=[("1.00", "2.00")])  # never seen by Dies

    answer = listed(uow)

    assert answer["total"] == 2
    assert [(r["id"], r["period"], r["status"]) for r in answer["items"]] == [
        (october.id, "2026-10", "draft"),
        (september.id, "2026-09", "closed"),
    ]
    assert {k: answer["items"][0][k] for k in ("payslips", "problems", "total_cost")} == {
        "payslips": 0,
        "problems": 2,
        "total_cost": "0.00",
    }
    closed = answer["items"][1]
    assert (closed["payslips"], closed["problems"], closed["total_cost"], closed["total_net_to_pay"]) == (
        2,
        0,
        "5000.25",
        "3000.50",
    )


def test_the_runs_are_filtered_by_period_and_status_and_read_by_an_auditor(uow):
    run_of(uow, "2026-09", "closed")
    draft = run_of(uow, "2026-10")
    assert [r["id"] for r in listed(uow, identity(AUDITOR), status="draft")["items"]] == [draft.id]
    assert listed(uow, period="2026-09", status="draft") == {"items": [], "total": 0}


def test_a_member_may_not_list_the_runs(uow):
    with pytest.raises(Forbidden):
        listed(uow, Identity(role=MEMBER, cooperative_id=DIES_ID, cooperative="dies", member_id=AMINA))
