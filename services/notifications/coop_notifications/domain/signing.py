"""Webhook signatures: `X-Coop-Signature` is the hex HMAC-SHA256 of the exact body bytes, keyed
with the secret the cooperative chose when registering the webhook (signed webhooks)."""

from __future__ import annotations

import hashlib
import hmac
import json

SIGNATURE_HEADER = "X-Coop-Signature"
EVENT_ID_HEADER = "X-Coop-Event-Id"
EVENT_TYPE_HEADER = "X-Coop-Event-Type"
DELIVERY_ID_HEADER = "X-Coop-Delivery-Id"


def body_of(event: dict) -> bytes:
    """The JSON body POSTed for an event: compact, keys sorted, UTF-8, the same on every retry."""
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, received: str) -> bool:
    """What a receiver does (documented in the README): constant-time comparison."""
    return hmac.compare_digest(signature(secret, body), (received or "").strip())
