"""Queries of the notifications service; every query is scoped to one cooperative."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coop_notifications.orm import Delivery, Template, Webhook
from coop_shared.storage.scoped import one_of_cooperative

PENDING, SENT, FAILED = "pending", "sent", "failed"
STATUSES = (PENDING, SENT, FAILED)


def template(session: Session, cooperative_id: str, key: str, channel: str, language: str) -> Template | None:
    return session.scalars(
        sa.select(Template).where(
            Template.cooperative_id == cooperative_id,
            Template.template == key,
            Template.channel == channel,
            Template.language == language,
        )
    ).first()


def subscribed_webhooks(session: Session, cooperative_id: str, event_type: str) -> list[Webhook]:
    hooks = session.scalars(
        sa.select(Webhook)
        .where(Webhook.cooperative_id == cooperative_id, Webhook.active.is_(True))
        .order_by(Webhook.created_at)
    ).all()
    return [hook for hook in hooks if event_type in hook.events]


def webhook(session: Session, cooperative_id: str, webhook_id: str) -> Webhook:
    return one_of_cooperative(session, Webhook, cooperative_id, webhook_id, "webhook")


def delivery(session: Session, cooperative_id: str, delivery_id: str, for_update=False) -> Delivery:
    return one_of_cooperative(session, Delivery, cooperative_id, delivery_id, "delivery", for_update)


def lease_due(session: Session, now: datetime, lease_seconds: int, limit: int, only=None) -> list[str]:
    """Take up to `limit` due deliveries (or just those of `only`) for this worker: rows another
    worker holds (row lock or unexpired lease) are skipped, so replicas never send the same
    delivery together."""
    query = (
        sa.select(Delivery.id)
        .where(
            Delivery.status == PENDING,
            Delivery.next_attempt_at <= now,
            sa.or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
        )
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
    )
    if only is not None:
        query = query.where(Delivery.id.in_(list(only)))
    ids = session.scalars(query.with_for_update(skip_locked=True)).all()
    if ids:
        session.execute(
            sa.update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(lease_until=now + timedelta(seconds=lease_seconds))
        )
    return list(ids)
