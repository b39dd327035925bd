"""billing: nameko entrypoints only. Resolve the caller, validate, call one handler, return."""

from nameko.timer import timer

from coop_billing.clients import MembersClient, forget_cooperative, forget_rates
from coop_billing.handlers import (
    balances,
    customers,
    deliveries,
    invoices,
    issuing,
    ledger,
    monthly_totals,
    overdue,
    payments,
    privacy,
    purchases,
    rendering,
    statements,
)
from coop_billing.orm import Base
from coop_billing.peppol.dependency import PeppolNetwork
from coop_billing.render.separate_process import DocumentRenderer
from coop_billing.repository import BillingRepository
from coop_billing.schemas import (
    ActivityAccountSchema,
    AssignPurchaseDocumentSchema,
    BillingSettingsSchema,
    CreateCreditNoteSchema,
    CreateCustomerSchema,
    CreateInvoiceSchema,
    CustomerRefSchema,
    GetBalancesSchema,
    ImportBankStatementSchema,
    ListCustomersSchema,
    ListInvoicesSchema,
    ListPurchaseDocumentsSchema,
    MatchPaymentSchema,
    MonthlyTotalsSchema,
    NoFieldsSchema,
    OverdueCheckSchema,
    PayslipIssuedSchema,
    PeppolSettingsSchema,
    RecordExpenseSchema,
    RecordPaymentSchema,
    RenderInvoiceSchema,
    RenderPurchaseDocumentSchema,
    StatementFileSchema,
    StatementFilesSchema,
    UpdateCustomerSchema,
    UpdateInvoiceSchema,
)
from coop_shared.dates import brussels_today
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.common_rpc import CommonRpc
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import (
    CredentialRevocationListener,
    DurableBroadcastHandler,
    event_handler,
    rpc,
)
from coop_shared.runtime.person_data_rpc import PersonDataRpc
from coop_shared.runtime.resilient_rpc import ServiceRpc
from coop_shared.runtime.timers import settings_timer
from coop_shared.wire_schemas import PageSchema, RefSchema

OVERDUE_CHECK_SECONDS = 3600  # hourly; each invoice and level is reminded once (overdue_notices)


class BillingService(CommonRpc, PersonDataRpc, CredentialRevocationListener):
    """Every method resolves the credential before reading the payload (`rpc`)."""

    name = "billing"

    uow = Database(Base.metadata, repository=BillingRepository)
    caller = Caller()
    privacy_handlers = privacy  # PersonDataRpc: export, erasure, retention (handlers/privacy.py)
    members = ServiceRpc("members")
    peppol = PeppolNetwork()
    renderer = DocumentRenderer()  # invoice PDFs in a child process (render/separate_process.py)

    def _members(self, identity) -> MembersClient:
        return MembersClient(self.members, identity.cooperative, identity)

    @DurableBroadcastHandler.decorator("members", "cooperative_changed")
    def forget_changed_cooperative(self, event):
        """Every instance reads a changed cooperative again (coop_billing.clients)."""
        forget_cooperative(event["payload"]["slug"])

    @DurableBroadcastHandler.decorator("members", "contribution_rate_changed")
    def forget_changed_rates(self, event):
        """Every instance reads an activity's changed contribution rates again (coop_billing.clients)."""
        forget_rates(event["payload"]["activity_id"])

    @rpc(CreateCustomerSchema, creates=True)
    def create_customer(self, identity, data):
        """The new customer."""
        return customers.create_customer(self.uow, identity, data)

    @rpc(RefSchema, id_field="id", service_may_call=True)
    def get_customer(self, identity, data):
        """One customer of the caller's cooperative."""
        return customers.get_customer(self.uow, identity, data)

    @rpc(ListCustomersSchema)
    def list_customers(self, identity, data):
        """{"items": customers by name, "total"}."""
        return customers.list_customers(self.uow, identity, data)

    @rpc(UpdateCustomerSchema)
    def update_customer(self, identity, data):
        """The customer rectified, with "changed"; issued invoices keep their buyer; emits customer_details_changed."""
        return customers.update_customer(self.uow, identity, data)

    @rpc(CustomerRefSchema, id_field="customer_id")
    def list_customer_changes(self, identity, data):
        """{"items", "total"}: who changed which field of the customer, when, old and new value (admin)."""
        return customers.list_customer_changes(self.uow, identity, data)

    @rpc(CreateInvoiceSchema, creates=True)
    def create_invoice(self, identity, data):
        """The new draft invoice with its totals and VAT breakdown."""
        return invoices.create_invoice(self.uow, identity, self._members(identity), data)

    @rpc(UpdateInvoiceSchema)
    def update_invoice(self, identity, data):
        """The draft invoice as changed."""
        return invoices.update_invoice(self.uow, identity, self._members(identity), data)

    @rpc(RefSchema, id_field="id")
    def delete_invoice(self, identity, data):
        """{"id", "deleted": true} once the draft is gone."""
        return invoices.delete_invoice(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def issue_invoice(self, identity, data):
        """The issued invoice: number, dates, structured communication, amount due."""
        return issuing.issue_invoice(
            self.uow, identity, self._members(identity), data, brussels_today(), peppol=self.peppol
        )

    @rpc(RefSchema, id_field="id")
    def get_invoice(self, identity, data):
        """One invoice or credit note with what was paid, credited and is still due."""
        return invoices.get_invoice(self.uow, identity, data)

    @rpc(ListInvoicesSchema)
    def list_invoices(self, identity, data):
        """{"items": invoices or credit notes, newest first, "total"}."""
        return invoices.list_invoices(self.uow, identity, data)

    @rpc(CreateCreditNoteSchema, creates=True)
    def create_credit_note(self, identity, data):
        """The issued credit note."""
        return issuing.create_credit_note(self.uow, identity, data, brussels_today(), peppol=self.peppol)

    @rpc(RecordPaymentSchema, creates=True)
    def record_payment(self, identity, data):
        """The payment with its status (matched, unmatched, duplicate) and what was applied."""
        return payments.record_payment(self.uow, identity, data, members=self._members(identity))

    @rpc(MatchPaymentSchema)
    def match_payment(self, identity, data):
        """The payment once what was left of it is applied to the chosen invoice."""
        return payments.match_payment(self.uow, identity, data, members=self._members(identity))

    @rpc(MonthlyTotalsSchema)
    def monthly_totals(self, identity, data):
        """{"items": [{"period", "invoiced_incl_vat", "received"}], "total"}: each month of the range (staff)."""
        return monthly_totals.monthly_totals(self.uow, identity, data)

    @rpc(PageSchema)
    def list_unmatched_payments(self, identity, data):
        """{"items": payments with something left to apply, oldest first, "total"}."""
        return payments.list_unmatched_payments(self.uow, identity, data)

    @rpc(RecordExpenseSchema, creates=True)
    def record_expense(self, identity, data):
        """The expense, booked on its activity's account."""
        return ledger.record_expense(self.uow, identity, self._members(identity), data)

    @rpc(ActivityAccountSchema, id_field="activity_id")
    def get_activity_account(self, identity, data):
        """An activity's balance and a page of its entries (newest first), each with its running balance."""
        return ledger.get_activity_account(self.uow, identity, self._members(identity), data)

    @rpc(GetBalancesSchema, service_may_call=True)
    def get_balances(self, identity, data):
        """{"items": [each activity's balance and provisions]}: up to 1,000 activities in one call (staff)."""
        return balances.get_balances(self.uow, identity, data)

    @rpc(ImportBankStatementSchema)
    def import_bank_statement(self, identity, data):
        """The statement's balances and counts, and what became of each credit."""
        return statements.import_bank_statement(self.uow, identity, data, members=self._members(identity))

    @rpc(StatementFilesSchema)
    def list_bank_statement_files(self, identity, data):
        """The month's bank statement files as received (name, size, SHA-256), by closing date."""
        return statements.list_statement_files(self.uow, identity, data)

    @rpc(StatementFileSchema)
    def render_bank_statement_file(self, identity, data):
        """One bank statement file byte for byte as received (base64), with its name and SHA-256."""
        return statements.render_statement_file(self.uow, identity, data)

    @rpc(RenderInvoiceSchema, service_may_call=True)
    def render_invoice(self, identity, data):
        """{"filename", "content_type", "content" (base64)}, and the EPC QR payload of a PDF."""
        return rendering.render_invoice(self.uow, identity, data, renderer=self.renderer)

    @rpc(OverdueCheckSchema)
    def run_overdue_check(self, identity, data):
        """{"on", "reminders": how many overdue reminders were sent}."""
        return overdue.run_overdue_check(self.uow, identity, data, brussels_today())

    @rpc(BillingSettingsSchema)
    def set_billing_settings(self, identity, data):
        """{"consumer_interest", "consumer_lump_sum"}: the terms recorded (admin only)."""
        return overdue.set_billing_settings(self.uow, identity, data)

    @rpc(None)
    def get_billing_settings(self, identity):
        """{"consumer_interest", "consumer_lump_sum"}: what the terms provide towards consumers."""
        return overdue.get_billing_settings(self.uow, identity)

    @rpc(PeppolSettingsSchema)
    def set_peppol_settings(self, identity, data):
        """The cooperative's access point and settings; of the secrets, only which are set (admin)."""
        return deliveries.set_peppol_settings(self.uow, identity, self._members(identity), self.peppol, data)

    @rpc(NoFieldsSchema)
    def get_peppol_settings(self, identity, data):
        """The cooperative's access point and settings; of the secrets, only which are set."""
        return deliveries.get_peppol_settings(self.uow, identity, self.peppol)

    @rpc(NoFieldsSchema)
    def fetch_purchase_documents(self, identity, data):
        """{"received", "stored", "invalid", "duplicates"}: the Peppol inbox read now."""
        return purchases.fetch_purchase_documents(self.uow, identity, self.peppol)

    @rpc(ListPurchaseDocumentsSchema)
    def list_purchase_documents(self, identity, data):
        """{"items": supplier documents received over Peppol, oldest first, "total"}."""
        return purchases.list_purchase_documents(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def get_purchase_document(self, identity, data):
        """One received supplier document with its amounts, status and validation findings."""
        return purchases.get_purchase_document(self.uow, identity, data)

    @rpc(RenderPurchaseDocumentSchema)
    def render_purchase_document(self, identity, data):
        """{"filename", "content_type", "content" (base64)}: the UBL as received, or its PDF."""
        return purchases.render_purchase_document(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def accept_purchase_document(self, identity, data):
        """The document, accepted for booking despite its validation findings (staff)."""
        return purchases.accept_purchase_document(self.uow, identity, data)

    @rpc(AssignPurchaseDocumentSchema)
    def assign_purchase_document(self, identity, data):
        """The document, booked once as an expense of the activity (amount excl. VAT)."""
        return purchases.assign_purchase_document(self.uow, identity, self._members(identity), data)

    @settings_timer(setting="COOP_PEPPOL_POLL_SECONDS", default=5)
    def send_due_deliveries(self):
        """Send the Peppol deliveries that are due and ask the status of those sent."""
        return dict(deliveries.send_due(self.uow, self.peppol))

    @settings_timer(setting="COOP_PEPPOL_INBOX_SECONDS", default=300)
    def fetch_peppol_inboxes(self):
        """Store what every configured cooperative received over Peppol."""
        return purchases.fetch_all(self.uow, self.peppol)

    @timer(interval=OVERDUE_CHECK_SECONDS)
    def check_overdue_invoices(self):
        overdue.check_all(self.uow, brussels_today())

    @event_handler("payroll", "payslip_issued")
    def on_payslip_issued(self, event):
        ledger.charge_payslip(self.uow, event, PayslipIssuedSchema().load(event["payload"]))
