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

import threading
import time

from coop_notifications.domain.reactions import CUSTOMER, MEMBER

__all__ = ["CUSTOMER", "MEMBER", "forget", "keep", "kept", "now"]

CONTACT_SECONDS = 60.0
CONTACTS_KEPT = 10_000  # more than a cooperative mails within a minute; past it, start afresh

_kept: dict[tuple[str, str, str], tuple[float, dict]] = {}
# When each contact was last forgotten: an answer asked for before that moment is not kept.
_forgotten: dict[tuple[str, str, str], float] = {}
_lock = threading.Lock()
_clock = time.monotonic


def kept(cooperative_id: str, party: str, identifier: str) -> dict | None:
    """The contact as last read, if read less than CONTACT_SECONDS ago and not forgotten since."""
    entry = _kept.get((cooperative_id, party, identifier))
    if entry is None or _clock() - entry[0] > CONTACT_SECONDS:
        return None
    return entry[1]


def keep(cooperative_id: str, party: str, identifier: str, contact: dict, read_at: float) -> None:
    """Keep `contact` as read at `read_at` (taken before asking: a change announced while the
    answer was on its way is not undone by it, see `forget`)."""
    with _lock:
        if len(_kept) >= CONTACTS_KEPT:
            _kept.clear()
        key = (cooperative_id, party, identifier)
        forgotten = _forgotten.get(key)
        if forgotten is not None and forgotten >= read_at:
            return  # forgotten after this answer was asked for: it may be the old contact
        _kept[key] = (read_at, contact)


def forget(cooperative_id: str, party: str, identifier: str) -> None:
    """Read the contact again at its next message (its owner announced a change, or an erasure)."""
    with _lock:
        key = (cooperative_id, party, identifier)
        _kept.pop(key, None)
        if len(_forgotten) >= CONTACTS_KEPT:
            _forgotten.clear()
        _forgotten[key] = _clock()


def now() -> float:
    return _clock()
