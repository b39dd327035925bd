"""marshmallow schemas for notifications payloads, and the dicts the service returns."""

from marshmallow import Schema, fields, validate


class ListReceivedEventsSchema(Schema):
    event_type = fields.String(validate=validate.Length(1, 80))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


def received_event_out(e) -> dict:
    return {"event_id": e.event_id, "event_type": e.event_type, "occurred_at": e.occurred_at,
            "payload": e.payload, "received_at": e.received_at.isoformat()}
