"""The Peppol access-point contract and its plugins (docs/adr/011-peppol-delivery.md).

An access point is found in the entry-point group `coop.peppol_access_points` (the built-in
`loopback` and `billit` register exactly as a third-party adapter would) and is built per
cooperative from that cooperative's settings and secrets. It does five things:

- `lookup(identifiers)`: the first of these Peppol ids registered on the network, or None;
- `send(ubl, reference, receiver)`: hand one UBL document over; `reference` is the invoice id
  and must make a second send of the same reference keep one document;
- `status(message_id)`: what became of a document sent (delivered, rejected with a reason);
- `inbox()` / `confirm(id)`: documents received for the cooperative, confirmed once stored;
- `ingest(headers, body)`: status updates pushed by the provider (webhook), if it pushes.

Failures are typed: `Refused` (the document or the request is wrong: do not retry as is),
`NotRegistered`, `Unavailable` (worth another try).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from coop_shared.plugins import discover

ENTRY_POINT_GROUP = "coop.peppol_access_points"

# Delivery states an access point reports (a subset of domain/delivery.py DeliveryStatus).
SENT, DELIVERED, REJECTED = "sent", "delivered", "rejected"


class AccessPointError(Exception):
    """The access point did not take the request."""

    retry = False


class Unavailable(AccessPointError):
    """Down, overloaded, timed out, a 5xx: try again later."""

    retry = True


class Refused(AccessPointError):
    """The access point refused the request (bad credentials, a document failing the Peppol
    rules): the same request would be refused again."""

    def __init__(self, message: str, findings: list | None = None):
        super().__init__(message)
        self.findings = findings or []


class NotRegistered(AccessPointError):
    """The receiver is not on the Peppol network."""


@dataclass(frozen=True)
class Sent:
    message_id: str
    status: str = SENT  # sent, or at once delivered / rejected (a network on this machine)
    reason: str | None = None


@dataclass(frozen=True)
class Status:
    status: str  # sent (no answer yet), delivered, rejected
    reason: str | None = None


@dataclass(frozen=True)
class Inbound:
    id: str  # the access point's id of the received document
    content: bytes  # the UBL document as received
    sender: str | None = None


@dataclass(frozen=True)
class StatusUpdate:
    message_id: str
    status: str
    reason: str | None = None


@dataclass
class Environment:
    """What the suite gives an access point: the data folder, the cooperative's own Peppol id,
    and the validator of the Peppol rules (cached per process, `validation.validator`)."""

    data_dir: str
    own_id: str | None = None
    validate: object = None
    extra: dict = field(default_factory=dict)


class AccessPoint(Protocol):
    key: str
    settings_fields: tuple[str, ...]  # non-secret settings an admin may give
    secret_fields: tuple[str, ...]  # credentials, stored and never returned

    def lookup(self, identifiers: list[str]) -> str | None: ...

    def send(self, ubl: bytes, reference: str, receiver: str) -> Sent: ...

    def status(self, message_id: str) -> Status: ...

    def inbox(self) -> list[Inbound]: ...

    def confirm(self, inbound_id: str) -> None: ...

    def ingest(self, headers: dict, body: bytes) -> list[StatusUpdate]: ...


def installed() -> dict:
    """{key: access-point class} of every installed plugin."""
    return discover(ENTRY_POINT_GROUP)


def build(key: str, settings: dict, secrets: dict, environment: Environment) -> AccessPoint:
    """The access point `key` configured for one cooperative."""
    factory = installed().get(key)
    if factory is None:
        raise Refused(f"No Peppol access point '{key}' is installed.")
    return factory(settings or {}, secrets or {}, environment)
