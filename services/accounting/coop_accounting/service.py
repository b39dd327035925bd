"""accounting: nameko entrypoints only. Resolve the caller, validate, call one handler, return."""

from coop_accounting.clients import BillingClient, MembersClient, PayrollClient
from coop_accounting.dependencies import Exports
from coop_accounting.handlers import booking, chart, exports, periods, privacy, reports
from coop_accounting.orm import Base
from coop_accounting.repository import AccountingRepository
from coop_accounting.schemas import (
    AccountMappingSchema,
    AgedReceivablesSchema,
    BankDebitRecordedSchema,
    CreditNoteIssuedSchema,
    ExpenseRecordedSchema,
    ExportSchema,
    GeneralLedgerSchema,
    InvoiceIssuedSchema,
    NoFieldsSchema,
    OptionalPeriodSchema,
    PaymentReceivedSchema,
    PaymentsInstructedSchema,
    PaymentUnmatchedSchema,
    PayslipIssuedSchema,
    PeriodSchema,
    YearSchema,
)
from coop_shared.dates import brussels_today
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.common_rpc import CommonRpc
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import CredentialRevocationListener, event_handler, rpc
from coop_shared.runtime.person_data_rpc import PersonDataRpc
from coop_shared.runtime.resilient_rpc import ServiceRpc


class AccountingService(CommonRpc, PersonDataRpc, CredentialRevocationListener):
    """The cooperative's books, booked from billing's and payroll's events."""

    name = "accounting"

    uow = Database(Base.metadata, repository=AccountingRepository)
    caller = Caller()
    privacy_handlers = privacy  # PersonDataRpc: export, erasure, retention (handlers/privacy.py)
    members = ServiceRpc("members")
    billing = ServiceRpc("billing")
    payroll = ServiceRpc("payroll")
    exports = Exports()

    def _members(self, identity) -> MembersClient:
        return MembersClient(self.members, identity.cooperative)

    # Events booked, each once (inbox), in the journals of its cooperative

    @event_handler("billing", "invoice_issued")
    def on_invoice_issued(self, event):
        booking.invoice_issued(self.uow, event, InvoiceIssuedSchema().load(event["payload"]))

    @event_handler("billing", "credit_note_issued")
    def on_credit_note_issued(self, event):
        booking.credit_note_issued(self.uow, event, CreditNoteIssuedSchema().load(event["payload"]))

    @event_handler("billing", "payment_received")
    def on_payment_received(self, event):
        booking.payment_received(self.uow, event, PaymentReceivedSchema().load(event["payload"]))

    @event_handler("billing", "payment_unmatched")
    def on_payment_unmatched(self, event):
        booking.payment_unmatched(self.uow, event, PaymentUnmatchedSchema().load(event["payload"]))

    @event_handler("billing", "expense_recorded")
    def on_expense_recorded(self, event):
        booking.expense_recorded(self.uow, event, ExpenseRecordedSchema().load(event["payload"]))

    @event_handler("payroll", "payslip_issued")
    def on_payslip_issued(self, event):
        booking.payslip_issued(self.uow, event, PayslipIssuedSchema().load(event["payload"]))

    @event_handler("payroll", "payroll_payments_instructed")
    def on_payroll_payments_instructed(self, event):
        booking.payments_instructed(self.uow, event, PaymentsInstructedSchema().load(event["payload"]))

    @event_handler("billing", "bank_debit_recorded")
    def on_bank_debit_recorded(self, event):
        booking.bank_debit_recorded(self.uow, event, BankDebitRecordedSchema().load(event["payload"]))

    # Chart of accounts

    @rpc(NoFieldsSchema)
    def list_accounts(self, identity, data):
        """The cooperative's chart (fr/nl/en labels) with the kinds of lines booked on each: {"items", "total"}."""
        return chart.list_accounts(self.uow, identity)

    @rpc(AccountMappingSchema)
    def set_account_mapping(self, identity, data):
        """Book one kind of line on another account from now on (admins); returns the mapping."""
        return chart.set_account_mapping(self.uow, identity, data)

    # Periods

    @rpc(PeriodSchema)
    def close_period(self, identity, data):
        """Close a month to new entries (admins; logged); returns the period, closed."""
        return periods.close_period(self.uow, identity, data)

    @rpc(PeriodSchema)
    def reopen_period(self, identity, data):
        """Open a closed month again (admins; logged); returns the period, open."""
        return periods.reopen_period(self.uow, identity, data)

    @rpc(PeriodSchema)
    def get_period(self, identity, data):
        """A month's status (open or closed) and the log of its closings and reopenings."""
        return periods.get_period(self.uow, identity, data)

    # Reports

    @rpc(OptionalPeriodSchema)
    def trial_balance(self, identity, data):
        """Debit, credit and balance per account, and their totals (the balance is zero)."""
        return reports.trial_balance(self.uow, identity, data)

    @rpc(GeneralLedgerSchema)
    def general_ledger(self, identity, data):
        """One account's lines in booking order with the running balance."""
        return reports.general_ledger(self.uow, identity, data)

    @rpc(OptionalPeriodSchema)
    def analytic_balance(self, identity, data):
        """Per activity: revenue, costs, result, and the cash-basis result billing's account holds."""
        return reports.analytic_balance(self.uow, identity, data)

    @rpc(AgedReceivablesSchema)
    def aged_receivables(self, identity, data):
        """The invoices still open on a day, by days past due, with the totals per bucket."""
        return reports.aged_receivables(self.uow, identity, data, brussels_today())

    @rpc(PeriodSchema)
    def vat_return(self, identity, data):
        """The month's VAT return: its grids and its Intervat XML, a draft for the accountant to file."""
        return reports.vat_return_of(self.uow, identity, self._members(identity), data)

    @rpc(YearSchema)
    def client_listing(self, identity, data):
        """The year's listing of Belgian VAT customers invoiced €250 or more, with its Intervat XML."""
        return reports.client_listing(self.uow, identity, self._members(identity), data)

    @rpc(ExportSchema)
    def export_books(self, identity, data):
        """The month's entries in an import format (`winbooks`, `csv`), base64, with its file name."""
        return exports.export_books(self.uow, identity, self.exports, data)

    @rpc(PeriodSchema)
    def export_pack(self, identity, data):
        """The month's zip for the accountant: journals, sales UBL and PDF, bank statements as received, payslips."""
        return exports.export_pack(
            self.uow, identity, self.exports, BillingClient(self.billing), PayrollClient(self.payroll), data
        )
