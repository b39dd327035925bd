"""The envelope every event carries (docs/rpc-contract.md, 'Conventions on the wire').

    {"event_id": uuid, "event_type": str, "cooperative_id": uuid, "cooperative": slug,
     "occurred_at": ISO 8601 UTC, "payload": {...}}

`cooperative` is kept for readers of the contract; `cooperative_id` is what services key on.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_event(
    event_type: str,
    cooperative_id,
    cooperative: str | None,
    payload: dict,
    occurred_at: datetime | None = None,
    event_id: str | None = None,
) -> dict:
    """Build an event envelope; the payload must already be JSON-safe (strings for money)."""
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "event_type": event_type,
        "cooperative_id": str(cooperative_id) if cooperative_id else None,
        "cooperative": cooperative,
        "occurred_at": (occurred_at or utcnow()).isoformat(),
        "payload": payload,
    }
