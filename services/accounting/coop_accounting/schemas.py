"""Input schemas of the accounting service: RPC payloads (unknown fields refused) and what it
needs from the events it books (unknown fields ignored: events only gain fields)."""

from marshmallow import EXCLUDE, Schema, fields, validate

from coop_accounting.domain.chart import KINDS
from coop_accounting.domain.periods import PERIOD
from coop_shared.schema_fields import Amount

PERIOD_FIELD = validate.Regexp(PERIOD, error="A month as YYYY-MM, e.g. 2026-11.")
ACCOUNT_CODE = validate.Regexp(r"^\d{3,8}$", error="An account code: 3 to 8 digits.")


class NoFieldsSchema(Schema):
    """A read that takes nothing: any field sent is refused (ValidationError)."""


class PeriodSchema(Schema):
    period = fields.String(required=True, validate=PERIOD_FIELD)


class OptionalPeriodSchema(Schema):
    """`period`: that month only; `up_to`: every month until it included; neither: everything."""

    period = fields.String(validate=PERIOD_FIELD, load_default=None)
    up_to = fields.String(validate=PERIOD_FIELD, load_default=None)


class GeneralLedgerSchema(OptionalPeriodSchema):
    account = fields.String(required=True, validate=ACCOUNT_CODE)


class AgedReceivablesSchema(Schema):
    on = fields.Date(load_default=None)


class YearSchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))


class AccountMappingSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(sorted(KINDS)))
    account = fields.String(required=True, validate=ACCOUNT_CODE)


class ExportSchema(PeriodSchema):
    format = fields.String(required=True, validate=validate.Length(1, 40))


class _Event(Schema):
    class Meta:
        unknown = EXCLUDE


class BreakdownSchema(_Event):
    category = fields.String(load_default=None)
    rate = fields.String(required=True)
    taxable_amount = Amount(required=True)
    vat_amount = Amount(required=True)


class InvoiceIssuedSchema(_Event):
    invoice_id = fields.String(required=True)
    number = fields.String(load_default=None)
    activity_id = fields.String(load_default=None)
    customer_id = fields.String(load_default=None)
    customer_vat_number = fields.String(load_default=None, allow_none=True)
    issue_date = fields.String(load_default=None)
    due_date = fields.String(load_default=None, allow_none=True)
    vat_regime = fields.String(load_default="standard", allow_none=True)
    vat_breakdown = fields.List(fields.Nested(BreakdownSchema), load_default=None, allow_none=True)
    total_excl_vat = Amount(required=True)
    total_vat = Amount(required=True)
    total_incl_vat = Amount(required=True)


class CreditNoteIssuedSchema(InvoiceIssuedSchema):
    credit_note_id = fields.String(required=True)


class PaymentReceivedSchema(_Event):
    payment_id = fields.String(required=True)
    invoice_id = fields.String(required=True)
    invoice_number = fields.String(load_default=None)
    activity_id = fields.String(load_default=None)
    amount = Amount(required=True)
    revenue = Amount(load_default=None)
    contribution = Amount(load_default="0")
    value_date = fields.String(load_default=None)


class PaymentUnmatchedSchema(_Event):
    payment_id = fields.String(required=True)
    unallocated = Amount(required=True)
    bank_reference = fields.String(load_default=None, allow_none=True)


class ExpenseRecordedSchema(_Event):
    expense_id = fields.String(required=True)
    activity_id = fields.String(load_default=None)
    date = fields.String(load_default=None)
    supplier = fields.String(load_default=None)
    description = fields.String(load_default=None)
    amount_excl_vat = Amount(required=True)
    vat_amount = Amount(required=True)


class PayslipIssuedSchema(_Event):
    payslip_id = fields.String(required=True)
    period = fields.String(load_default=None)
    member_id = fields.String(load_default=None)
    activity_id = fields.String(load_default=None)
    status_model = fields.String(load_default=None)
    gross = Amount(required=True)
    net_to_pay = Amount(required=True)
    total_cost = Amount(required=True)
    provisions = fields.Dict(keys=fields.String(), values=Amount(), load_default=dict)
    draws_on = fields.String(load_default=None, allow_none=True)
    from_provision = Amount(load_default="0")
    # what is withheld, split (payroll's domain/withholdings.py); absent from older events
    withholding_tax = Amount(load_default=None)
    employee_social_security = Amount(load_default=None)
    employer_social_security = Amount(load_default=None)
    social_fund = Amount(load_default=None)


class TransferSchema(_Event):
    kind = fields.String(required=True, validate=validate.OneOf(("net_pay", "social_fund")))
    payslip_id = fields.String(load_default=None)
    fund_payment_id = fields.String(load_default=None)
    member_id = fields.String(load_default=None)
    activity_id = fields.String(load_default=None)
    status_model = fields.String(load_default=None)
    amount = Amount(required=True, positive=True)


class PaymentsInstructedSchema(_Event):
    run_id = fields.String(required=True)
    period = fields.String(load_default=None)
    execution_date = fields.String(load_default=None)
    transfers = fields.List(fields.Nested(TransferSchema), required=True)


class BankDebitRecordedSchema(_Event):
    bank_reference = fields.String(required=True)
    amount = Amount(required=True, positive=True)
    value_date = fields.String(load_default=None, allow_none=True)
    counterparty_name = fields.String(load_default=None, allow_none=True)
    communication = fields.String(load_default=None, allow_none=True)
