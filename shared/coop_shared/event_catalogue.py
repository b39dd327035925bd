"""Every event the suite publishes: its source service, whether it is *mandatory*, and what it
means. Integrators read it as the list of facts they can subscribe to.

Mandatory events have a consumer inside the suite: they are published with `mandatory=True`,
so if the consumer's queue is missing the broker returns them and they wait in the outbox
instead of vanishing (docs/nameko-delivery.md). The others are published for whoever listens
(an integrator's queue, a later service): without a listener the broker drops them, by design.
A unit test checks that every event a service handles is declared mandatory here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    source: str
    mandatory: bool
    meaning: str


CATALOGUE = {
    "cooperative_created": EventType("members", False, "A cooperative joined the installation."),
    "api_key_revoked": EventType("members", False, "A credential was revoked; caches must forget it."),
    "cooperative_changed": EventType(
        "members", False, "A cooperative's settings changed (the fields named); caches must read it again."
    ),
    "contribution_rate_changed": EventType(
        "members", False, "An activity's dated contribution rates changed; caches must read them again."
    ),
    "member_registered": EventType("members", True, "An entrepreneur was registered (candidate)."),
    "activity_created": EventType("members", True, "An activity (with its account) was opened for a member."),
    "member_status_model_changed": EventType("members", True, "A member moved to another status model."),
    "member_lifecycle_changed": EventType("members", True, "A member became active, suspended or exited."),
    "document_expiring": EventType("members", True, "A member's document expires in 30 or 7 days."),
    "member_details_changed": EventType(
        "members",
        True,
        "A member's identity, address or IBAN was rectified (the fields named; values are re-read "
        "with get_member, a national number or an IBAN never travels in the event).",
    ),
    "member_enrolled": EventType("members", True, "A member was enrolled on an accompaniment programme."),
    "enrolment_phase_changed": EventType(
        "members", True, "An enrolment entered another phase (test, launch, autonomy, exit)."
    ),
    "appointment_due": EventType(
        "members", True, "A coaching appointment or workshop starts within 48 hours."
    ),
    # Accounts for people (docs/adr/024-accounts-for-people.md): e-mailed by notifications, never
    # offered to webhooks; the link travels sealed under the data key.
    "person_invited": EventType(
        "members", True, "A person was invited to hold a role in a cooperative (a single-use link)."
    ),
    "password_reset_requested": EventType(
        "members", True, "A person asked to reset their password (a single-use link)."
    ),
    "customer_details_changed": EventType(
        "billing",
        True,
        "A customer's name, address, VAT number, e-mail or Peppol id was rectified (issued invoices "
        "keep the data they were issued with).",
    ),
    "invoice_issued": EventType("billing", True, "An invoice got its number and can be sent."),
    "credit_note_issued": EventType("billing", True, "A credit note was issued against an invoice."),
    "payment_received": EventType("billing", True, "A payment was applied to an invoice."),
    "payment_unmatched": EventType("billing", True, "Money arrived that no invoice claims (or a remainder)."),
    "invoice_overdue": EventType("billing", True, "An invoice reached a reminder level."),
    "activity_account_changed": EventType("billing", True, "An activity's balance moved."),
    "expense_recorded": EventType(
        "billing", True, "An expense (or an assigned supplier e-invoice) was booked on an activity."
    ),
    "invoice_delivered": EventType(
        "billing", True, "An invoice or credit note reached its customer over Peppol (delivered)."
    ),
    "invoice_delivery_failed": EventType(
        "billing",
        True,
        "An invoice or credit note did not reach its customer over Peppol: rejected by the receiver, "
        "refused, or failed after its retries (with the reason).",
    ),
    "payslip_issued": EventType(
        "payroll",
        True,
        "A payslip was closed; billing debits its total cost and keeps its provisions apart (or draws on them).",
    ),
    "payroll_closed": EventType("payroll", True, "A payroll run was closed; its payslips are final."),
    "payroll_payments_instructed": EventType(
        "payroll",
        True,
        "A closed run's first SEPA file was produced: its nets and directors' fund payments are "
        "handed to the bank (once per run).",
    ),
    "bank_debit_recorded": EventType(
        "billing",
        True,
        "Money left the cooperative's account on an imported bank statement (a movement out, once).",
    ),
    "delivery_failed": EventType(
        "notifications", False, "An e-mail or webhook call could not be delivered after its last retry."
    ),
    # The trail (coop_shared.audit): one type per service, members keeps them in its audit log.
    **{
        f"{service}_action_recorded": EventType(
            service,
            True,
            f"An admin action or a money record was made in {service}: what, on which record, by which key.",
        )
        for service in ("members", "billing", "payroll", "notifications", "accounting")
    },
}


def is_mandatory(event_type: str) -> bool:
    """Unknown types are refused: an event is declared here before it is emitted."""
    return CATALOGUE[event_type].mandatory
