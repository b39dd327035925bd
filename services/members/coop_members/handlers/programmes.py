"""Accompaniment programmes of a cooperative: phases, funders, eligibility, capacity and coaches
(docs/domain/accompaniment.md). Coaches are staff (or admin) API keys of the cooperative."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coop_members.domain import accompaniment
from coop_members.orm import Programme
from coop_members.views import programme_out
from coop_shared.credentials import ADMIN, AUDITOR, STAFF, Identity, acting_cooperative, require_role
from coop_shared.errors import ValidationError

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork

# The phases of the Brussels approval (AGRBC of 12 October 2017): preparation of 1 to 6 months,
# a test of at most 18 months, then the launch and autonomy, or an exit.
DEFAULT_PHASES = [
    {"phase": accompaniment.INTAKE, "max_months": 6},
    {"phase": accompaniment.TEST, "max_months": accompaniment.TEST_PHASE_MAX_MONTHS},
    {"phase": accompaniment.LAUNCH, "max_months": None},
    {"phase": accompaniment.AUTONOMY, "max_months": None},
    {"phase": accompaniment.EXIT, "max_months": None},
]


def create_programme(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """Creating the same name twice returns the first programme (a retried call creates one)."""
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    existing = uow.repo.programme_named(cooperative_id, data["name"])
    if existing is not None:
        return programme_out(existing, uow.repo.active_enrolments(existing.id))
    coaches = [str(k) for k in data["coach_key_ids"]]
    unknown = [k for k in coaches if uow.repo.staff_key(cooperative_id, k) is None]
    if unknown:
        raise ValidationError(
            fields={"coach_key_ids": [f"Not a staff key of this cooperative: {', '.join(unknown)}."]}
        )
    programme = Programme(
        cooperative_id=cooperative_id,
        name=data["name"],
        phases=data["phases"] or DEFAULT_PHASES,
        funders=data["funders"],
        eligibility=data["eligibility"],
        capacity=data["capacity"],
        coach_key_ids=coaches,
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
    )
    uow.repo.add(programme)
    uow.repo.flush()
    return programme_out(programme, 0)


def list_programmes(uow: UnitOfWork[MembersRepository], identity: Identity) -> dict:
    require_role(identity, ADMIN, STAFF, AUDITOR)
    items = uow.repo.programmes(acting_cooperative(identity))
    return {"items": [programme_out(p, uow.repo.active_enrolments(p.id)) for p in items], "total": len(items)}


def get_programme(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    require_role(identity, ADMIN, STAFF, AUDITOR)
    programme = uow.repo.programme(acting_cooperative(identity), str(data["id"]))
    return programme_out(programme, uow.repo.active_enrolments(programme.id))
