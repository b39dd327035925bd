"""A dated contribution rate per activity, overriding the cooperative's rate for its dates
(e.g. 0 % during a programme's test phase, docs/domain/accompaniment.md). Billing asks for the
rate in force on a payment's date (`contribution_rate_on`) and keeps the answer until a change
is announced (`contribution_rate_changed`, docs/adr/027-invoice-path-speed.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coop_members.orm import ContributionRate
from coop_members.views import contribution_rate_out
from coop_shared import audit
from coop_shared.credentials import (
    OPERATORS,
    READERS,
    Identity,
    acting_cooperative,
    may_see_member,
    require_role,
)
from coop_shared.errors import BusinessRuleViolation, NotFound

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork


def set_contribution_rate(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """{"activity_id", "rates"}. The same activity and start date again corrects that period
    (a retried call changes nothing); periods of one activity never overlap."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    activity = uow.repo.activity(cooperative_id, str(data["activity_id"]))
    rates = uow.repo.contribution_rates(activity.id)
    same = next((r for r in rates if r.valid_from == data["valid_from"]), None)
    for other in rates:
        if other is same:
            continue
        if _overlap(other.valid_from, other.valid_until, data["valid_from"], data["valid_until"]):
            raise BusinessRuleViolation(
                f"The activity already has a rate from {other.valid_from.isoformat()}"
                f"{' to ' + other.valid_until.isoformat() if other.valid_until else ''}.",
                {"valid_from": other.valid_from.isoformat()},
            )
    if same is None:
        uow.repo.add(
            ContributionRate(
                cooperative_id=cooperative_id,
                activity_id=activity.id,
                rate=data["rate"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        )
    else:
        same.rate, same.valid_until = data["rate"], data["valid_until"]
    uow.repo.flush()
    # Billing keeps the rates it read (coop_billing.clients): every instance forgets them when
    # this commits, before the next payment of the activity is booked.
    cooperative = uow.repo.cooperative_by_id(cooperative_id)
    uow.emit(
        "contribution_rate_changed",
        cooperative.id,
        cooperative.slug,
        {"activity_id": activity.id, "valid_from": data["valid_from"].isoformat()},
    )
    audit.record(
        uow,
        identity,
        "members.contribution_rate_set",
        activity.id,
        {
            "rate": str(data["rate"]),
            "valid_from": data["valid_from"].isoformat(),
            "valid_until": data["valid_until"].isoformat() if data["valid_until"] else None,
        },
    )
    return {
        "activity_id": activity.id,
        "rates": [contribution_rate_out(r) for r in uow.repo.contribution_rates(activity.id)],
    }


def contribution_rate_on(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """{"activity_id", "on", "rate", "source"}: the activity's own rate in force that day, else
    the cooperative's (source "activity" or "cooperative")."""
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity)
    activity = uow.repo.activity(cooperative_id, str(data["activity_id"]))
    if not may_see_member(identity, activity.member_id):
        raise NotFound(f"No activity '{data['activity_id']}'.")
    on = data["on"]
    own = [
        r
        for r in uow.repo.contribution_rates(activity.id)
        if r.valid_from <= on and (r.valid_until is None or on <= r.valid_until)
    ]
    if own:
        rate, source = own[-1].rate, "activity"
    else:
        rate, source = uow.repo.cooperative_by_id(cooperative_id).contribution_rate, "cooperative"
    return {"activity_id": activity.id, "on": on.isoformat(), "rate": str(rate.normalize()), "source": source}


def _overlap(a_from, a_until, b_from, b_until) -> bool:
    return (a_until is None or b_from <= a_until) and (b_until is None or a_from <= b_until)
