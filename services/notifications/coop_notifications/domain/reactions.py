"""Who is told what, for each business event (notifications by e-mail and webhook,
docs/rpc-contract.md 'notifications').

A reaction names *parties*, not addresses: the address is looked up when the e-mail is sent,
so a member who corrects their e-mail before a retry gets the mail at the new address. The
delivery log is keyed by (event id, channel, recipient) with the recipient written as
'<party>:<id>', which is what makes one delivery per event and party whatever the redeliveries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from coop_shared.event_catalogue import CATALOGUE


class Party(StrEnum):
    """Who an e-mail is for; '<party>:<id>' is the recipient of its delivery."""

    MEMBER = "member"
    CUSTOMER = "customer"
    COOPERATIVE = "cooperative"
    PERSON = "person"  # a person with an account (members' accounts for people)


MEMBER, CUSTOMER, COOPERATIVE, PERSON = Party.MEMBER, Party.CUSTOMER, Party.COOPERATIVE, Party.PERSON


@dataclass(frozen=True)
class Recipient:
    party: Party
    template: str  # key of the template (domain/templates.py)
    attach_invoice: bool = False  # the invoice PDF, fetched from billing at send time
    attach_payslip: bool = False  # the payslip PDF, fetched from payroll at send time
    language_of: Party | None = None  # write in another party's language (a copy of their mail)
    # Only when the invoice goes over Peppol (True) or only when it does not (False): billing's
    # `delivery_channel` (docs/adr/011-peppol-delivery.md); None: whatever the channel.
    over_peppol: bool | None = None
    # Another template for some kinds of document the event announces (its payload's
    # `document`): a company director's statement is never announced as a payslip.
    by_document: tuple[tuple[str, str], ...] = ()

    def templates(self) -> tuple[str, ...]:
        return (self.template, *(template for _, template in self.by_document))

    def for_payload(self, payload: dict) -> Recipient:
        """This reaction with the template of the document the payload announces."""
        template = dict(self.by_document).get((payload or {}).get("document"), self.template)
        return replace(self, template=template)


EMAIL_REACTIONS: dict[str, tuple[Recipient, ...]] = {
    "member_registered": (Recipient(MEMBER, "member_registered"),),
    # The member receives a copy of what their customer received, in the member's own language
    # (the attached invoice stays in the customer's language: it is the same document).
    # Over Peppol the structured invoice is the invoice (law of 6 February 2024); the e-mail is
    # then a copy saying so. Consumers and customers not on Peppol get the invoice by e-mail.
    "invoice_issued": (
        Recipient(CUSTOMER, "invoice_issued", attach_invoice=True, over_peppol=False),
        Recipient(MEMBER, "invoice_issued", attach_invoice=True, over_peppol=False),
        Recipient(CUSTOMER, "invoice_issued_copy", attach_invoice=True, over_peppol=True),
        Recipient(MEMBER, "invoice_issued_copy", attach_invoice=True, over_peppol=True),
    ),
    # A receiver's rejection or a send that failed for good: the office must act (a credit
    # note or a new invoice, another channel).
    "invoice_delivery_failed": (Recipient(COOPERATIVE, "invoice_delivery_failed"),),
    "invoice_overdue": (Recipient(CUSTOMER, "invoice_overdue"),),
    "payment_received": (Recipient(MEMBER, "payment_received"),),
    "payslip_issued": (
        Recipient(
            MEMBER,
            "payslip_issued",
            attach_payslip=True,
            by_document=(("director_statement", "director_statement_issued"),),
        ),
    ),
    "document_expiring": (
        Recipient(MEMBER, "document_expiring"),
        Recipient(COOPERATIVE, "document_expiring_staff"),
    ),
    # Accompaniment (members' docs/domain/accompaniment.md): the member in their language with
    # the interpreter noted, the staff for the coach (a coach is a staff key, with no address).
    "appointment_due": (
        Recipient(MEMBER, "appointment_due"),
        Recipient(COOPERATIVE, "appointment_due_staff"),
    ),
    # A person's invitation and password reset, in the person's language, with the link members
    # sealed into the event (docs/adr/024-accounts-for-people.md).
    "person_invited": (Recipient(PERSON, "person_invited"),),
    "password_reset_requested": (Recipient(PERSON, "password_reset_requested"),),
}

# Events that only ever become an e-mail to the person they concern: a link to an account is
# nobody else's business, so no webhook may subscribe to them.
EMAIL_ONLY_EVENTS = ("person_invited", "password_reset_requested")

# Events a cooperative may subscribe a webhook to: its own business facts. Credential
# revocations, the creation of cooperatives and the notice that one's settings changed (for
# the caches of other services) concern the operator; `delivery_failed` is left
# out so that a failing webhook cannot feed itself an endless chain of failure notices.
WEBHOOK_EVENTS = tuple(
    sorted(
        name
        for name in CATALOGUE
        if name
        not in (
            "api_key_revoked",
            "cooperative_created",
            "cooperative_changed",
            "contribution_rate_changed",
            "delivery_failed",
            *EMAIL_ONLY_EVENTS,
        )
        # the trail goes to members' audit log, not out (docs/adr/021-nothing-run-twice-and-the-trail.md)
        and not name.endswith("_action_recorded")
    )
)


def party_id(party: str, event: dict) -> str:
    """The id of `party` in `event`: the member, the customer, or the event's cooperative."""
    if party == COOPERATIVE:
        return event["cooperative_id"]
    return event["payload"][f"{party}_id"]


def recipient_key(party: str, identifier: str) -> str:
    return f"{party}:{identifier}"


def parse_recipient(key: str) -> tuple[str, str]:
    party, _, identifier = key.partition(":")
    return party, identifier


def recipients_for(event: dict) -> list[tuple[str, Recipient]]:
    """(recipient key, reaction) of each e-mail an event calls for; none for other events."""
    planned = []
    over_peppol = (event.get("payload") or {}).get("delivery_channel") == "peppol"
    for reaction in EMAIL_REACTIONS.get(event["event_type"], ()):
        if reaction.over_peppol is not None and reaction.over_peppol != over_peppol:
            continue
        identifier = party_id(reaction.party, event)
        if identifier:
            planned.append(
                (recipient_key(reaction.party, identifier), reaction.for_payload(event["payload"]))
            )
    return planned


def reaction_for(event_type: str, party: str, template: str) -> Recipient | None:
    for reaction in EMAIL_REACTIONS.get(event_type, ()):
        if reaction.party == party and template in reaction.templates():
            return replace(reaction, template=template)
    return None
