"""An event arrives: plan the deliveries it calls for, in the transaction that claims the event.
The service then sends them at once through the dispatcher (the one path out, with its lease
and retry policy); whatever fails or is interrupted is left to the timer."""

from __future__ import annotations

from coop_notifications import views
from coop_notifications.domain.deliveries import EMAIL, PENDING, WEBHOOK
from coop_notifications.domain.reactions import recipient_key, recipients_for
from coop_notifications.handlers import dispatch
from coop_notifications.orm import Delivery, ReceivedEvent
from coop_shared.credentials import AUDITOR, OPERATORS, Identity, acting_cooperative, require_role
from coop_shared.storage.types import utcnow


def react(uow, event: dict, channels: dict, clients_for, settings) -> int:
    """Plan the deliveries of `event`, and send them as soon as the plan commits; returns how
    many were planned."""
    deliveries = _planned(uow, event)

    def send_planned():
        # Holding the planned rows keeps them in the session (its identity map holds objects
        # weakly), so the dispatcher sends them without reading them back (issue 18).
        dispatch.deliver_due(uow, channels, clients_for, settings, only=[d.id for d in deliveries])

    if deliveries:
        uow.after_commit(send_planned)
    return len(deliveries)


def plan(uow, event: dict) -> list[str]:
    """Record the event and one pending delivery per e-mail recipient and subscribed webhook;
    returns the ids of the deliveries.

    Runs once per event id (the inbox); the unique (event, channel, recipient) key would refuse
    a second plan anyway.
    """
    return [d.id for d in _planned(uow, event)]


def _planned(uow, event: dict) -> list[Delivery]:
    uow.repo.add(
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
    now = utcnow()
    deliveries = [_delivery(event, *planned, now) for planned in _recipients(uow, event)]
    uow.repo.add_all(deliveries)
    uow.repo.flush()
    return deliveries


def _recipients(uow, event: dict) -> list[tuple[str, str, str | None]]:
    """(channel, recipient, template) of each message the event calls for."""
    planned = [(EMAIL, key, reaction.template) for key, reaction in recipients_for(event)]
    planned += [
        (WEBHOOK, recipient_key(WEBHOOK, hook.id), None)
        for hook in uow.repo.subscribed_webhooks(event["cooperative_id"], event["event_type"])
    ]
    return planned


def _delivery(event: dict, channel: str, recipient: str, template: str | None, now) -> Delivery:
    return Delivery(
        cooperative_id=event["cooperative_id"],
        cooperative=event["cooperative"],
        event_id=event["event_id"],
        event_type=event["event_type"],
        event=event,
        channel=channel,
        recipient=recipient,
        template=template,
        status=PENDING,
        attempts=0,
        failures_in_row=0,
        next_attempt_at=now,
    )


def list_received_events(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    rows, total = uow.repo.received_events(
        acting_cooperative(identity), data.get("event_type"), data["limit"], data["offset"]
    )
    return views.list_of(rows, total, views.received_event_out)
