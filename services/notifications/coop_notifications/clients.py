"""What notifications asks the other services when a message leaves: the recipient's address
and language, the cooperative's name and reply-to address (members, billing), the invoice PDF
(billing), the payslip PDF (payroll).

Each client wraps the services object of `CooperativeRpc.for_cooperative(...)`: the calls are
made as the suite's service credential acting for the delivery's cooperative, so no lookup can
cross to another cooperative, and each is bounded by `COOP_SERVICE_CALL_TIMEOUT_SECONDS`
(coop_shared.runtime.cooperative_rpc).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace


class MembersClient:
    def __init__(self, services):
        self._members = services.members

    def member(self, member_id: str) -> dict:
        """The member (first_name, last_name, email, language, ...)."""
        return self._members.get_member(member_id)

    def cooperative(self, slug: str) -> dict:
        """The cooperative (name, email, languages, ...)."""
        return self._members.get_cooperative(slug)

    def person(self, person_id: str) -> dict:
        """{"email", "language", "name"} of a person with an account (an invitation, a reset)."""
        return self._members.get_person_contact(person_id)


class BillingClient:
    def __init__(self, services):
        self._billing = services.billing

    def customer(self, customer_id: str) -> dict:
        """The customer (name, email, language, ...)."""
        return self._billing.get_customer(customer_id)

    def invoice_pdf(self, invoice_id: str) -> dict:
        """{"filename", "content_type", "content" (base64)} of the invoice's PDF."""
        return self._billing.render_invoice({"invoice_id": invoice_id, "format": "pdf"})


class PayrollClient:
    def __init__(self, services):
        self._payroll = services.payroll

    def payslip_pdf(self, payslip_id: str) -> dict:
        """{"filename", "content_type", "content" (base64)} of the payslip's PDF, in the
        member's language."""
        return self._payroll.render_payslip(payslip_id)


def clients_for(for_cooperative) -> Callable[[str, str], SimpleNamespace]:
    """`(cooperative_id, slug) -> clients` of one cooperative: `clients.members` (MembersClient),
    `clients.billing` (BillingClient) and `clients.payroll` (PayrollClient).

    Built only when a delivery needs them: without a service credential `for_cooperative`
    refuses, and that must fail (and retry) the delivery, not the dispatcher.
    """

    def build(cooperative_id: str, cooperative: str) -> SimpleNamespace:
        services = for_cooperative(cooperative_id, cooperative)
        return SimpleNamespace(
            members=MembersClient(services), billing=BillingClient(services), payroll=PayrollClient(services)
        )

    return build
