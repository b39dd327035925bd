"""Activities: what a member does inside the cooperative, coded A0001, A0002, ... per cooperative."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coop_members.domain.tenancy import activity_code
from coop_members.orm import Activity
from coop_members.views import activity_out
from coop_shared.credentials import (
    OPERATORS,
    READERS,
    Identity,
    acting_cooperative,
    may_see_member,
    require_role,
)
from coop_shared.errors import NotFound

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork


def add_activity(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    member = uow.repo.member(cooperative_id, str(data.pop("member_id")))
    # The row lock serialises code allocation per cooperative (unique codes under concurrency).
    cooperative = uow.repo.cooperative_by_id(cooperative_id, for_update=True)
    number = cooperative.next_activity_number
    cooperative.next_activity_number = number + 1
    activity = Activity(
        cooperative_id=cooperative_id, member_id=member.id, code=activity_code(number), **data
    )
    uow.repo.add(activity)
    uow.repo.flush()
    uow.emit(
        "activity_created",
        cooperative_id,
        identity.cooperative,
        {"activity_id": activity.id, "member_id": member.id, "code": activity.code, "name": activity.name},
    )
    return activity_out(activity)


def get_activity(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.get("cooperative"))
    activity = uow.repo.activity(cooperative_id, str(data["id"]))
    if not may_see_member(identity, activity.member_id):
        raise NotFound(f"No activity '{data['id']}'.")
    return activity_out(activity)
