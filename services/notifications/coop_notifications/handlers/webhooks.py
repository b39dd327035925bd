"""Webhooks a cooperative registers for its own events (issue #5, tenant rules)."""

from __future__ import annotations

import sqlalchemy as sa

from coop_notifications import repository as repo
from coop_notifications.domain.webhook_urls import check_url
from coop_notifications.orm import Webhook
from coop_notifications.schemas import webhook_out
from coop_shared.credentials import ADMIN, AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.storage.paging import page
from coop_shared.storage.types import utcnow


def register_webhook(uow, identity, data: dict, settings) -> dict:
    """Admins only: a webhook sends the cooperative's data out of the suite."""
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    url = check_url(data["url"], settings.forbidden_webhook_ports)
    hook = Webhook(
        cooperative_id=cooperative_id,
        url=url,
        events=sorted(set(data["events"])),
        secret=data["secret"],
        active=True,
    )
    uow.session.add(hook)
    uow.session.flush()
    return webhook_out(hook)


def list_webhooks(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    query = sa.select(Webhook).where(Webhook.cooperative_id == acting_cooperative(identity))
    rows, total = page(uow.session, query, (Webhook.created_at, Webhook.id), data["limit"], data["offset"])
    return {"items": [webhook_out(w) for w in rows], "total": total}


def remove_webhook(uow, identity, data: dict) -> dict:
    """Stops new deliveries at once; the row stays so past deliveries keep their meaning."""
    require_role(identity, ADMIN)
    hook = repo.webhook(uow.session, acting_cooperative(identity), data["id"])
    if hook.active:
        hook.active, hook.removed_at = False, utcnow()
    return webhook_out(hook)
