"""Many members in one call: what a payroll run of thousands needs, in one round trip per
chunk instead of two per member (issue 18; the same tenancy rules as `get_member` and
`check_right_to_work`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from coop_members.handlers.documents import judged
from coop_members.views import activity_out, member_view
from coop_shared.credentials import READERS, Identity, acting_cooperative, may_see_member, require_role
from coop_shared.errors import NotFound

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork


def get_members(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict, today: date) -> dict:
    """{"items": [each member as `get_member` returns it, in the order asked]}; with
    `right_to_work_on`, each also carries `right_to_work` as `check_right_to_work` answers it.
    An id the caller may not see (another cooperative's, another member's for a member key)
    refuses the whole call with NotFound naming it, exactly like `get_member`."""
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity)
    ids = list(dict.fromkeys(str(i) for i in data["ids"]))
    found = {m.id: m for m in uow.repo.members_by_ids(cooperative_id, ids)}
    for member_id in ids:
        if member_id not in found or not may_see_member(identity, member_id):
            raise NotFound(f"No member '{member_id}'.")
    activities = uow.repo.activities_of_members(cooperative_id, ids)
    histories = uow.repo.status_histories(ids)
    on = data.get("right_to_work_on")
    documents = uow.repo.documents_of_members(ids) if on else {}
    items = []
    for member_id in ids:
        member, history = found[member_id], histories[member_id]
        item = dict(
            member_view(member, history, today), activities=[activity_out(a) for a in activities[member_id]]
        )
        if on:
            item["right_to_work"] = judged(member, history, documents[member_id], on)
        items.append(item)
    return {"items": items}
