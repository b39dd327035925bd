"""The dicts the notifications service returns (JSON-safe), one function per kind of row."""

from __future__ import annotations

from coop_notifications.domain import templates
from coop_notifications.domain.deliveries import EMAIL, PENDING


def _when(value):
    return value.isoformat() if value else None


def received_event_out(e) -> dict:
    return {
        "event_id": e.event_id,
        "event_type": e.event_type,
        "occurred_at": e.occurred_at,
        "payload": e.payload,
        "received_at": e.received_at.isoformat(),
    }


def template_out(t, overridden: bool, key: str, language: str, channel: str = EMAIL) -> dict:
    """A template row or a default `templates.Text`, with what it is the wording of."""
    return {
        "event": key,
        "channel": str(channel),
        "language": language,
        "subject": t.subject,
        "body": t.body,
        "overridden": overridden,
    }


def preview_out(data: dict, overridden: bool, mail: templates.Email) -> dict:
    return {
        "event": data["event"],
        "language": data["language"],
        "overridden": overridden,
        "subject": mail.subject,
        "text": mail.text,
        "html": mail.html,
    }


def webhook_out(w) -> dict:
    return {
        "id": w.id,
        "url": w.url,
        "events": list(w.events),
        "active": w.active,
        "created_at": _when(w.created_at),
        "removed_at": _when(w.removed_at),
    }


def delivery_out(d) -> dict:
    return {
        "id": d.id,
        "event_id": d.event_id,
        "event": d.event_type,
        "channel": str(d.channel),
        "recipient": d.recipient,
        "address": d.address,
        "template": d.template,
        "language": d.language,
        "status": str(d.status),
        "attempts": d.attempts,
        "last_error": d.last_error,
        "last_response": d.last_response,
        "next_attempt_at": _when(d.next_attempt_at) if d.status == PENDING else None,
        "sent_at": _when(d.sent_at),
        "created_at": _when(d.created_at),
    }


def list_of(rows, total: int, view) -> dict:
    """A page of rows as the list methods return it."""
    return {"items": [view(row) for row in rows], "total": total}
