"""A member's lifecycle and the moves allowed between its states.

A member starts as a candidate, becomes active, may be suspended and reactivated, and exits
for good: nobody comes back from `exited` (a returning person is registered again).
"""

from enum import StrEnum


class Lifecycle(StrEnum):
    """States of a member. Values are the strings on the wire and in the `members` table."""

    CANDIDATE = "candidate"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXITED = "exited"


TRANSITIONS: dict[Lifecycle, frozenset[Lifecycle]] = {
    Lifecycle.CANDIDATE: frozenset({Lifecycle.ACTIVE, Lifecycle.EXITED}),
    Lifecycle.ACTIVE: frozenset({Lifecycle.SUSPENDED, Lifecycle.EXITED}),
    Lifecycle.SUSPENDED: frozenset({Lifecycle.ACTIVE, Lifecycle.EXITED}),
    Lifecycle.EXITED: frozenset(),
}
# States a change may lead to: every member is registered as a candidate, none goes back to it.
TARGETS = tuple(state for state in Lifecycle if state is not Lifecycle.CANDIDATE)


def may_move(current: str, to: str) -> bool:
    """Whether a member in state `current` may go to state `to`."""
    return to in TRANSITIONS[Lifecycle(current)]
