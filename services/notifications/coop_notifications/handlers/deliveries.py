"""The delivery log as staff read it, and sending a message again."""

from __future__ import annotations

from coop_notifications import views
from coop_notifications.domain.deliveries import PENDING
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import Conflict
from coop_shared.storage.types import utcnow


def list_deliveries(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    rows, total = uow.repo.deliveries(acting_cooperative(identity), data, data["limit"], data["offset"])
    return views.list_of(rows, total, views.delivery_out)


def resend(uow, identity, data: dict) -> dict:
    """Queue a failed (or sent) delivery again, with a fresh series of retries; the address
    and the wording are looked up again when it leaves."""
    require_role(identity, *OPERATORS)
    delivery = uow.repo.delivery(acting_cooperative(identity), data["id"], for_update=True)
    if delivery.lease_until is not None and delivery.lease_until > utcnow():
        raise Conflict("This delivery is being sent right now.", {"id": delivery.id})
    delivery.status, delivery.failures_in_row = PENDING, 0
    delivery.next_attempt_at, delivery.lease_until = utcnow(), None
    uow.repo.flush()
    return views.delivery_out(delivery)
