"""The delivery log as staff read it, and sending a message again."""

from __future__ import annotations

import sqlalchemy as sa

from coop_notifications import repository as repo
from coop_notifications.orm import Delivery
from coop_notifications.schemas import delivery_out
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import Conflict
from coop_shared.storage.paging import page
from coop_shared.storage.types import utcnow


def list_deliveries(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    query = sa.select(Delivery).where(Delivery.cooperative_id == acting_cooperative(identity))
    if data.get("event"):
        query = query.where(Delivery.event_type == data["event"])
    if data.get("event_id"):
        query = query.where(Delivery.event_id == str(data["event_id"]))
    if data.get("status"):
        query = query.where(Delivery.status == data["status"])
    if data.get("channel"):
        query = query.where(Delivery.channel == data["channel"])
    if data.get("recipient"):
        # A party ('member:<id>') or an address, as staff know one or the other.
        query = query.where(
            sa.or_(
                Delivery.recipient == data["recipient"],
                sa.func.lower(Delivery.address) == data["recipient"].lower(),
            )
        )
    rows, total = page(uow.session, query, (Delivery.created_at, Delivery.id), data["limit"], data["offset"])
    return {"items": [delivery_out(d) for d in rows], "total": total}


def resend(uow, identity, data: dict) -> dict:
    """Queue a failed (or sent) delivery again, with a fresh series of retries; the address
    and the wording are looked up again when it leaves."""
    require_role(identity, *OPERATORS)
    delivery = repo.delivery(uow.session, acting_cooperative(identity), data["id"], for_update=True)
    if delivery.lease_until is not None and delivery.lease_until > utcnow():
        raise Conflict("This delivery is being sent right now.", {"id": delivery.id})
    delivery.status, delivery.failures_in_row = repo.PENDING, 0
    delivery.next_attempt_at, delivery.lease_until = utcnow(), None
    uow.session.flush()
    return delivery_out(delivery)
