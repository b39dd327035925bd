"""marshmallow schemas for every members payload, and the dicts the service returns."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from coop_shared.credentials import COOPERATIVE_ROLES, MEMBER
from coop_shared.schema_fields import BelgianVatNumber, Bic, EnterpriseNumber, Iban, NationalNumber, Rate
from coop_shared.wire_schemas import COUNTRY, LANGUAGES, SLUG, AddressSchema, PageSchema

LIFECYCLES = ("candidate", "active", "suspended", "exited")


class CreateCooperativeSchema(Schema):
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    legal_form = fields.String(load_default=None, validate=validate.Length(1, 20))
    register = fields.String(load_default=None, validate=validate.Length(1, 60))
    enterprise_number = EnterpriseNumber(required=True)
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
    # Belgian law caps B2B payment terms at 60 days (belgium-2026.md, section 3).
    payment_terms_days = fields.Integer(load_default=30, validate=validate.Range(1, 60))

    @validates_schema
    def vat_matches_enterprise(self, data, **kwargs):
        if (
            data.get("vat_number")
            and data.get("enterprise_number")
            and data["vat_number"][2:] != data["enterprise_number"]
        ):
            raise ValidationError("The VAT number is BE followed by the enterprise number.", "vat_number")


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
    lifecycle = fields.String(validate=validate.OneOf(LIFECYCLES))
    q = fields.String(validate=validate.Length(1, 100))


class AddActivitySchema(Schema):
    cooperative = fields.String(validate=SLUG)
    member_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    sector = fields.String(load_default=None, validate=validate.Length(1, 100))
    trade_name = fields.String(load_default=None, validate=validate.Length(1, 200))


def cooperative_out(c) -> dict:
    return {
        "id": c.id,
        "slug": c.slug,
        "name": c.name,
        "legal_form": c.legal_form,
        "register": c.register,
        "enterprise_number": c.enterprise_number,
        "vat_number": c.vat_number,
        "iban": c.iban,
        "bic": c.bic,
        "address": c.address,
        "email": c.email,
        "languages": list(c.languages),
        "status_models": list(c.status_models),
        "contribution_rate": str(c.contribution_rate.normalize()),
        "payment_terms_days": c.payment_terms_days,
    }


def member_out(m) -> dict:
    return {
        "id": m.id,
        "cooperative_id": m.cooperative_id,
        "first_name": m.first_name,
        "last_name": m.last_name,
        "email": m.email,
        "language": m.language,
        "birth_date": m.birth_date.isoformat() if m.birth_date else None,
        "national_number": m.national_number,
        "nationality": m.nationality,
        "iban": m.iban,
        "address": m.address,
        "lifecycle": m.lifecycle,
    }


def activity_out(a) -> dict:
    return {
        "id": a.id,
        "cooperative_id": a.cooperative_id,
        "member_id": a.member_id,
        "code": a.code,
        "name": a.name,
        "sector": a.sector,
        "trade_name": a.trade_name,
    }


def api_key_out(k, cooperative_slug, secret=None) -> dict:
    out = {
        "key_id": k.id,
        "role": k.role,
        "label": k.label,
        "member_id": k.member_id,
        "cooperative": cooperative_slug,
    }
    if secret is not None:
        out["secret"] = secret
    return out


DOCUMENT_KINDS = ("id_card", "residence_card", "work_authorisation", "professional_card")


class SetStatusModelSchema(Schema):
    member_id = fields.UUID(required=True)
    status_model = fields.String(required=True, validate=validate.Length(1, 40))
    valid_from = fields.Date(required=True)
    parameters = fields.Dict(load_default=dict)


class ChangeLifecycleSchema(Schema):
    member_id = fields.UUID(required=True)
    to = fields.String(required=True, validate=validate.OneOf(("active", "suspended", "exited")))
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


def status_out(s) -> dict:
    return {
        "status_model": s.status_model,
        "parameters": s.parameters,
        "valid_from": s.valid_from.isoformat(),
        "valid_until": s.valid_until.isoformat() if s.valid_until else None,
    }


def document_out(d) -> dict:
    return {
        "id": d.id,
        "member_id": d.member_id,
        "kind": d.kind,
        "reference": d.reference,
        "valid_from": d.valid_from.isoformat() if d.valid_from else None,
        "valid_until": d.valid_until.isoformat() if d.valid_until else None,
        "labour_market": d.labour_market,
    }
