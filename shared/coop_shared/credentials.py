"""Credentials: who is calling, for which cooperative, with which role.

A caller presents `Bearer <secret>` in the nameko context data under `authorization`. Secrets
are 256-bit random strings, so a plain SHA-256 of the secret is a sound stored form (no
password stretching needed: there is nothing to guess); the secret itself is shown once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
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
    key_id: str | None = None  # the API key, or the session of a person signed in
    # A person signed in (members' accounts for people, docs/adr/024-accounts-for-people.md): the
    # role, cooperative and member are those the person holds in the cooperative selected.
    person_id: str | None = None

    @property
    def is_platform(self) -> bool:
        return self.role == PLATFORM

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Identity:
        return cls(
            **{
                k: data.get(k)
                for k in ("role", "cooperative_id", "cooperative", "member_id", "key_id", "person_id")
            }
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


# The service credential (`COOP_SERVICE_KEY`) never travels: a service calling for one
# cooperative sends a *claim* signed with it (HMAC-SHA256), naming the one method it calls, the
# cooperative, and an expiry a minute away. A claim read off the bus cannot be replayed for
# another cooperative or another method (the signature covers both), nor later than its expiry;
# without the key none can be made (docs/adr/019-broker-least-privilege-and-service-claims.md).
SERVICE_CLAIM_PREFIX = "svc1."
SERVICE_CLAIM_SECONDS = 60
_CLOCK_SKEW_SECONDS = 5


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _claim_mac(key: str, body: str) -> str:
    return hmac.new(key.encode("utf-8"), (SERVICE_CLAIM_PREFIX + body).encode(), hashlib.sha256).hexdigest()


def sign_service_claim(
    service_key: str,
    target: str,
    cooperative_id: str,
    cooperative: str,
    now: float,
    ttl: int = SERVICE_CLAIM_SECONDS,
) -> str:
    """A claim that the suite acts for `cooperative` in one call of `target` ('billing.render_invoice')."""
    claim = {"t": target, "c": str(cooperative_id), "s": str(cooperative), "e": int(now) + int(ttl)}
    body = _b64(json.dumps(claim, sort_keys=True, separators=(",", ":")).encode())
    return f"{SERVICE_CLAIM_PREFIX}{body}.{_claim_mac(service_key, body)}"


def is_service_claim(secret: str) -> bool:
    return secret.startswith(SERVICE_CLAIM_PREFIX)


def service_context(service_key: str, target: str, cooperative_id: str, cooperative: str, now: float) -> dict:
    """Context data of one call of `target` made by a service on behalf of one cooperative."""
    return {
        "authorization": f"Bearer {sign_service_claim(service_key, target, cooperative_id, cooperative, now)}"
    }


def verify_service_claim(secret: str, keys, target: str, now: float) -> Identity:
    """The identity a claim stands for: read-only, its one cooperative. `keys` are the current
    service key and the previous one during a rotation; Forbidden for anything else."""
    body, _, mac = secret[len(SERVICE_CLAIM_PREFIX) :].partition(".")
    if (
        not body
        or not mac
        or not any(key and hmac.compare_digest(mac, _claim_mac(key, body)) for key in keys)
    ):
        raise Forbidden("Unknown credential.")
    try:
        claim = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        target_claimed, cooperative_id, slug, expires = claim["t"], claim["c"], claim["s"], int(claim["e"])
    except (ValueError, KeyError, TypeError):
        raise Forbidden("Unknown credential.") from None
    if target_claimed != target:
        raise Forbidden(f"This service claim was made for {target_claimed}, not {target}.")
    if expires < now - _CLOCK_SKEW_SECONDS:
        raise Forbidden("This service claim has expired.")
    if expires > now + SERVICE_CLAIM_SECONDS + _CLOCK_SKEW_SECONDS:
        raise Forbidden("A service claim lives at most a minute.")
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
