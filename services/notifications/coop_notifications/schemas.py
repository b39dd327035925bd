"""marshmallow schemas of the notifications payloads (input only; the output dicts are views.py)."""

from marshmallow import Schema, fields, validate

from coop_notifications.domain.deliveries import EMAIL, STATUSES
from coop_notifications.domain.reactions import WEBHOOK_EVENTS
from coop_notifications.domain.templates import LANGUAGES, TEMPLATE_KEYS
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
