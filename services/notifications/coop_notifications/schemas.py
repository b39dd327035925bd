"""marshmallow schemas for notifications payloads, and the dicts the service returns."""

from marshmallow import Schema, fields, validate

from coop_notifications.domain.reactions import EMAIL, WEBHOOK_EVENTS
from coop_notifications.domain.templates import LANGUAGES, TEMPLATE_KEYS
from coop_notifications.repository import STATUSES
from coop_shared.wire_schemas import PageSchema


class ListReceivedEventsSchema(PageSchema):
    event_type = fields.String(validate=validate.Length(1, 80))


class SetTemplateSchema(Schema):
    event = fields.String(required=True, validate=validate.OneOf(TEMPLATE_KEYS))
    channel = fields.String(load_default=EMAIL, validate=validate.OneOf((EMAIL,)))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    subject = fields.String(required=True, validate=validate.Length(1, 300))
    body = fields.String(required=True, validate=validate.Length(1, 20000))


class TemplateRefSchema(Schema):
    event = fields.String(required=True, validate=validate.OneOf(TEMPLATE_KEYS))
    channel = fields.String(load_default=EMAIL, validate=validate.OneOf((EMAIL,)))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class PreviewSchema(TemplateRefSchema):
    """Without subject and body: the template in force. With them: a draft, before saving."""

    subject = fields.String(validate=validate.Length(1, 300))
    body = fields.String(validate=validate.Length(1, 20000))
    data = fields.Dict(keys=fields.String(), load_default=None)


class RegisterWebhookSchema(Schema):
    url = fields.String(required=True, validate=validate.Length(8, 2000))
    events = fields.List(
        fields.String(validate=validate.OneOf(WEBHOOK_EVENTS)), required=True, validate=validate.Length(min=1)
    )
    secret = fields.String(required=True, validate=validate.Length(16, 200))


class ListDeliveriesSchema(PageSchema):
    event = fields.String(validate=validate.Length(1, 80))
    status = fields.String(validate=validate.OneOf(STATUSES))
    recipient = fields.String(validate=validate.Length(1, 2000))
    channel = fields.String(validate=validate.Length(1, 20))
    event_id = fields.UUID()


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
    return {
        "event": key,
        "channel": channel,
        "language": language,
        "subject": t.subject,
        "body": t.body,
        "overridden": overridden,
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
        "channel": d.channel,
        "recipient": d.recipient,
        "address": d.address,
        "template": d.template,
        "language": d.language,
        "status": d.status,
        "attempts": d.attempts,
        "last_error": d.last_error,
        "last_response": d.last_response,
        "next_attempt_at": _when(d.next_attempt_at) if d.status == "pending" else None,
        "sent_at": _when(d.sent_at),
        "created_at": _when(d.created_at),
    }
