"""marshmallow schemas of every members payload (what comes in; views.py shapes what goes out)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from coop_members.domain.lifecycle import TARGETS, Lifecycle
from coop_shared.credentials import COOPERATIVE_ROLES, MEMBER
from coop_shared.schema_fields import BelgianVatNumber, Bic, EnterpriseNumber, Iban, NationalNumber, Rate
from coop_shared.wire_schemas import COUNTRY, LANGUAGES, SLUG, AddressSchema, PageSchema


class OnssNumber(fields.String):
    """The employer's ONSS registration number: 9 or 10 digits, kept without separators."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        digits = "".join(c for c in text if c not in " .-/")
        if not digits.isdigit() or not 9 <= len(digits) <= 10:
            raise ValidationError("An ONSS registration number has 9 or 10 digits.")
        return digits


class CreateCooperativeSchema(Schema):
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    legal_form = fields.String(load_default=None, validate=validate.Length(1, 20))
    register = fields.String(load_default=None, validate=validate.Length(1, 60))
    enterprise_number = EnterpriseNumber(required=True)
    onss_number = OnssNumber(load_default=None)
    vat_number = BelgianVatNumber(required=True)
    iban = Iban(required=True)
    bic = Bic(load_default=None)
    address = fields.Nested(AddressSchema, required=True)
    email = fields.Email(required=True)
    languages = fields.List(
        fields.String(validate=validate.OneOf(LANGUAGES)), required=True, validate=validate.Length(min=1)
    )
    status_models = fields.List(fields.String(validate=validate.Length(1, 40)), load_default=list)
    contribution_rate = Rate(required=True)
    # Belgian law caps B2B payment terms at 60 days (law of 2 August 2002, docs/domain/late-payment.md).
    payment_terms_days = fields.Integer(load_default=30, validate=validate.Range(1, 60))

    @validates_schema
    def vat_matches_enterprise(self, data, **kwargs):
        if (
            data.get("vat_number")
            and data.get("enterprise_number")
            and data["vat_number"][2:] != data["enterprise_number"]
        ):
            raise ValidationError("The VAT number is BE followed by the enterprise number.", "vat_number")


class UpdateCooperativeSchema(Schema):
    """What a cooperative's admin may change after its creation: its ONSS number (once it employs)."""

    cooperative = fields.String(validate=SLUG)
    onss_number = OnssNumber(required=True, allow_none=True)


class CooperativeSlugSchema(Schema):
    """A cooperative named by its slug (the payload may be the bare slug string)."""

    slug = fields.String(required=True)


class IssueApiKeySchema(Schema):
    cooperative = fields.String(required=True, validate=SLUG)
    role = fields.String(required=True, validate=validate.OneOf(COOPERATIVE_ROLES))
    label = fields.String(required=True, validate=validate.Length(1, 200))
    member_id = fields.UUID(load_default=None)

    @validates_schema
    def member_key_names_member(self, data, **kwargs):
        if data.get("role") == MEMBER and not data.get("member_id"):
            raise ValidationError("A member key names its member.", "member_id")


class RegisterMemberSchema(Schema):
    cooperative = fields.String(validate=SLUG)
    first_name = fields.String(required=True, validate=validate.Length(1, 100))
    last_name = fields.String(required=True, validate=validate.Length(1, 100))
    email = fields.Email(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    birth_date = fields.Date(load_default=None)
    national_number = NationalNumber(load_default=None)
    nationality = fields.String(load_default=None, validate=COUNTRY)
    iban = Iban(load_default=None)
    address = fields.Nested(AddressSchema, load_default=None)


class ListMembersSchema(PageSchema):
    cooperative = fields.String(validate=SLUG)
    lifecycle = fields.String(validate=validate.OneOf(tuple(Lifecycle)))
    q = fields.String(validate=validate.Length(1, 100))


class AddActivitySchema(Schema):
    cooperative = fields.String(validate=SLUG)
    member_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    sector = fields.String(load_default=None, validate=validate.Length(1, 100))
    trade_name = fields.String(load_default=None, validate=validate.Length(1, 200))


DOCUMENT_KINDS = ("id_card", "residence_card", "work_authorisation", "professional_card")


class SetStatusModelSchema(Schema):
    member_id = fields.UUID(required=True)
    status_model = fields.String(required=True, validate=validate.Length(1, 40))
    valid_from = fields.Date(required=True)
    parameters = fields.Dict(load_default=dict)


class ChangeLifecycleSchema(Schema):
    member_id = fields.UUID(required=True)
    to = fields.String(required=True, validate=validate.OneOf(TARGETS))
    effective_on = fields.Date(required=True)
    reason = fields.String(load_default=None, validate=validate.Length(1, 500))


class RecordDocumentSchema(Schema):
    member_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(DOCUMENT_KINDS))
    reference = fields.String(required=True, validate=validate.Length(1, 100))
    valid_from = fields.Date(load_default=None)
    valid_until = fields.Date(load_default=None)
    labour_market = fields.String(
        load_default=None, validate=validate.OneOf(("unlimited", "limited", "none"))
    )

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            raise ValidationError("A document cannot expire before it starts.", "valid_until")


class RightToWorkSchema(Schema):
    member_id = fields.UUID(required=True)
    on = fields.Date(required=True)
