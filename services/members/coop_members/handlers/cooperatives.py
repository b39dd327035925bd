"""Cooperatives: the platform creates them; a cooperative's own keys read it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coop_members.orm import Cooperative
from coop_members.views import cooperative_out
from coop_shared import audit
from coop_shared.credentials import ADMIN, PLATFORM, Identity, require_role
from coop_shared.errors import Conflict, NotFound

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork


def create_cooperative(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    require_role(identity, PLATFORM)
    if uow.repo.slug_taken(data["slug"]):
        raise Conflict(f"A cooperative '{data['slug']}' already exists.", {"slug": data["slug"]})
    cooperative = Cooperative(**data, next_activity_number=1)
    uow.repo.add(cooperative)
    uow.repo.flush()
    uow.emit(
        "cooperative_created",
        cooperative.id,
        cooperative.slug,
        {"cooperative_id": cooperative.id, "slug": cooperative.slug, "name": cooperative.name},
    )
    audit.record(
        uow,
        identity,
        "members.cooperative_created",
        cooperative.id,
        {"slug": cooperative.slug},
        cooperative_id=cooperative.id,
        cooperative=cooperative.slug,
    )
    return cooperative_out(cooperative)


def update_cooperative(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """The platform, or the cooperative's admin, sets what may change after creation."""
    slug = data.get("cooperative") or identity.cooperative
    cooperative = administered_cooperative(uow, identity, slug)
    cooperative.onss_number = data["onss_number"]
    uow.repo.flush()
    # Billing keeps cooperatives for a few minutes (coop_billing.clients): told at once.
    uow.emit(
        "cooperative_changed",
        cooperative.id,
        cooperative.slug,
        {"cooperative_id": cooperative.id, "slug": cooperative.slug, "changed": ["onss_number"]},
    )
    audit.record(
        uow,
        identity,
        "members.cooperative_settings_changed",
        cooperative.id,
        {"changed": ["onss_number"]},
        cooperative_id=cooperative.id,
        cooperative=cooperative.slug,
    )
    return cooperative_out(cooperative)


def get_cooperative(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    return cooperative_out(visible_cooperative(uow, identity, data["slug"]))


def administered_cooperative(
    uow: UnitOfWork[MembersRepository], identity: Identity, slug: str
) -> Cooperative:
    """The cooperative `slug` if the caller administers it: the platform any, an admin its own."""
    require_role(identity, PLATFORM, ADMIN)
    return visible_cooperative(uow, identity, slug)


def visible_cooperative(uow: UnitOfWork[MembersRepository], identity: Identity, slug: str) -> Cooperative:
    """Another cooperative reads as missing: a key learns nothing of the others, not even that
    they exist (docs/rpc-contract.md, credentials and roles)."""
    if not identity.is_platform and slug != identity.cooperative:
        raise NotFound(f"No cooperative '{slug}'.")
    return uow.repo.cooperative_by_slug(slug)
