"""API keys of a cooperative: issued and revoked by its admin (or the platform), resolved to the
caller's identity on every call (members owns the credentials)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coop_members.handlers.cooperatives import administered_cooperative
from coop_members.orm import ApiKey
from coop_members.views import api_key_out
from coop_shared import audit
from coop_shared.credentials import (
    ADMIN,
    AUDITOR,
    PLATFORM,
    Identity,
    acting_cooperative,
    hash_secret,
    new_secret,
    require_role,
)
from coop_shared.errors import Forbidden, NotFound, ValidationError
from coop_shared.storage.types import utcnow

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork


def issue_api_key(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """A new key; its secret is in this answer only (only its hash is stored)."""
    cooperative = administered_cooperative(uow, identity, data["cooperative"])
    member_id = str(data["member_id"]) if data.get("member_id") else None
    if member_id:
        uow.repo.member(cooperative.id, member_id)  # a member key names a member of this cooperative
    secret = new_secret()
    key = ApiKey(
        cooperative_id=cooperative.id,
        role=data["role"],
        label=data["label"],
        member_id=member_id,
        secret_hash=hash_secret(secret),
        issued_by=audit.actor(identity),
    )
    uow.repo.add(key)
    uow.repo.flush()
    audit.record(
        uow,
        identity,
        "members.api_key_issued",
        key.id,
        {"role": key.role, "label": key.label, "member_id": member_id},
        cooperative_id=cooperative.id,
        cooperative=cooperative.slug,
    )
    return api_key_out(key, cooperative.slug, secret=secret)


def list_api_keys(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """{"items", "total"}: every key of the cooperative, revoked ones included unless `revoked`
    says otherwise, oldest first; never a secret (only its hash is stored, and it is not shown)."""
    require_role(identity, PLATFORM, ADMIN, AUDITOR)
    if identity.is_platform:
        if not data.get("cooperative"):
            raise ValidationError(fields={"cooperative": ["The platform names the cooperative."]})
        cooperative = uow.repo.cooperative_by_slug(data["cooperative"])
    else:
        cooperative = uow.repo.cooperative_by_id(acting_cooperative(identity, data.get("cooperative")))
    keys, total = uow.repo.api_keys(cooperative.id, data["limit"], data["offset"], data.get("revoked"))
    return {"items": [api_key_out(key, cooperative.slug) for key in keys], "total": total}


def revoke_api_key(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """Revoking twice is allowed and announced once."""
    require_role(identity, PLATFORM, ADMIN)
    key_id = str(data["id"])
    key = uow.repo.api_key(key_id)
    if not identity.is_platform and key.cooperative_id != identity.cooperative_id:
        raise NotFound(f"No API key '{key_id}'.")
    cooperative = uow.repo.cooperative_by_id(key.cooperative_id)
    revoke(uow, identity, key, cooperative, "revoked")
    return dict(api_key_out(key, cooperative.slug), revoked=True)


def revoke(
    uow: UnitOfWork[MembersRepository], identity: Identity, key: ApiKey, cooperative, why: str
) -> None:
    """Revoke `key` now (once): every service's credential cache is told to forget it, and the
    audit log says who did it and why (`revoked`, or `member_exited`)."""
    if key.revoked_at is not None:
        return
    key.revoked_at, key.revoked_by = utcnow(), audit.actor(identity)
    # Broadcast to every service's credential cache (not mandatory: with no other service
    # running there is no cache to clear; each service's queue for it is durable).
    uow.emit("api_key_revoked", cooperative.id, cooperative.slug, {"key_id": key.id})
    audit.record(
        uow,
        identity,
        "members.api_key_revoked",
        key.id,
        {"role": key.role, "label": key.label, "member_id": key.member_id, "why": why},
        cooperative_id=cooperative.id,
        cooperative=cooperative.slug,
    )


def revoke_member_keys(uow: UnitOfWork[MembersRepository], identity: Identity, member, cooperative) -> int:
    """An exited member's keys stop working at once (docs/adr/021-nothing-run-twice-and-the-trail.md)."""
    keys = uow.repo.live_keys_of_member(member.cooperative_id, member.id)
    for key in keys:
        revoke(uow, identity, key, cooperative, "member_exited")
    return len(keys)


def identity_for_secret(uow: UnitOfWork[MembersRepository], secret: str) -> Identity:
    """Who a secret speaks for, read from the stored hash; Forbidden if unknown or revoked."""
    key = uow.repo.api_key_by_hash(hash_secret(secret))
    if key is None or key.revoked_at is not None:
        raise Forbidden("Unknown or revoked credential.")
    cooperative = uow.repo.cooperative_by_id(key.cooperative_id)
    return Identity(
        role=key.role,
        cooperative_id=cooperative.id,
        cooperative=cooperative.slug,
        member_id=key.member_id,
        key_id=key.id,
    )
