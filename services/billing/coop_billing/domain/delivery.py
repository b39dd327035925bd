"""How an issued invoice or credit note reaches its customer (docs/domain/e-invoicing.md,
docs/adr/011-peppol-delivery.md).

Since 1 January 2026 an invoice between two Belgian VAT-registered businesses is a structured
e-invoice exchanged over Peppol (law of 6 February 2024 amending the VAT Code, art. 53 §2); the
PDF by e-mail stays the channel of consumers and of customers not reachable on Peppol.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    PEPPOL = "peppol"
    EMAIL = "email"


class DeliveryStatus(StrEnum):
    """queued → sent → delivered | rejected; failed once the retries are spent. `emailed`: the
    PDF e-mail of notifications is the channel (its own log tracks it)."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    REJECTED = "rejected"
    FAILED = "failed"
    EMAILED = "emailed"


FINAL = (DeliveryStatus.DELIVERED, DeliveryStatus.REJECTED, DeliveryStatus.FAILED, DeliveryStatus.EMAILED)

# What `invoice_issued` says about the channel (`delivery_channel`): `pending` when the
# participant could not be looked up at issue time; notifications then sends the full PDF
# e-mail, so no customer is left without their invoice.
PENDING_LOOKUP = "pending"

# Seconds between tries of a failing send, then `failed` (docs/adr/011-peppol-delivery.md).
DEFAULT_RETRY_DELAYS = (30.0, 120.0, 600.0, 3600.0)
LEASE_SECONDS = 120  # a send in progress belongs to one worker this long
STATUS_POLL_SECONDS = 60  # how often a sent document's status is asked for

# Reasons, recorded on the invoice and shown to staff.
NO_ACCESS_POINT = "The cooperative has no Peppol access point configured."
NOT_A_BUSINESS = "The customer has no Belgian VAT number nor Peppol id: a consumer gets the PDF by e-mail."


def not_registered(identifiers: list[str]) -> str:
    return f"The customer is not registered on Peppol ({', '.join(identifiers)})."


def participant_candidates(customer: dict) -> list[str]:
    """The Peppol ids to look up, in order: the customer's own `peppol_id`, then scheme 0208
    (Belgian enterprise number, under which every Belgian company is registered), then 9925
    (the Belgian VAT number, an optional extra registration). Empty for a consumer."""
    found = []
    if customer.get("peppol_id"):
        found.append(customer["peppol_id"])
    vat = (customer.get("vat_number") or "").upper()
    enterprise = customer.get("enterprise_number") or (vat[2:] if vat.startswith("BE") else None)
    if enterprise:
        found.append(f"0208:{enterprise}")
    if vat.startswith("BE"):
        found.append(f"9925:{vat}")
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Decision:
    """The channel chosen when the document is issued."""

    channel: Channel
    status: DeliveryStatus
    reason: str | None = None
    receiver: str | None = None  # the registered Peppol id, when known
    lookup_pending: bool = False

    @property
    def announced(self) -> str:
        """`delivery_channel` of the issue event."""
        return PENDING_LOOKUP if self.lookup_pending else str(self.channel)


def email_only(reason: str) -> Decision:
    return Decision(Channel.EMAIL, DeliveryStatus.EMAILED, reason)


def over_peppol(receiver: str | None) -> Decision:
    """Queued for the access point; `receiver` None when the lookup must be done again."""
    return Decision(Channel.PEPPOL, DeliveryStatus.QUEUED, None, receiver, lookup_pending=receiver is None)


def next_delay(failures_in_row: int, delays) -> float | None:
    """Seconds before the next try after `failures_in_row` failures; None once they are spent."""
    if failures_in_row <= len(delays):
        return float(delays[failures_in_row - 1])
    return None
