"""The contacts notifications keeps in this process: a member's or a customer's name, e-mail and
language, as members and billing last answered them.

Every invoice is mailed to its customer and its member, every payment note to the member: asking
members and billing again for the same few contacts was one RPC of two per message (issue 18).
A contact is kept `CONTACT_SECONDS` at most and forgotten at once when its owner announces a
change: members' `member_details_changed` and billing's `customer_details_changed` reach every
instance of notifications (a broadcast queue each, service.py), and an erasure handled here
forgets the member too. So a corrected address still reaches the next message, as ADR 008
requires (docs/adr/028-contacts-kept-by-notifications.md).

Keyed by (cooperative id, party, id): a delivery only ever finds the contacts of its own
cooperative.
"""

from __future__ import annotations

from coop_notifications.domain.reactions import CUSTOMER, MEMBER
from coop_shared.kept import Kept

__all__ = ["CONTACTS", "CUSTOMER", "MEMBER", "key"]

CONTACT_SECONDS = 60.0
# More than a cooperative mails within a minute.
CONTACTS = Kept(CONTACT_SECONDS, most=10_000)


def key(cooperative_id: str, party: str, identifier: str) -> tuple[str, str, str]:
    """What a contact is kept under: its cooperative first, so a delivery never finds another's."""
    return (cooperative_id, party, str(identifier))
