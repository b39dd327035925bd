"""Credentials: who is calling, for which cooperative, with which role.

A caller presents `Bearer <secret>` in the nameko context data under `authorization`. Secrets
are 256-bit random strings, so a plain SHA-256 of the secret is a sound stored form (no
password stretching needed: there is nothing to guess); the secret itself is shown once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass
from enum import StrEnum

from coop_shared.errors import Forbidden, NotFound


class Role(StrEnum):
    """Who a credential speaks for. Values are the strings on the wire and in the tables."""

    PLATFORM = "platform"
    # A service of the suite reading one cooperative's data while it works for that
    # cooperative outside any caller's request (an event, a timer): notifications fetching an
    # invoice's PDF. It reads, never writes, and is never issued as an API key.
    SERVICE = "service"
    ADMIN = "admin"
    STAFF = "staff"
    AUDITOR = "auditor"
    MEMBER = "member"


PLATFORM, SERVICE = Role.PLATFORM, Role.SERVICE
ADMIN, STAFF, AUDITOR, MEMBER = Role.ADMIN, Role.STAFF, Role.AUDITOR, Role.MEMBER
COOPERATIVE_ROLES = (ADMIN, STAFF, AUDITOR, MEMBER)
READERS = (ADMIN, STAFF, AUDITOR, MEMBER, SERVICE)
OPERATORS = (ADMIN, STAFF)


@dataclass(frozen=True)
class Identity:
    """The resolved caller: a platform operator, or a key of one cooperative."""

    role: str
    cooperative_id: str | None = None
    cooperative: str | None = None  # the cooperative's slug
    member_id: str | None = None
    key_id: str | None = None

    @property
    def is_platform(self) -> bool:
        return self.role == PLATFORM

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Identity:
        return cls(
            **{k: data.get(k) for k in ("role", "cooperative_id", "cooperative", "member_id", "key_id")}
        )


def new_secret() -> str:
    """A fresh API secret: 'coop_' and 43 URL-safe characters (256 bits)."""
    return "coop_" + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def bearer_secret(authorization) -> str:
    """The secret of an `authorization` value 'Bearer <secret>', or Forbidden."""
    if not authorization or not isinstance(authorization, str):
        raise Forbidden("A credential is required: pass context_data={'authorization': 'Bearer <secret>'}.")
    scheme, _, secret = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Forbidden("The credential must read 'Bearer <secret>'.")
    return secret.strip()


def matches_key(secret: str, configured_key: str | None) -> bool:
    """Constant-time comparison with a key the operator configured (never matches when unset)."""
    return bool(configured_key) and hmac.compare_digest(secret.encode(), configured_key.encode())


# Context data naming the cooperative a service credential acts for (see `SERVICE`).
ACTING_FOR_ID, ACTING_FOR_SLUG = "acting_for_cooperative_id", "acting_for_cooperative"


def service_context(service_key: str, cooperative_id: str, cooperative: str) -> dict:
    """Context data of a call made by a service on behalf of one cooperative."""
    return {
        "authorization": f"Bearer {service_key}",
        ACTING_FOR_ID: cooperative_id,
        ACTING_FOR_SLUG: cooperative,
    }


def service_identity(context_data: dict) -> Identity:
    """The identity behind a verified service credential: read-only, one cooperative."""
    cooperative_id, slug = context_data.get(ACTING_FOR_ID), context_data.get(ACTING_FOR_SLUG)
    if not cooperative_id or not slug:
        raise Forbidden("A service credential must name the cooperative it acts for.")
    return Identity(role=SERVICE, cooperative_id=str(cooperative_id), cooperative=str(slug))


def require_role(identity: Identity, *roles: str) -> Identity:
    """Refuse with Forbidden unless the identity has one of `roles`."""
    if identity.role not in roles:
        raise Forbidden(f"The role '{identity.role}' may not do this.")
    return identity


def acting_cooperative(identity: Identity, requested_slug: str | None = None) -> str:
    """The cooperative id a call acts on. Naming another cooperative reads as NotFound: a key
    learns nothing of other cooperatives, not even that they exist (docs/rpc-contract.md)."""
    if identity.is_platform:
        raise Forbidden("The platform credential administers cooperatives; use a cooperative's key.")
    if requested_slug is not None and requested_slug != identity.cooperative:
        raise NotFound(f"No cooperative '{requested_slug}'.")
    return identity.cooperative_id


def may_see_member(identity: Identity, member_id: str | None) -> bool:
    """A `member` key sees only what belongs to its own member."""
    return identity.role != MEMBER or identity.member_id == member_id
