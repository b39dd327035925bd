"""Tables of the notifications service (its own database; no other service reads it)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from coop_shared.storage.messaging_tables import inbox_table, outbox_table
from coop_shared.storage.types import IdColumn, new_id, utcnow


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)


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
