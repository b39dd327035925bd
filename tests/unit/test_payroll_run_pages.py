"""A payroll run's answer carries its counts, totals and problems and its first 50 payslips, the
others read a page at a time with list_payslips (docs/adr/026-a-run-answers-its-first-payslips.md):
a run of 120 members on the shared fake unit of work, its pages put side by side."""

from decimal import Decimal

import pytest

from coop_payroll.handlers import payslips, runs
from coop_payroll.orm import Base
from coop_payroll.repository import PayrollRepository
from coop_payroll.schemas import ListPayslipsSchema, PrepareRunSchema
from coop_shared.credentials import ADMIN, AUDITOR, Identity
from coop_shared.status_models import load_status_models
from tests.unit.fake_uow import FakeUnitOfWork
from tests.unit.test_payroll_handlers import FakeBillingClient, FakeMembersClient, person

MODELS = load_status_models()
PERIOD = "2026-09"
DIES_ID = "00000000-0000-4000-8000-0000000000d1"
MEMBERS = [f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 121)]
ACTIVITIES = [f"00000000-0000-4000-8001-{n:012d}" for n in range(1, 121)]
UNPAID = MEMBERS[-2:]  # no right to work on the period's last day: two problems


def identity(role=ADMIN):
    return Identity(role=role, cooperative_id=DIES_ID, cooperative="dies", member_id=None)


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=PayrollRepository)


@pytest.fixture
def run(uow):
    """A draft of 120 items, each a gross of 2,500.00 on its own activity: 118 payslips, 2 problems."""
    members = FakeMembersClient(
        *(person(m, a) for m, a in zip(MEMBERS, ACTIVITIES, strict=True)), not_allowed=UNPAID
    )
    billing = FakeBillingClient(**dict.fromkeys(ACTIVITIES, "10000.00"))
    items = [
        {"member_id": m, "activity_id": a, "mode": "gross", "amount": "2500.00"}
        for m, a in zip(MEMBERS, ACTIVITIES, strict=True)
    ]
    answer = runs.prepare_run(
        uow, identity(), MODELS, members, billing, PrepareRunSchema().load({"period": PERIOD, "items": items})
    )
    uow.commit()
    return answer


def pages_of(uow, run_id, limit=50):
    """Every payslip of the run, through list_payslips a page of `limit` at a time."""
    slips, offset = [], 0
    while True:
        page = payslips.list_payslips(
            uow, identity(), ListPayslipsSchema().load({"run_id": run_id, "limit": limit, "offset": offset})
        )
        slips += page["items"]
        offset += limit
        if offset >= page["total"]:
            return slips, page["total"]


def test_the_answer_counts_and_sums_every_payslip_but_carries_the_first_50(uow, run):
    assert (run["status"], run["payslip_count"], run["problem_count"]) == ("draft", 118, 2)
    assert len(run["payslips"]) == 50
    assert sorted(p["member_id"] for p in run["problems"]) == sorted(UNPAID)
    # The same gross gives every member the same payslip: the totals are 118 times one of them.
    slip = run["payslips"][0]
    assert {(p["gross"], p["net_to_pay"], p["total_cost"]) for p in run["payslips"]} == {
        (slip["gross"], slip["net_to_pay"], slip["total_cost"])
    }
    assert Decimal(run["total_cost"]) == 118 * Decimal(slip["total_cost"])
    assert Decimal(run["total_net_to_pay"]) == 118 * Decimal(slip["net_to_pay"])


def test_the_other_payslips_are_read_a_page_at_a_time_none_twice_none_missed(uow, run):
    listed, total = pages_of(uow, run["id"])
    assert total == len(listed) == 118
    # The answer's payslips are the first page.
    assert [p["id"] for p in listed[:50]] == [p["id"] for p in run["payslips"]]
    assert len({p["id"] for p in listed}) == 118
    assert sorted(p["member_id"] for p in listed) == sorted(set(MEMBERS) - set(UNPAID))
    assert sum(Decimal(p["total_cost"]) for p in listed) == Decimal(run["total_cost"])
    # Pages of another size give the same order.
    assert [p["id"] for p in pages_of(uow, run["id"], limit=7)[0]] == [p["id"] for p in listed]


def test_get_run_answers_as_prepare_did_and_close_run_the_same_closed(uow, run):
    assert runs.get_run(uow, identity(AUDITOR), {"id": run["id"]}) == run
    closed = runs.close_run(uow, identity(), {"id": run["id"]}, MODELS)
    uow.commit()
    assert closed == dict(run, status="closed")
    # A second close changes nothing and answers the same.
    assert runs.close_run(uow, identity(), {"id": run["id"]}, MODELS) == closed
    # Closing issues every payslip, not only those of the answer.
    assert len(uow.events_of("payslip_issued")) == 118
    [announced] = uow.events_of("payroll_closed")
    assert (announced["payslips"], announced["total_cost"]) == (118, run["total_cost"])
