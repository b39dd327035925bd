"""Every query of the notifications service; each one is scoped to one cooperative, except the
dispatcher's lease, which takes due deliveries whatever their cooperative."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from coop_notifications.domain.deliveries import EMAIL, PENDING
from coop_notifications.orm import Delivery, ReceivedEvent, Template, Webhook
from coop_shared.storage.repository import Repository


class NotificationsRepository(Repository):
    """Templates, webhooks, received events and the delivery log."""

    # Templates

    def template(self, cooperative_id: str, key: str, channel: str, language: str) -> Template | None:
        """The cooperative's own wording of `key`, or None (the default applies)."""
        return self.session.scalars(
            sa.select(Template).where(
                Template.cooperative_id == cooperative_id,
                Template.template == key,
                Template.channel == channel,
                Template.language == language,
            )
        ).first()

    # Webhooks

    def webhook(self, cooperative_id: str, webhook_id) -> Webhook:
        return self.one_of_cooperative(Webhook, cooperative_id, webhook_id, "webhook")

    def subscribed_webhooks(self, cooperative_id: str, event_type: str) -> list[Webhook]:
        """The active webhooks of the cooperative that asked for `event_type`, oldest first."""
        hooks = self.session.scalars(
            sa.select(Webhook)
            .where(Webhook.cooperative_id == cooperative_id, Webhook.active.is_(True))
            .order_by(Webhook.created_at)
        ).all()
        return [hook for hook in hooks if event_type in hook.events]

    def webhooks(self, cooperative_id: str, limit: int, offset: int) -> tuple[list[Webhook], int]:
        query = sa.select(Webhook).where(Webhook.cooperative_id == cooperative_id)
        return self.page(query, (Webhook.created_at, Webhook.id), limit, offset)

    # Received events

    def received_events(
        self, cooperative_id: str, event_type: str | None, limit: int, offset: int
    ) -> tuple[list[ReceivedEvent], int]:
        query = sa.select(ReceivedEvent).where(ReceivedEvent.cooperative_id == cooperative_id)
        if event_type:
            query = query.where(ReceivedEvent.event_type == event_type)
        return self.page(query, (ReceivedEvent.received_at, ReceivedEvent.id), limit, offset)

    # Deliveries

    def delivery(self, cooperative_id: str, delivery_id, for_update=False) -> Delivery:
        return self.one_of_cooperative(Delivery, cooperative_id, delivery_id, "delivery", for_update)

    def leased_delivery(self, delivery_id: str) -> Delivery | None:
        """A delivery this worker leased (`lease_due`), whatever its cooperative."""
        return self.session.get(Delivery, delivery_id)

    def deliveries(self, cooperative_id: str, filters: dict, limit: int, offset: int) -> tuple[list, int]:
        """The delivery log of a cooperative, oldest first, narrowed by `filters` (event, event_id,
        status, channel, recipient: a party 'member:<id>' or an address, as staff know one or the
        other)."""
        query = sa.select(Delivery).where(Delivery.cooperative_id == cooperative_id)
        if filters.get("event"):
            query = query.where(Delivery.event_type == filters["event"])
        if filters.get("event_id"):
            query = query.where(Delivery.event_id == str(filters["event_id"]))
        if filters.get("status"):
            query = query.where(Delivery.status == filters["status"])
        if filters.get("channel"):
            query = query.where(Delivery.channel == filters["channel"])
        if filters.get("recipient"):
            query = query.where(
                sa.or_(
                    Delivery.recipient == filters["recipient"],
                    sa.func.lower(Delivery.address) == filters["recipient"].lower(),
                )
            )
        return self.page(query, (Delivery.created_at, Delivery.id), limit, offset)

    def lease_due(self, now: datetime, lease_seconds: int, limit: int, only=None) -> list[str]:
        """Take up to `limit` due deliveries (or just those of `only`) for this worker: rows another
        worker holds (row lock or unexpired lease) are skipped, so replicas never send the same
        delivery together. One statement: the lease is written where the rows are locked
        (`UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING id`)."""
        due = (
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
            due = due.where(Delivery.id.in_(list(only)))
        until = now + timedelta(seconds=lease_seconds)
        leased = self.session.execute(
            sa.update(Delivery)
            .where(Delivery.id.in_(due.with_for_update(skip_locked=True).scalar_subquery()))
            .values(lease_until=until)
            .returning(Delivery.id, Delivery.next_attempt_at, Delivery.updated_at)
            .execution_options(synchronize_session=False)
        ).all()
        for row in leased:  # deliveries this session just planned: their lease as written, no reload
            planned = self.session.identity_map.get(identity_key(Delivery, row.id))
            if planned is not None:
                set_committed_value(planned, "lease_until", until)
                set_committed_value(planned, "updated_at", row.updated_at)
        return [row.id for row in sorted(leased, key=lambda row: row.next_attempt_at)]

    def overrides_for(self, delivery_ids: list[str]) -> dict[tuple, Template]:
        """The cooperatives' own wordings the e-mails among `delivery_ids` may use, every language,
        by (cooperative_id, template, language): read with the lease, so that composing each
        message needs no query of its own."""
        if not delivery_ids:
            return {}
        wanted = (
            sa.select(Delivery.cooperative_id, Delivery.template)
            .where(Delivery.id.in_(delivery_ids), Delivery.channel == EMAIL)
            .distinct()
        )
        rows = self.session.scalars(
            sa.select(Template).where(
                sa.tuple_(Template.cooperative_id, Template.template).in_(wanted),
                Template.channel == EMAIL,
            )
        ).all()
        return {(t.cooperative_id, t.template, t.language): t for t in rows}
