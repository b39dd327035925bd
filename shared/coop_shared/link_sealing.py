"""The single-use links of people's accounts (an invitation, a password reset), sealed for the
one service that writes them into an e-mail (docs/adr/024-accounts-for-people.md).

members puts the link into its event sealed with AES-256-GCM (the sealing of
`coop_shared.personal_data`), so that its outbox, the bus and notifications' delivery log never
hold a usable token. The key derives from `COOP_SERVICE_KEY` — which both members and
notifications already hold — and its previous value during a rotation: the data key of personal
data at rest stays with the services that keep such data (docs/adr/022-deployment-least-privilege.md).
"""

from __future__ import annotations

import hashlib

from coop_shared.personal_data import KeyRing

PURPOSE = "account_links.link"  # authenticated with the ciphertext: it opens nowhere else
FIELD = "link_sealed"  # the event payload's field


def _data_key(service_key: str) -> str:
    """'<key id>:<secret>' of the ring, derived from the service key (never the key itself)."""
    digest = hashlib.sha256(("coop-account-links/" + service_key).encode("utf-8")).hexdigest()
    return f"links-{digest[:8]}:{digest[8:]}"


def ring(service_key: str | None, previous: str | None = None) -> KeyRing | None:
    """The ring sealing and opening links; None without a service key (no link can be sent)."""
    if not service_key:
        return None
    return KeyRing(_data_key(service_key), tuple(_data_key(key) for key in (previous,) if key))
