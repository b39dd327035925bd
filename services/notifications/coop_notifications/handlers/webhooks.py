"""Webhooks a cooperative registers for its own events (tenant rules: a cooperative sees and
removes only its own)."""

from __future__ import annotations

from coop_notifications import views
from coop_notifications.channels.webhook import checked_addresses, resolve
from coop_notifications.domain.webhook_urls import check_url
from coop_notifications.orm import Webhook
from coop_shared import audit
from coop_shared.credentials import ADMIN, AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.storage.types import utcnow


def register_webhook(uow, identity, data: dict, settings, resolver=resolve) -> dict:
    """Admins only: a webhook sends the cooperative's data out of the suite. The host is
    resolved now and each address checked (the SSRF rule of domain/webhook_urls.py); the
    channel checks again at every delivery. `resolver` is replaced in tests, which never
    look a name up."""
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    url = check_url(data["url"], settings.forbidden_webhook_ports)
    checked_addresses(url, settings.webhook_reach, resolver)
    hook = Webhook(
        cooperative_id=cooperative_id,
        url=url,
        events=sorted(set(data["events"])),
        secret=data["secret"],
        active=True,
        created_by=audit.actor(identity),
    )
    uow.repo.add(hook)
    uow.repo.flush()
    audit.record(
        uow, identity, "notifications.webhook_registered", hook.id, {"url": url, "events": hook.events}
    )
    return views.webhook_out(hook)


def list_webhooks(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    rows, total = uow.repo.webhooks(acting_cooperative(identity), data["limit"], data["offset"])
    return views.list_of(rows, total, views.webhook_out)


def remove_webhook(uow, identity, data: dict) -> dict:
    """Stops new deliveries at once; the row stays so past deliveries keep their meaning."""
    require_role(identity, ADMIN)
    hook = uow.repo.webhook(acting_cooperative(identity), data["id"])
    if hook.active:
        hook.active, hook.removed_at, hook.removed_by = False, utcnow(), audit.actor(identity)
        audit.record(uow, identity, "notifications.webhook_removed", hook.id, {"url": hook.url})
    return views.webhook_out(hook)
