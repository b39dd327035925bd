"""The trail: who did what (docs/adr/021-nothing-run-twice-and-the-trail.md).

Every money record and every admin action stores `actor(identity)`: the id of the API key that
made it, or the role of a credential that has no key id (the platform key, a service acting for
a cooperative). Each is also announced by `record(...)` as a `<service>_action_recorded` event,
through the service's outbox in the transaction of the action itself, and members keeps them in
its `audit_log`, which `members.audit_log` shows to a cooperative's admins and auditors.
Framework-free: handlers call `record(uow, ...)` with the unit of work they already have.
"""

from __future__ import annotations

from coop_shared.credentials import Identity

ADMIN, MONEY = "admin", "money"  # the two kinds of entries of the audit log
SERVICES = ("members", "billing", "payroll", "notifications", "accounting")


def event_type_of(service: str) -> str:
    """The event announcing `service`'s actions: one per service, since an event type has one
    source (coop_shared.event_catalogue)."""
    return f"{service}_action_recorded"


def actor(identity: Identity | None) -> str | None:
    """The key id behind `identity`, else its role (platform, service); None for no caller."""
    if identity is None:
        return None
    return identity.key_id or str(identity.role)


def record(
    uow,
    identity: Identity,
    action: str,
    subject_id: str | None,
    details: dict | None = None,
    *,
    kind: str = ADMIN,
    cooperative_id: str | None = None,
    cooperative: str | None = None,
) -> dict:
    """Announce an admin action or a money record (`action` reads `<service>.<what>`, e.g.
    `members.api_key_issued`) in the transaction that does it (outbox): it reaches the audit log
    exactly once, or never if the work rolls back. `details` are JSON-safe and hold no secret.
    `cooperative_id`/`cooperative` name the cooperative when the caller is the platform."""
    service = action.split(".", 1)[0]
    if service not in SERVICES or kind not in (ADMIN, MONEY):
        raise ValueError(f"An audited action reads '<service>.<what>' with kind admin or money: {action!r}")
    return uow.emit(
        event_type_of(service),
        cooperative_id or identity.cooperative_id,
        cooperative or identity.cooperative,
        {
            "action": action,
            "kind": kind,
            "subject_id": subject_id,
            "key_id": identity.key_id,
            "role": str(identity.role),
            "details": details or {},
        },
    )
