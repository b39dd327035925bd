"""API keys of a cooperative: issued and revoked by its admin (or the platform), resolved to the
caller's identity on every call (members owns the credentials)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coop_members.handlers.cooperatives import administered_cooperative
from coop_members.orm import ApiKey
from coop_members.views import api_key_out
from coop_shared.credentials import ADMIN, PLATFORM, Identity, hash_secret, new_secret, require_role
from coop_shared.errors import Forbidden, NotFound
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
    )
    uow.repo.add(key)
    uow.repo.flush()
    return api_key_out(key, cooperative.slug, secret=secret)


def revoke_api_key(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """Revoking twice is allowed and announced once."""
    require_role(identity, PLATFORM, ADMIN)
    key_id = str(data["id"])
    key = uow.repo.api_key(key_id)
    if not identity.is_platform and key.cooperative_id != identity.cooperative_id:
        raise NotFound(f"No API key '{key_id}'.")
    cooperative = uow.repo.cooperative_by_id(key.cooperative_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        # Broadcast to every service's credential cache (not mandatory: with no other
        # service running there is no cache to clear).
        uow.emit("api_key_revoked", cooperative.id, cooperative.slug, {"key_id": key.id})
    return dict(api_key_out(key, cooperative.slug), revoked=True)


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
