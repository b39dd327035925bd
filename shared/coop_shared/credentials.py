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

from coop_shared.errors import Forbidden, NotFound

PLATFORM = "platform"
ADMIN, STAFF, AUDITOR, MEMBER = "admin", "staff", "auditor", "member"
COOPERATIVE_ROLES = (ADMIN, STAFF, AUDITOR, MEMBER)
READERS = (ADMIN, STAFF, AUDITOR, MEMBER)
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
    def from_dict(cls, data: dict) -> "Identity":
        return cls(**{k: data.get(k) for k in ("role", "cooperative_id", "cooperative", "member_id", "key_id")})


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


def is_platform_secret(secret: str, platform_key: str | None) -> bool:
    """Constant-time comparison with the operator's platform key (never matches when unset)."""
    return bool(platform_key) and hmac.compare_digest(secret.encode(), platform_key.encode())


def require_role(identity: Identity, *roles: str) -> Identity:
    """Refuse with Forbidden unless the identity has one of `roles`."""
    if identity.role not in roles:
        raise Forbidden(f"The role '{identity.role}' may not do this.")
    return identity


def acting_cooperative(identity: Identity, requested_slug: str | None = None) -> str:
    """The cooperative id a call acts on. Naming another cooperative reads as NotFound: a key
    learns nothing of other cooperatives, not even that they exist (rpc-contract.md)."""
    if identity.is_platform:
        raise Forbidden("The platform credential administers cooperatives; use a cooperative's key.")
    if requested_slug is not None and requested_slug != identity.cooperative:
        raise NotFound(f"No cooperative '{requested_slug}'.")
    return identity.cooperative_id


def may_see_member(identity: Identity, member_id: str | None) -> bool:
    """A `member` key sees only what belongs to its own member."""
    return identity.role != MEMBER or identity.member_id == member_id
