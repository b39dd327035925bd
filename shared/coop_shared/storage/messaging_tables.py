"""The outbox and inbox tables, added to each service's own metadata.

Outbox: an event is a row written in the same transaction as the business rows it announces;
a relay publishes it afterwards (docs/nameko-delivery.md: "commit, then dispatch" lost 14 of 200
events under injected crashes, the outbox none). Inbox: `(consumer, event_id)` is inserted in
the same transaction as a handler's effects, so a redelivered event changes nothing.
"""

import sqlalchemy as sa

from coop_shared.storage.types import IdColumn, utcnow


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "outbox",
        metadata,
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
        sa.Column("event_id", IdColumn, nullable=False, unique=True),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("cooperative_id", IdColumn, nullable=True),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("mandatory", sa.Boolean, nullable=False, default=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, default=utcnow),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Index("ix_outbox_unpublished", "published_at", "id"),
    )


def inbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "inbox",
        metadata,
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", IdColumn, primary_key=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False, default=utcnow),
    )


def idempotency_table(metadata: sa.MetaData) -> sa.Table:
    """The answers of create methods, by (caller scope, method, key): a request run again (a
    redelivered message, a client retrying with its `idempotency_key`) returns the first answer
    and creates nothing (coop_shared.runtime.idempotency, docs/adr/021-nothing-run-twice-and-the-trail.md).
    The row commits in the transaction of the record it answers for."""
    return sa.Table(
        "idempotency",
        metadata,
        sa.Column("scope", sa.String(120), primary_key=True),
        sa.Column("method", sa.String(80), primary_key=True),
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("answer", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, default=utcnow),
        sa.Index("ix_idempotency_created_at", "created_at"),
    )
