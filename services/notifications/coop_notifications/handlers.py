"""Use cases of the notifications service."""

import sqlalchemy as sa

from coop_notifications.orm import ReceivedEvent
from coop_notifications.schemas import received_event_out
from coop_shared.credentials import OPERATORS, Identity, require_role
from coop_shared.errors import Forbidden
from coop_shared.storage.paging import page


def record_event(uow, event: dict) -> None:
    """Keep the event this service reacted to (the inbox has already made it unique)."""
    uow.session.add(ReceivedEvent(
        event_id=event["event_id"], event_type=event.get("event_type", "unknown"),
        cooperative_id=event.get("cooperative_id"), occurred_at=event.get("occurred_at", ""),
        payload=event.get("payload") or {}))


def list_received_events(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    if identity.is_platform:
        raise Forbidden("Use a cooperative's key.")
    query = sa.select(ReceivedEvent).where(ReceivedEvent.cooperative_id == identity.cooperative_id)
    if data.get("event_type"):
        query = query.where(ReceivedEvent.event_type == data["event_type"])
    rows, total = page(uow.session, query, (ReceivedEvent.received_at, ReceivedEvent.id), data["limit"],
                       data["offset"])
    return {"items": [received_event_out(r) for r in rows], "total": total}
