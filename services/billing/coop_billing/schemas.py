"""marshmallow schemas of every billing payload (input only; what billing returns is views.py)."""

import base64
import binascii
from decimal import Decimal

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from coop_billing.domain.content import DEFAULT_UNIT, UNITS
from coop_billing.domain.delivery import DeliveryStatus
from coop_billing.domain.purchases import PurchaseStatus
from coop_billing.domain.states import DocumentKind, InvoiceStatus
from coop_billing.domain.vat import REGIMES
from coop_shared.dates import PERIOD_PATTERN
from coop_shared.schema_fields import Amount, EnterpriseNumber, Iban, Quantity, Rate, VatNumber
from coop_shared.wire_schemas import LANGUAGES, SLUG, AddressSchema, PageSchema

CUSTOMER_KINDS = ("company", "person", "public_body")
PEPPOL_ID = validate.Regexp(r"^\d{4}:[A-Za-z0-9.\-]{1,50}$", error="scheme:identifier, e.g. 0208:0403170701")


class CreateCustomerSchema(Schema):
    cooperative = fields.String(validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(required=True, validate=validate.OneOf(CUSTOMER_KINDS))
    vat_number = VatNumber(load_default=None)
    enterprise_number = EnterpriseNumber(load_default=None)
    email = fields.Email(load_default=None)
    address = fields.Nested(AddressSchema, required=True)
    language = fields.String(load_default="fr", validate=validate.OneOf(LANGUAGES))
    peppol_id = fields.String(load_default=None, validate=PEPPOL_ID)

    @validates_schema
    def belgian_vat_matches_enterprise(self, data, **kwargs):
        vat, enterprise = data.get("vat_number"), data.get("enterprise_number")
        if vat and vat.startswith("BE") and enterprise and vat[2:] != enterprise:
            raise ValidationError(
                "A Belgian VAT number is BE followed by the enterprise number.", "vat_number"
            )


class UpdateCustomerSchema(Schema):
    """Rectify a customer: only the fields given change, each kept in its history (invoices
    already issued keep the customer as it was on them)."""

    customer_id = fields.UUID(required=True)
    name = fields.String(validate=validate.Length(1, 200))
    vat_number = VatNumber(allow_none=True)
    enterprise_number = EnterpriseNumber(allow_none=True)
    email = fields.Email(allow_none=True)
    address = fields.Nested(AddressSchema)
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    peppol_id = fields.String(allow_none=True, validate=PEPPOL_ID)
    reason = fields.String(load_default=None, validate=validate.Length(1, 500))

    @validates_schema
    def something_to_change(self, data, **kwargs):
        if not set(data) - {"customer_id", "reason"}:
            raise ValidationError("Name at least one field to rectify.", "_schema")

    @validates_schema
    def belgian_vat_matches_enterprise(self, data, **kwargs):
        vat, enterprise = data.get("vat_number"), data.get("enterprise_number")
        if vat and vat.startswith("BE") and enterprise and vat[2:] != enterprise:
            raise ValidationError(
                "A Belgian VAT number is BE followed by the enterprise number.", "vat_number"
            )


class CustomerRefSchema(Schema):
    customer_id = fields.UUID(required=True)


class ListCustomersSchema(PageSchema):
    cooperative = fields.String(validate=SLUG)
    q = fields.String(validate=validate.Length(1, 100))
    kind = fields.String(validate=validate.OneOf(CUSTOMER_KINDS))


class SupplyFields(Schema):
    """When the goods or services were supplied, if not on the issue date (AR n°1 art. 5 §1 7°):
    a date, or an invoicing period (docs/domain/vat-and-invoices.md)."""

    supply_date = fields.Date(load_default=None)
    period_start = fields.Date(load_default=None)
    period_end = fields.Date(load_default=None)

    @validates_schema
    def one_supply_date(self, data, **kwargs):
        start, end = data.get("period_start"), data.get("period_end")
        if (start is None) != (end is None):
            raise ValidationError("An invoicing period has a start and an end.", "period_end")
        if start and end < start:
            raise ValidationError("The period cannot end before it starts.", "period_end")
        if start and data.get("supply_date"):
            raise ValidationError("Give a supply date or a period, not both.", "supply_date")


class LineSchema(SupplyFields):
    description = fields.String(required=True, validate=validate.Length(1, 500))
    quantity = Quantity(required=True)
    unit_price = Amount(required=True, non_negative=True)
    vat_rate = Rate(required=True)
    unit = fields.String(load_default=DEFAULT_UNIT, validate=validate.OneOf(tuple(UNITS)))


class InvoiceFieldsSchema(SupplyFields):
    activity_id = fields.UUID(required=True)
    customer_id = fields.UUID(required=True)
    lines = fields.List(fields.Nested(LineSchema), required=True, validate=validate.Length(1, 500))
    vat_regime = fields.String(required=True, validate=validate.OneOf(REGIMES))
    issue_date = fields.Date(load_default=None)
    due_date = fields.Date(load_default=None)
    buyer_reference = fields.String(load_default=None, validate=validate.Length(1, 100))
    # The customer's declaration that makes the 6 % renovation rate apply (AR n°20 art. 1quater).
    renovation_declaration = fields.Boolean(load_default=False)

    @validates_schema
    def due_after_issue(self, data, **kwargs):
        if data.get("issue_date") and data.get("due_date") and data["due_date"] < data["issue_date"]:
            raise ValidationError("The due date cannot precede the issue date.", "due_date")


class CreateInvoiceSchema(InvoiceFieldsSchema):
    cooperative = fields.String(validate=SLUG)
    idempotency_key = fields.String(load_default=None, validate=validate.Length(1, 100))


class UpdateInvoiceSchema(InvoiceFieldsSchema):
    id = fields.UUID(required=True)


class ListInvoicesSchema(PageSchema):
    cooperative = fields.String(validate=SLUG)
    activity_id = fields.UUID()
    customer_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(list(InvoiceStatus)))
    kind = fields.String(validate=validate.OneOf(list(DocumentKind)))
    issued_from = fields.Date()
    issued_to = fields.Date()
    delivery_status = fields.String(validate=validate.OneOf(list(DeliveryStatus)))
    overdue_on = fields.Date()  # only invoices still open whose due date is before this day


class MonthlyTotalsSchema(Schema):
    from_period = fields.String(required=True, validate=validate.Regexp(PERIOD_PATTERN))
    to_period = fields.String(required=True, validate=validate.Regexp(PERIOD_PATTERN))


class CreditLineSchema(Schema):
    line_id = fields.UUID(required=True)
    quantity = Quantity(load_default=None)


class CreateCreditNoteSchema(Schema):
    invoice_id = fields.UUID(required=True)
    lines = fields.List(fields.Nested(CreditLineSchema), load_default=None, validate=validate.Length(min=1))
    reason = fields.String(required=True, validate=validate.Length(1, 500))
    idempotency_key = fields.String(load_default=None, validate=validate.Length(1, 100))


class RecordPaymentSchema(Schema):
    cooperative = fields.String(validate=SLUG)
    amount = Amount(required=True, positive=True)
    value_date = fields.Date(required=True)
    bank_reference = fields.String(required=True, validate=validate.Length(1, 100))
    structured_communication = fields.String(load_default=None, validate=validate.Length(1, 40))
    invoice_id = fields.UUID(load_default=None)
    communication = fields.String(load_default=None, validate=validate.Length(1, 140))
    counterparty_name = fields.String(load_default=None, validate=validate.Length(1, 200))
    counterparty_iban = Iban(load_default=None)


class MatchPaymentSchema(Schema):
    payment_id = fields.UUID(required=True)
    invoice_id = fields.UUID(required=True)


class RecordExpenseSchema(Schema):
    activity_id = fields.UUID(required=True)
    date = fields.Date(required=True)
    supplier = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(required=True, validate=validate.Length(1, 500))
    amount_excl_vat = Amount(required=True, positive=True)
    vat_amount = Amount(required=True, non_negative=True)
    idempotency_key = fields.String(load_default=None, validate=validate.Length(1, 100))


class ActivityAccountSchema(Schema):
    activity_id = fields.UUID(required=True)
    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)
    # a page of entries, counted from the newest (handlers/ledger.py, get_activity_account)
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


class GetBalancesSchema(Schema):
    activity_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(1, 1000))


class Base64Content(fields.Field):
    """A file sent over RPC: base64 text, decoded to bytes, at most `MAX_STATEMENT_BYTES`."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Send the file as base64 text.")
        try:
            content = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("Not valid base64.") from None
        if not content:
            raise ValidationError("The file is empty.")
        if len(content) > MAX_STATEMENT_BYTES:
            raise ValidationError(f"The file is larger than {MAX_STATEMENT_BYTES // 1_000_000} MB.")
        return content


MAX_STATEMENT_BYTES = 20_000_000


class ImportBankStatementSchema(Schema):
    format = fields.String(required=True, validate=validate.OneOf(("coda", "camt053")))
    content = Base64Content(required=True)
    # the file's name as received, kept with its bytes (the accountant's period pack)
    filename = fields.String(load_default=None, validate=validate.Length(1, 200))


class StatementFilesSchema(Schema):
    period = fields.String(required=True, validate=validate.Regexp(PERIOD_PATTERN))


class StatementFileSchema(Schema):
    statement_id = fields.UUID(required=True)


class RenderInvoiceSchema(Schema):
    invoice_id = fields.UUID(required=True)
    format = fields.String(required=True, validate=validate.OneOf(("pdf", "ubl")))


class OverdueCheckSchema(Schema):
    on = fields.Date(load_default=None)


class BillingSettingsSchema(Schema):
    """What the cooperative's general terms provide towards consumers who pay late (Book XIX
    CDE, docs/domain/late-payment.md): interest after the free reminder, and a lump sum."""

    consumer_interest = fields.Boolean(required=True)
    consumer_lump_sum = fields.Boolean(required=True)


class PayslipIssuedSchema(Schema):
    """What billing needs from payroll's `payslip_issued`. Events may gain fields (the
    contract only adds), so unknown ones are ignored here, unlike in RPC payloads."""

    class Meta:
        unknown = EXCLUDE

    payslip_id = fields.String(required=True)
    activity_id = fields.UUID(required=True)
    total_cost = Amount(required=True, non_negative=True)
    period = fields.String(required=True)
    member_id = fields.String(load_default=None)
    # the part of total_cost set aside on the activity's provisions, by kind; a payment from a
    # provision names it (`draws_on`) and what it takes from it
    provisions = fields.Dict(keys=fields.String(), values=Amount(non_negative=True), load_default=dict)
    draws_on = fields.String(load_default=None)
    from_provision = Amount(load_default=Decimal("0"))


# Peppol (docs/adr/011-peppol-delivery.md)


class PeppolSettingsSchema(Schema):
    """The access point and its settings, flat; which fields apply depends on the access point
    (`loopback`: registered, rejects; `billit`: base_url, party_id, timeout_seconds, api_key)."""

    access_point = fields.String(required=True, validate=validate.Length(1, 40))
    registered = fields.List(fields.String(validate=PEPPOL_ID), validate=validate.Length(max=1000))
    rejects = fields.Dict(
        keys=fields.String(validate=PEPPOL_ID), values=fields.String(validate=validate.Length(1, 500))
    )
    latency_seconds = fields.Float(validate=validate.Range(min=0, max=30))
    base_url = fields.Url(require_tld=False, schemes=("http", "https"))
    party_id = fields.String(validate=validate.Length(1, 40))
    timeout_seconds = fields.Float(validate=validate.Range(min=1, max=60))
    api_key = fields.String(load_only=True, validate=validate.Length(0, 200))


class NoFieldsSchema(Schema):
    """A command that takes nothing: any field sent is refused (ValidationError)."""


class ListPurchaseDocumentsSchema(PageSchema):
    status = fields.String(validate=validate.OneOf(list(PurchaseStatus)))


class RenderPurchaseDocumentSchema(Schema):
    id = fields.UUID(required=True)
    format = fields.String(required=True, validate=validate.OneOf(("ubl", "pdf")))


class AssignPurchaseDocumentSchema(Schema):
    id = fields.UUID(required=True)
    activity_id = fields.UUID(required=True)
