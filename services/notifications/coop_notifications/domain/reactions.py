"""Who is told what, for each business event (notifications by e-mail and webhook,
docs/rpc-contract.md 'notifications').

A reaction names *parties*, not addresses: the address is looked up when the e-mail is sent,
so a member who corrects their e-mail before a retry gets the mail at the new address. The
delivery log is keyed by (event id, channel, recipient) with the recipient written as
'<party>:<id>', which is what makes one delivery per event and party whatever the redeliveries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from coop_shared.event_catalogue import CATALOGUE


class Party(StrEnum):
    """Who an e-mail is for; '<party>:<id>' is the recipient of its delivery."""

    MEMBER = "member"
    CUSTOMER = "customer"
    COOPERATIVE = "cooperative"


MEMBER, CUSTOMER, COOPERATIVE = Party.MEMBER, Party.CUSTOMER, Party.COOPERATIVE


@dataclass(frozen=True)
class Recipient:
    party: Party
    template: str  # key of the template (domain/templates.py)
    attach_invoice: bool = False  # the invoice PDF, fetched from billing at send time
    language_of: Party | None = None  # write in another party's language (a copy of their mail)


EMAIL_REACTIONS: dict[str, tuple[Recipient, ...]] = {
    "member_registered": (Recipient(MEMBER, "member_registered"),),
    # The member receives a copy of exactly what their customer received.
    "invoice_issued": (
        Recipient(CUSTOMER, "invoice_issued", attach_invoice=True),
        Recipient(MEMBER, "invoice_issued", attach_invoice=True, language_of=CUSTOMER),
    ),
    "invoice_overdue": (Recipient(CUSTOMER, "invoice_overdue"),),
    "payment_received": (Recipient(MEMBER, "payment_received"),),
    "payslip_issued": (Recipient(MEMBER, "payslip_issued"),),
    "document_expiring": (
        Recipient(MEMBER, "document_expiring"),
        Recipient(COOPERATIVE, "document_expiring_staff"),
    ),
}

# Events a cooperative may subscribe a webhook to: its own business facts. Credential
# revocations and the creation of cooperatives concern the operator; `delivery_failed` is left
# out so that a failing webhook cannot feed itself an endless chain of failure notices.
WEBHOOK_EVENTS = tuple(
    sorted(
        name
        for name in CATALOGUE
        if name not in ("api_key_revoked", "cooperative_created", "delivery_failed")
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
    for reaction in EMAIL_REACTIONS.get(event["event_type"], ()):
        identifier = party_id(reaction.party, event)
        if identifier:
            planned.append((recipient_key(reaction.party, identifier), reaction))
    return planned


def reaction_for(event_type: str, party: str, template: str) -> Recipient | None:
    for reaction in EMAIL_REACTIONS.get(event_type, ()):
        if reaction.party == party and reaction.template == template:
            return reaction
    return None
