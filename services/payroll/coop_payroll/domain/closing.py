"""What `close_run` checks again, inside its transaction, before a run's payslips become final.

A run is prepared, then closed later. Between the two, another run of the same period may have
closed with the same member, or spent the same activity's money: the checks made when the run
was prepared no longer hold. Paying a member twice for one period, or paying more than the
activity holds, cannot be undone by a correction afterwards (the money has left in the SEPA
file), so closing re-checks both and refuses the whole run (docs/adr/021-nothing-run-twice-and-the-trail.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coop_shared.errors import BusinessRuleViolation
from coop_shared.money import Money


@dataclass(frozen=True)
class ClosingSlip:
    """What the re-check needs of one payslip of the run being closed."""

    member_id: str
    activity_id: str
    period: str
    kind: str
    spends: Money  # what it takes from the activity's available balance (balance before − after)


def check_not_paid_twice(slips: Iterable[ClosingSlip], paid_before: set[tuple[str, str, str]]) -> None:
    """Refuse if a member already has a closed payslip of that period and kind, in another run
    or twice in this one (one payslip per member, period and kind: payroll-employees.md)."""
    seen, twice = set(), []
    for slip in slips:
        key = (slip.member_id, slip.period, slip.kind)
        if key in paid_before or key in seen:
            twice.append(slip.member_id)
        seen.add(key)
    if twice:
        raise BusinessRuleViolation(
            "A member of this run is already paid for this period: prepare the run again without them.",
            {"already_paid": sorted(set(twice))},
        )


def check_budget(
    slips: Iterable[ClosingSlip], available: Mapping[str, Money], spent_since: Mapping[str, Money]
) -> None:
    """Refuse if an activity cannot pay this run's payslips any more.

    `available` is what billing reports now; `spent_since` is what runs closed after this one
    was prepared took from each activity. Billing debits a closed payslip when its
    `payslip_issued` event arrives, so a run closed a moment ago may not be in `available` yet:
    both are subtracted, which may refuse a run that a later re-preparation would allow, never
    pay money the activity does not have."""
    needed: dict[str, Money] = {}
    for slip in slips:
        needed[slip.activity_id] = needed.get(slip.activity_id, Money.zero()) + slip.spends
    short = {}
    for activity_id, cost in needed.items():
        left = available.get(activity_id, Money.zero()) - spent_since.get(activity_id, Money.zero())
        if cost.amount > 0 and cost > left:
            short[activity_id] = {"needed": str(cost), "available": str(left)}
    if short:
        raise BusinessRuleViolation(
            "An activity no longer holds what this run pays from it: prepare the run again.",
            {"activities": short},
        )
