"""The route of every public RPC method: one verb and one resource-style path under `/api/v1`.

The table is written by hand, because a resource name is a design choice, but it is checked
against the services' declarations (`contract.public_methods()`): tests/unit/test_web_routes.py
fails when a public RPC method has no route, when a route names a method that does not exist,
when a path parameter is not a field of the method's payload, or when a `GET` route's payload
has a field a query string cannot carry (an object). Path parameters are the payload's own
field names, so that a path, the OpenAPI document and the RPC contract say the same thing.

How a request becomes the payload (coop_web.payloads): path parameters, then the query string
(`GET`, `DELETE`) or the JSON body (`POST`, `PUT`, `PATCH`); `Idempotency-Key` becomes
`idempotency_key` for the methods that create a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coop_web.contract import Method, public_methods

PREFIX = "/api/v1"

ROUTES = {
    # members: cooperatives, keys, members, activities, accompaniment, personal data
    "members.create_cooperative": "POST /cooperatives",
    "members.get_cooperative": "GET /cooperatives/{slug}",
    "members.update_cooperative": "PATCH /cooperative",
    "members.issue_api_key": "POST /api-keys",
    "members.list_api_keys": "GET /api-keys",
    "members.revoke_api_key": "POST /api-keys/{id}/revoke",
    # an admin's (or the platform's) call, as for keys: the invited person then uses the pages
    "members.invite_person": "POST /people/invitations",
    "members.whoami": "GET /whoami",
    "members.audit_log": "GET /audit-log",
    "members.register_member": "POST /members",
    "members.list_members": "GET /members",
    "members.get_member": "GET /members/{id}",
    "members.get_members": "POST /members/lookup",
    "members.get_national_numbers": "POST /members/national-numbers",
    "members.change_lifecycle": "POST /members/{member_id}/lifecycle",
    "members.check_right_to_work": "GET /members/{member_id}/right-to-work",
    "members.record_document": "POST /members/{member_id}/documents",
    "members.list_member_documents": "GET /members/{member_id}/documents",
    "members.list_expiring_documents": "GET /documents/expiring",
    "members.set_status_model": "PUT /members/{member_id}/status-model",
    "members.update_member_address": "PUT /members/{member_id}/address",
    "members.update_member_iban": "PUT /members/{member_id}/iban",
    "members.update_member_identity": "PATCH /members/{member_id}/identity",
    "members.list_member_changes": "GET /members/{member_id}/changes",
    "members.export_member_data": "GET /members/{member_id}/data-export",
    "members.erase_member": "POST /members/{member_id}/erasure",
    "members.add_activity": "POST /activities",
    "members.get_activity": "GET /activities/{id}",
    "members.contribution_rate_on": "GET /activities/{activity_id}/contribution-rate",
    "members.set_contribution_rate": "PUT /activities/{activity_id}/contribution-rate",
    "members.create_programme": "POST /programmes",
    "members.list_programmes": "GET /programmes",
    "members.get_programme": "GET /programmes/{id}",
    "members.funder_report": "GET /programmes/{programme_id}/funder-report",
    "members.enrol_member": "POST /programmes/{programme_id}/enrolments",
    "members.get_enrolment": "GET /enrolments/{id}",
    "members.list_member_enrolments": "GET /members/{member_id}/enrolments",
    "members.move_phase": "POST /enrolments/{enrolment_id}/phase",
    "members.add_coaching_note": "POST /enrolments/{enrolment_id}/notes",
    "members.list_coaching_notes": "GET /enrolments/{enrolment_id}/notes",
    "members.list_note_reads": "GET /enrolments/{enrolment_id}/note-reads",
    "members.schedule_appointment": "POST /enrolments/{enrolment_id}/appointments",
    "members.record_attendance": "POST /appointments/{appointment_id}/attendance",
    "members.run_appointment_reminders": "POST /jobs/appointment-reminders",
    "members.run_document_check": "POST /jobs/document-check",
    "members.run_retention": "POST /jobs/retention/members",
    # billing: customers, invoices, payments, statements, expenses, purchases, the ledger
    "billing.create_customer": "POST /customers",
    "billing.list_customers": "GET /customers",
    "billing.get_customer": "GET /customers/{id}",
    "billing.update_customer": "PATCH /customers/{customer_id}",
    "billing.list_customer_changes": "GET /customers/{customer_id}/changes",
    "billing.create_invoice": "POST /invoices",
    "billing.list_invoices": "GET /invoices",
    "billing.get_invoice": "GET /invoices/{id}",
    "billing.update_invoice": "PUT /invoices/{id}",
    "billing.delete_invoice": "DELETE /invoices/{id}",
    "billing.issue_invoice": "POST /invoices/{id}/issue",
    "billing.render_invoice": "GET /invoices/{invoice_id}/document",
    "billing.create_credit_note": "POST /invoices/{invoice_id}/credit-notes",
    "billing.record_payment": "POST /payments",
    "billing.list_unmatched_payments": "GET /payments/unmatched",
    "billing.monthly_totals": "GET /monthly-totals",
    "billing.match_payment": "POST /payments/{payment_id}/match",
    "billing.import_bank_statement": "POST /bank-statements",
    "billing.list_bank_statement_files": "GET /bank-statements",
    "billing.render_bank_statement_file": "GET /bank-statements/{statement_id}/file",
    "billing.record_expense": "POST /expenses",
    "billing.get_activity_account": "GET /activities/{activity_id}/account",
    "billing.get_balances": "POST /activities/balances",
    "billing.get_billing_settings": "GET /billing-settings",
    "billing.set_billing_settings": "PUT /billing-settings",
    "billing.get_peppol_settings": "GET /peppol-settings",
    "billing.set_peppol_settings": "PUT /peppol-settings",
    "billing.fetch_purchase_documents": "POST /purchase-documents/fetch",
    "billing.list_purchase_documents": "GET /purchase-documents",
    "billing.get_purchase_document": "GET /purchase-documents/{id}",
    "billing.render_purchase_document": "GET /purchase-documents/{id}/document",
    "billing.accept_purchase_document": "POST /purchase-documents/{id}/accept",
    "billing.assign_purchase_document": "POST /purchase-documents/{id}/assign",
    "billing.run_overdue_check": "POST /jobs/overdue-check",
    "billing.run_retention": "POST /jobs/retention/billing",
    "billing.export_person_data": "POST /person-data/billing/export",
    "billing.erase_person_data": "POST /person-data/billing/erasure",
    # payroll: runs, payslips, SEPA, tax forms, settings, simulations
    "payroll.list_status_models": "GET /status-models",
    "payroll.simulate": "POST /payroll/simulations",
    "payroll.set_payroll_settings": "PATCH /payroll/settings",
    "payroll.prepare_run": "POST /payroll-runs",
    "payroll.list_runs": "GET /payroll-runs",
    "payroll.get_run": "GET /payroll-runs/{id}",
    "payroll.close_run": "POST /payroll-runs/{id}/close",
    "payroll.export_sepa": "GET /payroll-runs/{id}/sepa",
    "payroll.list_payslips": "GET /payslips",
    "payroll.get_payslip": "GET /payslips/{id}",
    "payroll.render_payslip": "GET /payslips/{id}/document",
    "payroll.get_individual_account": "GET /members/{member_id}/individual-accounts/{year}",
    "payroll.list_fund_payments": "GET /payroll/fund-payments",
    "payroll.withholding_summary": "GET /payroll/withholding-summaries/{period}",
    "payroll.export_tax_forms": "GET /payroll/tax-forms/{year}",
    "payroll.run_retention": "POST /jobs/retention/payroll",
    "payroll.export_person_data": "POST /person-data/payroll/export",
    "payroll.erase_person_data": "POST /person-data/payroll/erasure",
    # notifications: templates, deliveries, webhooks
    "notifications.get_template": "GET /templates/{event}/{language}",
    "notifications.set_template": "PUT /templates/{event}/{language}",
    "notifications.reset_template": "DELETE /templates/{event}/{language}",
    "notifications.preview": "POST /templates/{event}/{language}/preview",
    "notifications.list_deliveries": "GET /deliveries",
    "notifications.resend": "POST /deliveries/{id}/resend",
    "notifications.list_received_events": "GET /received-events",
    "notifications.register_webhook": "POST /webhooks",
    "notifications.list_webhooks": "GET /webhooks",
    "notifications.remove_webhook": "DELETE /webhooks/{id}",
    "notifications.run_retention": "POST /jobs/retention/notifications",
    "notifications.export_person_data": "POST /person-data/notifications/export",
    "notifications.erase_person_data": "POST /person-data/notifications/erasure",
    # accounting: the books
    "accounting.list_accounts": "GET /accounting/accounts",
    "accounting.set_account_mapping": "PUT /accounting/account-mappings/{kind}",
    "accounting.get_period": "GET /accounting/periods/{period}",
    "accounting.close_period": "POST /accounting/periods/{period}/close",
    "accounting.reopen_period": "POST /accounting/periods/{period}/reopen",
    "accounting.trial_balance": "GET /accounting/trial-balance",
    "accounting.analytic_balance": "GET /accounting/analytic-balance",
    "accounting.general_ledger": "GET /accounting/ledgers/{account}",
    "accounting.aged_receivables": "GET /accounting/aged-receivables",
    "accounting.vat_return": "GET /accounting/vat-returns/{period}",
    "accounting.client_listing": "GET /accounting/client-listings/{year}",
    "accounting.export_books": "GET /accounting/periods/{period}/books",
    "accounting.export_pack": "GET /accounting/periods/{period}/pack",
    "accounting.run_retention": "POST /jobs/retention/accounting",
    "accounting.export_person_data": "POST /person-data/accounting/export",
    "accounting.erase_person_data": "POST /person-data/accounting/erasure",
}

# Public RPC methods deliberately without an integrator route, each with its reason.
# The accounts-for-people methods a person uses through the session pages (coop_web.pages),
# with the page's form: they take a password, a link's token or the session cookie's token,
# which a browser sends to a page with a CSRF token, not to the bearer-key API
# (docs/adr/023-http-api.md, "Sessions"; docs/adr/024-accounts-for-people.md).
PAGES = {
    "members.authenticate": "POST /sign-in",
    "members.resolve_session": "every request with the session cookie (coop_web.sessions)",
    "members.verify_second_factor": "POST /second-factor",
    "members.begin_totp_enrolment": "GET /totp-enrolment",
    "members.confirm_totp": "POST /totp-enrolment",
    "members.select_cooperative": "POST /cooperative",
    "members.accept_invitation": "POST /invitation?token=…",
    "members.request_password_reset": "POST /password-reset",
    "members.reset_password": "POST /password-reset?token=…",
    "members.list_sessions": "GET /sessions",
    "members.revoke_session": "POST /sessions/{id}/revoke",
    "members.change_password": "POST /password",
    "members.sign_out": "POST /sign-out",
}
NOT_ROUTED = {
    **{name: f"Served by the session pages: {page} (coop_web.pages)." for name, page in PAGES.items()},
    "members.get_person_contact": (
        "For the services only (notifications asks it for an invitation's address with its "
        "service claim, docs/adr/024): no integrator or person calls it."
    ),
}


# Methods whose answer is one file as {"filename", "content_type", "content" (base64)}: over
# HTTP the bytes come back with their own content type, or the JSON with `Accept:
# application/json`. A method that answers JSON for some formats (an individual account
# without `format=pdf`) answers JSON then.
FILE_ANSWERS = frozenset(
    {
        "billing.render_invoice",  # PDF or Peppol UBL
        "billing.render_bank_statement_file",  # CODA or camt.053 as received
        "billing.render_purchase_document",
        "payroll.render_payslip",
        "payroll.export_sepa",  # SEPA pain.001 XML
        "payroll.get_individual_account",
        "members.export_member_data",
        "members.funder_report",
        "accounting.export_books",
        "accounting.export_pack",
    }
)
# Methods taking a file in a base64 field: the request body may be the file itself (any
# content type but JSON), read into that field; the other fields come from the query string.
FILE_UPLOADS = {"billing.import_bank_statement": "content"}

_PARAMETER = re.compile(r"\{([a-z_]+)\}")
BODY_VERBS = ("POST", "PUT", "PATCH")


@dataclass(frozen=True)
class Route:
    method: Method
    verb: str
    path: str  # under PREFIX, OpenAPI style: /invoices/{id}

    @property
    def path_parameters(self) -> tuple[str, ...]:
        return tuple(_PARAMETER.findall(self.path))

    @property
    def flask_rule(self) -> str:
        return PREFIX + _PARAMETER.sub(r"<\1>", self.path)

    @property
    def takes_body(self) -> bool:
        return self.verb in BODY_VERBS

    @property
    def answers_file(self) -> bool:
        return self.method.qualified in FILE_ANSWERS

    @property
    def upload_field(self) -> str | None:
        return FILE_UPLOADS.get(self.method.qualified)

    @property
    def operation_id(self) -> str:
        return f"{self.method.service}.{self.method.name}"


def routes() -> list[Route]:
    """The routes of the methods that exist, in the table's order."""
    methods = public_methods()
    found = []
    for qualified, line in ROUTES.items():
        if qualified in methods:
            verb, path = line.split(" ", 1)
            found.append(Route(methods[qualified], verb, path))
    return found


def unrouted() -> list[str]:
    """Public RPC methods with neither a route nor a stated reason: tests/unit/test_web_routes.py
    wants none."""
    return sorted(set(public_methods()) - set(ROUTES) - set(NOT_ROUTED))
