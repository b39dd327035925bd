"""marshmallow schemas for every payroll payload (what the service returns: views.py)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from coop_shared.dates import PERIOD_PATTERN
from coop_shared.schema_fields import Amount, Bic, Iban, Rate
from coop_shared.status_models import BUDGET, GROSS, MONTHLY, PAYSLIP_KINDS
from coop_shared.wire_schemas import PageSchema

PERIOD = validate.Regexp(PERIOD_PATTERN, error="A period reads YYYY-MM.")
MODES = validate.OneOf((BUDGET, GROSS))


class SimulateSchema(Schema):
    status_model = fields.String(required=True)
    period = fields.String(required=True, validate=PERIOD)
    mode = fields.String(required=True, validate=MODES)
    amount = Amount(required=True, positive=True)
    parameters = fields.Dict(load_default=dict)


class RunItemSchema(Schema):
    member_id = fields.UUID(required=True)
    activity_id = fields.UUID(required=True)
    mode = fields.String(required=True, validate=MODES)
    amount = Amount(required=True, positive=True)
    # monthly pay, or a payment from a provision: its amount is then the monthly gross it is
    # computed from (docs/domain/payroll-employees.md, "Provisions and the year")
    kind = fields.String(load_default=MONTHLY, validate=validate.OneOf(PAYSLIP_KINDS))


class PrepareRunSchema(Schema):
    period = fields.String(required=True, validate=PERIOD)
    items = fields.List(fields.Nested(RunItemSchema), required=True, validate=validate.Length(1, 20000))


class ListPayslipsSchema(PageSchema):
    member_id = fields.UUID()
    period = fields.String(validate=PERIOD)
    run_id = fields.UUID()


class ListRunsSchema(PageSchema):
    period = fields.String(validate=PERIOD)
    status = fields.String(validate=validate.OneOf(("draft", "closed")))


class SettingsSchema(Schema):
    """What an admin changes in the payroll settings; a setting left out keeps its value. The
    directors' social insurance fund is named with its account, both together (an update must
    never leave the SEPA files paying a fund without one), and an empty payload changes nothing:
    it is refused."""

    social_fund_name = fields.String(validate=validate.Length(1, 140))
    social_fund_iban = Iban()
    social_fund_bic = Bic(allow_none=True)
    social_fund_fee_rate = Rate()
    # workers declared to the ONSS; some employer contributions depend on it (never set: under 10)
    workers = fields.Integer(validate=validate.Range(0, 1_000_000))

    @validates_schema
    def _complete(self, data, **kwargs):
        if not data:
            raise ValidationError("Give at least one setting to change.", field_name="_schema")
        if ("social_fund_name" in data) != ("social_fund_iban" in data):
            raise ValidationError(
                "Name the social insurance fund together with its IBAN.",
                field_name="social_fund_iban" if "social_fund_name" in data else "social_fund_name",
            )


class WithholdingSummarySchema(Schema):
    period = fields.String(required=True, validate=PERIOD)


class TaxYearSchema(Schema):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2099))


class FundPaymentsSchema(TaxYearSchema):
    member_id = fields.UUID()


class IndividualAccountSchema(Schema):
    member_id = fields.UUID(required=True)
    year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2099))
    format = fields.String(load_default="data", validate=validate.OneOf(("data", "pdf")))
