"""marshmallow pieces several services' payloads share."""

from marshmallow import Schema, fields, validate

LANGUAGES = ("fr", "nl", "en")
SLUG = validate.Regexp(r"^[a-z][a-z0-9-]{1,39}$", error="Lowercase letters, digits and dashes, 2 to 40.")
COUNTRY = validate.Regexp(r"^[A-Z]{2}$", error="An ISO 3166 alpha-2 country code, e.g. BE.")


class AddressSchema(Schema):
    street = fields.String(required=True, validate=validate.Length(1, 200))
    postal_code = fields.String(required=True, validate=validate.Length(1, 20))
    city = fields.String(required=True, validate=validate.Length(1, 100))
    country = fields.String(required=True, validate=COUNTRY)


class RefSchema(Schema):
    """An id, optionally with the cooperative the caller believes it belongs to."""

    id = fields.UUID(required=True)
    cooperative = fields.String(validate=SLUG)


class PageSchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


def ref_payload(value, name="id") -> dict:
    """Accept an id string or {"id": ..., "cooperative"?: ...} (docs/rpc-contract.md: 'id / filters')."""
    from coop_shared.errors import ValidationError

    if isinstance(value, str):
        return {name: value}
    if isinstance(value, dict):
        return value
    raise ValidationError(fields={name: ["Pass an id string or an object with 'id'."]})


class PersonReferenceSchema(Schema):
    """A person as members names them to the other services for an export or an erasure
    (docs/adr/018-access-retention-erasure.md): the member, their activities, their e-mails."""

    member_id = fields.UUID(required=True)
    activity_ids = fields.List(fields.UUID(), load_default=list)
    activity_codes = fields.List(fields.String(validate=validate.Length(1, 20)), load_default=list)
    emails = fields.List(fields.String(validate=validate.Length(1, 254)), load_default=list)
    dry_run = fields.Boolean(load_default=False)


class RetentionRunSchema(Schema):
    """A retention run on demand: `dry_run` reports what would go and changes nothing."""

    dry_run = fields.Boolean(load_default=False)
