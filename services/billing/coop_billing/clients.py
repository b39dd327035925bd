"""Calls billing makes to other services: one class per service called.

Billing asks members with the caller's own credential (forwarded context data), so members'
tenancy rules apply: another cooperative's activity is NotFound here too.
"""

from coop_shared.errors import NotFound


class MembersClient:
    """The caller's cooperative and activities, read from members once per worker."""

    def __init__(self, members_rpc, cooperative_slug: str | None):
        self._rpc = members_rpc
        self._slug = cooperative_slug
        self._activities = {}
        self._cooperative = None

    def cooperative(self) -> dict:
        """The caller's cooperative: legal identity, IBAN, contribution rate, payment terms."""
        if self._cooperative is None:
            self._cooperative = self._rpc.get_cooperative(self._slug)
        return self._cooperative

    def contribution_rate_on(self, activity_id: str, on) -> dict:
        """{"rate", "source"}: the activity's own dated rate in force `on` (a programme's test
        phase, docs/domain/accompaniment.md), else the cooperative's; read on every call, never
        cached, so a rate set a minute ago applies to the next payment."""
        return self._rpc.contribution_rate_on({"activity_id": activity_id, "on": on.isoformat()})

    def activity(self, activity_id: str) -> dict:
        """One activity the caller may see, else NotFound naming it."""
        if activity_id not in self._activities:
            try:
                self._activities[activity_id] = self._rpc.get_activity(activity_id)
            except NotFound:
                raise NotFound(f"No activity '{activity_id}'.") from None
        return self._activities[activity_id]
