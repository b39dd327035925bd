"""Tables of the notifications service (its own database; no other service reads it)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from coop_shared.storage.messaging_tables import idempotency_table, inbox_table, outbox_table
from coop_shared.storage.types import IdColumn, new_id, utcnow


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)


class ReceivedEvent(Base):
    """Each business event this service reacted to, one row per handling.

    Deliberately without a unique constraint on `event_id`: the inbox alone guarantees one
    row per event, and a test counting rows per event proves it does.
    """

    __tablename__ = "received_events"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(IdColumn, index=True)
    event_type: Mapped[str] = mapped_column(sa.String(80))
    cooperative_id: Mapped[str | None] = mapped_column(IdColumn, index=True)
    occurred_at: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[dict] = mapped_column(sa.JSON)
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Template(Base):
    """A cooperative's own wording of one e-mail in one language (else the default is used)."""

    __tablename__ = "templates"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "template", "channel", "language"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    template: Mapped[str] = mapped_column(sa.String(60))
    channel: Mapped[str] = mapped_column(sa.String(20))
    language: Mapped[str] = mapped_column(sa.String(2))
    subject: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    updated_by: Mapped[str | None] = mapped_column(IdColumn)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Webhook(Base):
    """A URL a cooperative asked to receive some of its events at, signed with its secret.

    The secret is kept as given: signing needs it (it is never returned after registration).
    """

    __tablename__ = "webhooks"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    events: Mapped[list] = mapped_column(sa.JSON)
    secret: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The keys that registered and removed it (coop_shared.audit.actor)
    created_by: Mapped[str | None] = mapped_column(sa.String(60))
    removed_by: Mapped[str | None] = mapped_column(sa.String(60))


class Delivery(Base):
    """One message for one (event, channel, recipient): the unique key is the 'delivered once'
    of notifications, enforced by the database even if the inbox were bypassed.

    `recipient` is a party ('member:<id>', 'customer:<id>', 'cooperative:<id>', 'webhook:<id>');
    `address` is where it was last sent, looked up at send time.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "channel", "recipient"),
        sa.Index("ix_deliveries_due", "status", "next_attempt_at"),
    )
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    cooperative: Mapped[str] = mapped_column(sa.String(40))
    event_id: Mapped[str] = mapped_column(IdColumn)
    event_type: Mapped[str] = mapped_column(sa.String(80))
    event: Mapped[dict] = mapped_column(sa.JSON)
    channel: Mapped[str] = mapped_column(sa.String(20))
    recipient: Mapped[str] = mapped_column(sa.String(120))
    template: Mapped[str | None] = mapped_column(sa.String(60))
    address: Mapped[str | None] = mapped_column(sa.String(2000))
    language: Mapped[str | None] = mapped_column(sa.String(2))
    status: Mapped[str] = mapped_column(sa.String(10))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    failures_in_row: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_response: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
