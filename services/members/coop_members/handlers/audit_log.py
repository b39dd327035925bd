"""The audit log: every admin action and money record of the suite, by key, for a cooperative's
admins and auditors (docs/adr/021-nothing-run-twice-and-the-trail.md).

Each service announces its actions with a `<service>_action_recorded` event from its outbox, in
the transaction of the action (coop_shared.audit); members writes one entry per event (the
inbox makes a redelivered event a no-op), so an action is in the log once it committed, even if
members was down at the time: the event waits in members' durable queue.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from coop_members.orm import AuditEntry
from coop_members.views import audit_entry_out
from coop_shared.credentials import ADMIN, AUDITOR, Identity, acting_cooperative, require_role
from coop_shared.dates import BRUSSELS
from coop_shared.errors import ValidationError

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork


def keep_entry(uow: UnitOfWork[MembersRepository], source: str, event: dict) -> None:
    """Write the entry an `<source>_action_recorded` event announces."""
    payload = event.get("payload") or {}
    if not payload.get("action", "").startswith(f"{source}."):
        # A service reports its own actions only (the event's source is its exchange).
        raise ValidationError("An audited action names its own service.", {"action": [payload.get("action")]})
    uow.repo.add(
        AuditEntry(
            event_id=event["event_id"],
            cooperative_id=event.get("cooperative_id"),
            occurred_at=datetime.fromisoformat(event["occurred_at"]).astimezone(UTC),
            service=source,
            action=payload["action"],
            kind=payload.get("kind", "admin"),
            subject_id=payload.get("subject_id"),
            key_id=payload.get("key_id"),
            role=payload.get("role") or "unknown",
            details=payload.get("details") or {},
        )
    )


def _brussels_midnight(day) -> datetime:
    """The instant a Brussels day starts, in UTC (the log's instants are UTC)."""
    return datetime.combine(day, time.min, tzinfo=BRUSSELS).astimezone(UTC)


def audit_log(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """{"items", "total"}: the cooperative's entries, newest first, for its admins and auditors."""
    require_role(identity, ADMIN, AUDITOR)
    cooperative_id = acting_cooperative(identity)
    filters = {name: data.get(name) for name in ("kind", "service", "action")}
    filters["key_id"] = str(data["key_id"]) if data.get("key_id") else None
    if data.get("date_from"):
        filters["since"] = _brussels_midnight(data["date_from"])
    if data.get("date_to"):
        filters["until"] = _brussels_midnight(data["date_to"] + timedelta(days=1))
    items, total = uow.repo.audit_entries(cooperative_id, data["limit"], data["offset"], **filters)
    return {"items": [audit_entry_out(entry) for entry in items], "total": total}
