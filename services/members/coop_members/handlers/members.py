"""Members of a cooperative: registered by its operators, read by its readers; a `member` key
sees only its own member."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from coop_members.domain.lifecycle import Lifecycle
from coop_members.orm import Member
from coop_members.views import activity_out, member_out, member_view
from coop_shared import personal_data
from coop_shared.credentials import (
    MEMBER,
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


def register_member(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    member = Member(cooperative_id=cooperative_id, lifecycle=Lifecycle.CANDIDATE, **data)
    uow.repo.add(member)
    uow.repo.flush()
    uow.emit(
        "member_registered",
        cooperative_id,
        identity.cooperative,
        {
            "member_id": member.id,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "email": member.email,
            "language": member.language,
        },
    )
    return dict(member_out(member), activities=[])


def get_member(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict, today: date) -> dict:
    """The member with its status on `today`, its status history and its activities."""
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.get("cooperative"))
    member_id = str(data["id"])
    if not may_see_member(identity, member_id):
        raise NotFound(f"No member '{member_id}'.")
    member = uow.repo.member(cooperative_id, member_id)
    activities = uow.repo.activities_of(cooperative_id, member_id)
    return dict(
        member_view(member, uow.repo.status_history(member.id), today),
        activities=[activity_out(a) for a in activities],
    )


def list_members(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """{"items", "total"}; a `member` key lists only its own member."""
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    if identity.role == MEMBER:
        own = uow.repo.member(cooperative_id, identity.member_id)
        return {"items": [member_out(own)], "total": 1}
    number = data.pop("national_number", None)
    if number is not None:
        # Sealed numbers are found by their keyed hash under every key of the ring (a row
        # hashed before a key rotation is still found), never by decrypting every row.
        data["national_number_hashes"] = personal_data.keyring().indexes(number)
    items, total = uow.repo.members(cooperative_id, **data)
    return {"items": [member_out(m) for m in items], "total": total}
