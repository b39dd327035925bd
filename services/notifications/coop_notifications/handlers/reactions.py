"""An event arrives: plan the deliveries it calls for, in the transaction that claims the event.
The service then sends them at once through the dispatcher (the one path out, with its lease
and retry policy); whatever fails or is interrupted is left to the timer."""

from __future__ import annotations

import sqlalchemy as sa

from coop_notifications import repository as repo
from coop_notifications.domain.reactions import EMAIL, WEBHOOK, recipient_key, recipients_for
from coop_notifications.orm import Delivery, ReceivedEvent
from coop_notifications.schemas import received_event_out
from coop_shared.credentials import AUDITOR, OPERATORS, Identity, acting_cooperative, require_role
from coop_shared.storage.paging import page
from coop_shared.storage.types import utcnow


def react(uow, event: dict) -> list[str]:
    """Record the event and one pending delivery per e-mail recipient and subscribed webhook.

    Runs once per event id (the inbox); the unique (event, channel, recipient) key would refuse
    a second plan anyway.
    """
    session, now = uow.session, utcnow()
    session.add(
        ReceivedEvent(
            event_id=event["event_id"],
            event_type=event.get("event_type", "unknown"),
            cooperative_id=event.get("cooperative_id"),
            occurred_at=event.get("occurred_at", ""),
            payload=event.get("payload") or {},
        )
    )
    if not event.get("cooperative_id") or not event.get("cooperative"):
        return []
    planned = [(EMAIL, key, reaction.template) for key, reaction in recipients_for(event)]
    planned += [
        (WEBHOOK, recipient_key(WEBHOOK, hook.id), None)
        for hook in repo.subscribed_webhooks(session, event["cooperative_id"], event["event_type"])
    ]
    deliveries = [
        Delivery(
            cooperative_id=event["cooperative_id"],
            cooperative=event["cooperative"],
            event_id=event["event_id"],
            event_type=event["event_type"],
            event=event,
            channel=channel,
            recipient=recipient,
            template=template,
            status=repo.PENDING,
            attempts=0,
            failures_in_row=0,
            next_attempt_at=now,
        )
        for channel, recipient, template in planned
    ]
    session.add_all(deliveries)
    session.flush()
    return [d.id for d in deliveries]


def list_received_events(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    query = sa.select(ReceivedEvent).where(ReceivedEvent.cooperative_id == acting_cooperative(identity))
    if data.get("event_type"):
        query = query.where(ReceivedEvent.event_type == data["event_type"])
    rows, total = page(
        uow.session, query, (ReceivedEvent.received_at, ReceivedEvent.id), data["limit"], data["offset"]
    )
    return {"items": [received_event_out(r) for r in rows], "total": total}
