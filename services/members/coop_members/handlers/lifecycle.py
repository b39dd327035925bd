"""A member's lifecycle changes, each kept with its date and reason (domain/lifecycle.py says
which moves are allowed)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from coop_members.domain.lifecycle import Lifecycle, may_move
from coop_members.handlers import api_keys
from coop_members.orm import LifecycleChange
from coop_members.views import member_view
from coop_shared.credentials import OPERATORS, Identity, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork


def change_lifecycle(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict, today: date) -> dict:
    require_role(identity, *OPERATORS)
    member = uow.repo.member(acting_cooperative(identity), str(data["member_id"]))
    if not may_move(member.lifecycle, data["to"]):
        raise BusinessRuleViolation(f"A member cannot go from '{member.lifecycle}' to '{data['to']}'.")
    uow.repo.add(
        LifecycleChange(
            member_id=member.id,
            from_state=member.lifecycle,
            to_state=data["to"],
            effective_on=data["effective_on"],
            reason=data.get("reason"),
        )
    )
    previous, member.lifecycle = member.lifecycle, data["to"]
    uow.repo.flush()
    if data["to"] == Lifecycle.EXITED:
        # Someone who left the cooperative no longer speaks for it: their keys are revoked in
        # this transaction, not left for an admin to remember (docs/adr/021-nothing-run-twice-and-the-trail.md).
        api_keys.revoke_member_keys(uow, identity, member, uow.repo.cooperative_by_id(member.cooperative_id))
    uow.emit(
        "member_lifecycle_changed",
        member.cooperative_id,
        identity.cooperative,
        {
            "member_id": member.id,
            "from": previous,
            "to": data["to"],
            "effective_on": data["effective_on"].isoformat(),
            "reason": data.get("reason"),
        },
    )
    return member_view(member, uow.repo.status_history(member.id), today)
