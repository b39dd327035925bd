"""The words of the delivery log: the channel a delivery leaves by and where it stands.

StrEnums whose values are the strings stored in the `deliveries` table and returned by
`list_deliveries`, so code compares names, never string literals.
"""

from __future__ import annotations

from enum import StrEnum


class ChannelKind(StrEnum):
    """The built-in channels (channels/); a third-party channel registers its own key."""

    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryStatus(StrEnum):
    """`pending` until it leaves (or is retried); `sent`; `failed` once the retries are spent."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


EMAIL, WEBHOOK = ChannelKind.EMAIL, ChannelKind.WEBHOOK
PENDING, SENT, FAILED = DeliveryStatus.PENDING, DeliveryStatus.SENT, DeliveryStatus.FAILED
STATUSES = tuple(DeliveryStatus)
