"""Calls billing makes to other services: one class per service called.

Billing asks members with the caller's own credential (forwarded context data), so members'
tenancy rules apply: another cooperative's activity is NotFound here too.
"""

from coop_shared.credentials import MEMBER, may_see_member
from coop_shared.errors import NotFound
from coop_shared.kept import Kept

# Activities read from members, kept by this process (issue 18: creating an invoice or reading
# an account asked members for the activity every time). An activity's cooperative and member
# never change; its name could (no call renames one today), so an entry is read again after
# ACTIVITY_SECONDS. Each use checks the caller against the cached cooperative and member exactly
# as members does (`get_activity`), so the cache shows nobody an activity members would refuse.
ACTIVITY_SECONDS = 30.0
ACTIVITIES = Kept(ACTIVITY_SECONDS, most=10_000)
# Cooperatives read from members, kept by this process (issue 18: issuing an invoice asked
# members for the cooperative every time). What billing reads of one (its legal identity, IBAN,
# contribution rate, payment terms) is set when it is created; members announces any change
# (`cooperative_changed`, a broadcast every billing instance hears: `forget_cooperative`), and
# an entry is read again after COOPERATIVE_SECONDS at the latest. An entry is served only to a
# caller whose verified identity names that cooperative.
COOPERATIVE_SECONDS = 300.0
COOPERATIVES = Kept(COOPERATIVE_SECONDS, most=1000)


# Activities' contribution rates read from members, kept by this process (issue 18: every
# payment asked members for the rate in force on its date). Members announces a change of an
# activity's rates (`contribution_rate_changed`, heard by every billing instance:
# `forget_rates`), and an activity's answers are read again after RATE_SECONDS at the latest,
# counted from the last one read. Served only to a caller of the activity's cooperative whose
# key is not a member's (members would check that member against the activity).
# Bounded: at most 2,000 activities of 32 days each (a month's statements), some 30 MB at worst.
RATE_SECONDS = 300.0
RATES = Kept(RATE_SECONDS, most=2_000)
RATES_PER_ACTIVITY = 32


def forget_cooperative(slug: str) -> None:
    """The next call reads the cooperative from members again; a read that was under way when
    the change was announced is not kept."""
    COOPERATIVES.forget(slug)


def forget_rates(activity_id: str) -> None:
    """The next payment of the activity asks members for its rate again; an answer that was
    under way when the change was announced is not kept."""
    RATES.forget(activity_id)


class MembersClient:
    """The caller's cooperative and activities, read from members once per worker (activities
    once per process for `ACTIVITY_SECONDS` when the caller's identity is given)."""

    def __init__(self, members_rpc, cooperative_slug: str | None, identity=None):
        self._rpc = members_rpc
        self._slug = cooperative_slug
        self._identity = identity
        self._activities = {}
        self._cooperative = None
        self._rates = {}

    def cooperative(self) -> dict:
        """The caller's cooperative: legal identity, IBAN, contribution rate, payment terms."""
        if self._cooperative is None:
            mine = self._identity is not None and self._slug == self._identity.cooperative
            self._cooperative = COOPERATIVES.get(self._slug) if mine else None
            if self._cooperative is None:
                read_at = COOPERATIVES.now()
                self._cooperative = self._rpc.get_cooperative(self._slug)
                if mine:
                    COOPERATIVES.keep(self._slug, self._cooperative, read_at)
        return self._cooperative

    def contribution_rate_on(self, activity_id: str, on) -> dict:
        """{"rate", "source"}: the activity's own dated rate in force `on` (a programme's test
        phase, docs/domain/accompaniment.md), else the cooperative's. Asked once per activity
        and day within one call (a statement of 25,000 payments on a few activities asks a few
        times, not 25,000: issue 18), and kept by the process until members announces a change
        of the activity's rates (`RATES`)."""
        key = (activity_id, on)
        if key not in self._rates:
            days = self._kept_days(activity_id)
            answer = days.get(on)
            if answer is None:
                read_at = RATES.now()
                answer = self._rpc.contribution_rate_on({"activity_id": activity_id, "on": on.isoformat()})
                if self._may_keep_rates():
                    days = {} if len(days) >= RATES_PER_ACTIVITY else days
                    RATES.keep(activity_id, (self._identity.cooperative_id, {**days, on: answer}), read_at)
            self._rates[key] = answer
        return self._rates[key]

    def _may_keep_rates(self) -> bool:
        identity = self._identity
        return identity is not None and self._slug == identity.cooperative and identity.role != MEMBER

    def _kept_days(self, activity_id: str) -> dict:
        """{day: answer} kept for the activity, if this caller may be served them."""
        kept = RATES.get(activity_id) if self._may_keep_rates() else None
        if kept is None or kept[0] != self._identity.cooperative_id:
            return {}  # another cooperative's activity: members decides (NotFound)
        return kept[1]

    def activity(self, activity_id: str) -> dict:
        """One activity the caller may see, else NotFound naming it."""
        if activity_id not in self._activities:
            known = self._known(activity_id)
            if known is None:
                read_at = ACTIVITIES.now()
                try:
                    known = self._rpc.get_activity(activity_id)
                except NotFound:
                    raise NotFound(f"No activity '{activity_id}'.") from None
                if self._identity is not None:
                    ACTIVITIES.keep(activity_id, known, read_at)
            self._activities[activity_id] = known
        return self._activities[activity_id]

    def _known(self, activity_id: str) -> dict | None:
        """The activity as members answered it lately, if this caller may see it."""
        activity = ACTIVITIES.get(activity_id) if self._identity is not None else None
        if activity is None:
            return None
        if activity.get("cooperative_id") != self._identity.cooperative_id:
            return None  # another cooperative's: members decides (NotFound)
        if not may_see_member(self._identity, activity.get("member_id")):
            return None
        return activity
