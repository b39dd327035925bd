"""billing: nameko entrypoints only. Resolve the caller, validate, call one handler, return."""

from nameko.timer import timer

from coop_billing.directory import MembersDirectory
from coop_billing.handlers import (
    customers,
    invoices,
    issuing,
    ledger,
    overdue,
    payments,
    rendering,
    statements,
)
from coop_billing.orm import Base
from coop_billing.schemas import (
    ActivityAccountSchema,
    CreateCreditNoteSchema,
    CreateCustomerSchema,
    CreateInvoiceSchema,
    ImportBankStatementSchema,
    ListCustomersSchema,
    ListInvoicesSchema,
    MatchPaymentSchema,
    OverdueCheckSchema,
    PayslipIssuedSchema,
    RecordExpenseSchema,
    RecordPaymentSchema,
    RenderInvoiceSchema,
    UpdateInvoiceSchema,
)
from coop_shared.dates import brussels_today
from coop_shared.errors import ValidationError
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.common_rpc import CommonRpc
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import CredentialRevocationListener, event_handler, rpc
from coop_shared.runtime.resilient_rpc import ServiceRpc
from coop_shared.wire_schemas import PageSchema, RefSchema, ref_payload

OVERDUE_CHECK_SECONDS = 3600  # hourly; each invoice and level is reminded once (overdue_notices)


class BillingService(CommonRpc, CredentialRevocationListener):
    """Every method resolves the credential before reading the payload."""

    name = "billing"

    uow = Database(Base.metadata)
    caller = Caller()
    members = ServiceRpc("members")

    def _directory(self, identity):
        return MembersDirectory(self.members, identity.cooperative)

    @rpc
    def create_customer(self, payload):
        identity = self.caller.identity
        return customers.create_customer(self.uow, identity, CreateCustomerSchema().load(payload))

    @rpc
    def get_customer(self, customer_id):
        identity = self.caller.identity
        return customers.get_customer(self.uow, identity, RefSchema().load(ref_payload(customer_id)))

    @rpc
    def list_customers(self, payload=None):
        identity = self.caller.identity
        return customers.list_customers(self.uow, identity, ListCustomersSchema().load(payload or {}))

    @rpc
    def create_invoice(self, payload):
        identity = self.caller.identity
        data = CreateInvoiceSchema().load(payload)
        return invoices.create_invoice(self.uow, identity, self._directory(identity), data)

    @rpc
    def update_invoice(self, payload):
        identity = self.caller.identity
        data = UpdateInvoiceSchema().load(payload)
        return invoices.update_invoice(self.uow, identity, self._directory(identity), data)

    @rpc
    def delete_invoice(self, invoice_id):
        identity = self.caller.identity
        return invoices.delete_invoice(self.uow, identity, RefSchema().load(ref_payload(invoice_id)))

    @rpc
    def issue_invoice(self, invoice_id):
        identity = self.caller.identity
        data = RefSchema().load(ref_payload(invoice_id))
        return issuing.issue_invoice(self.uow, identity, self._directory(identity), data)

    @rpc
    def get_invoice(self, invoice_id):
        identity = self.caller.identity
        return invoices.get_invoice(self.uow, identity, RefSchema().load(ref_payload(invoice_id)))

    @rpc
    def list_invoices(self, payload=None):
        identity = self.caller.identity
        return invoices.list_invoices(self.uow, identity, ListInvoicesSchema().load(payload or {}))

    @rpc
    def create_credit_note(self, payload):
        identity = self.caller.identity
        data = CreateCreditNoteSchema().load(payload)
        return issuing.create_credit_note(self.uow, identity, self._directory(identity), data)

    @rpc
    def record_payment(self, payload):
        identity = self.caller.identity
        return payments.record_payment(self.uow, identity, RecordPaymentSchema().load(payload))

    @rpc
    def match_payment(self, payload):
        identity = self.caller.identity
        return payments.match_payment(self.uow, identity, MatchPaymentSchema().load(payload))

    @rpc
    def list_unmatched_payments(self, payload=None):
        identity = self.caller.identity
        return payments.list_unmatched_payments(self.uow, identity, PageSchema().load(payload or {}))

    @rpc
    def record_expense(self, payload):
        identity = self.caller.identity
        data = RecordExpenseSchema().load(payload)
        return ledger.record_expense(self.uow, identity, self._directory(identity), data)

    @rpc
    def get_activity_account(self, payload):
        identity = self.caller.identity
        data = ActivityAccountSchema().load(ref_payload(payload, "activity_id"))
        return ledger.get_activity_account(self.uow, identity, self._directory(identity), data)

    @rpc
    def import_bank_statement(self, payload):
        identity = self.caller.identity
        return statements.import_bank_statement(self.uow, identity, ImportBankStatementSchema().load(payload))

    @rpc
    def render_invoice(self, payload):
        identity = self.caller.identity
        return rendering.render_invoice(self.uow, identity, RenderInvoiceSchema().load(payload))

    @rpc
    def run_overdue_check(self, payload=None):
        identity = self.caller.identity
        data = OverdueCheckSchema().load(payload or {})
        today = brussels_today()
        if data["on"] and data["on"] > today:
            raise ValidationError(fields={"on": ["Reminders are not sent ahead of time."]})
        return overdue.run_overdue_check(self.uow, identity, data["on"] or today)

    @timer(interval=OVERDUE_CHECK_SECONDS)
    def check_overdue_invoices(self):
        overdue.check_all(self.uow, brussels_today())

    @event_handler("payroll", "payslip_issued")
    def on_payslip_issued(self, event):
        ledger.charge_payslip(self.uow, event, PayslipIssuedSchema().load(event["payload"]))
