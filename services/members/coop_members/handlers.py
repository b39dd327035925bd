"""Use cases of the members service: each takes the unit of work, the caller's identity and a
validated payload, applies the rules, stores, and records its events in the outbox."""

from coop_members import repository as repo
from coop_members.domain.tenancy import activity_code
from coop_members.orm import Activity, ApiKey, Cooperative, Member
from coop_members.schemas import activity_out, api_key_out, cooperative_out, member_out
from coop_members.status import member_view
from coop_shared.credentials import (
    ADMIN,
    MEMBER,
    OPERATORS,
    PLATFORM,
    READERS,
    Identity,
    acting_cooperative,
    hash_secret,
    may_see_member,
    new_secret,
    require_role,
)
from coop_shared.dates import brussels_today
from coop_shared.errors import Conflict, Forbidden, NotFound
from coop_shared.storage.types import utcnow


def create_cooperative(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, PLATFORM)
    session = uow.session
    if session.query(Cooperative.id).filter_by(slug=data["slug"]).first():
        raise Conflict(f"A cooperative '{data['slug']}' already exists.", {"slug": data["slug"]})
    cooperative = Cooperative(**data, next_activity_number=1)
    session.add(cooperative)
    session.flush()
    uow.emit(
        "cooperative_created",
        cooperative.id,
        cooperative.slug,
        {"cooperative_id": cooperative.id, "slug": cooperative.slug, "name": cooperative.name},
    )
    return cooperative_out(cooperative)


def get_cooperative(uow, identity: Identity, slug: str) -> dict:
    if not identity.is_platform and slug != identity.cooperative:
        raise NotFound(f"No cooperative '{slug}'.")
    return cooperative_out(repo.cooperative_by_slug(uow.session, slug))


def _administered_cooperative(uow, identity: Identity, slug: str) -> Cooperative:
    require_role(identity, PLATFORM, ADMIN)
    if not identity.is_platform and slug != identity.cooperative:
        raise NotFound(f"No cooperative '{slug}'.")
    return repo.cooperative_by_slug(uow.session, slug)


def issue_api_key(uow, identity: Identity, data: dict) -> dict:
    cooperative = _administered_cooperative(uow, identity, data["cooperative"])
    member_id = str(data["member_id"]) if data.get("member_id") else None
    if member_id:
        repo.member(uow.session, cooperative.id, member_id)
    secret = new_secret()
    key = ApiKey(
        cooperative_id=cooperative.id,
        role=data["role"],
        label=data["label"],
        member_id=member_id,
        secret_hash=hash_secret(secret),
    )
    uow.session.add(key)
    uow.session.flush()
    return api_key_out(key, cooperative.slug, secret=secret)


def revoke_api_key(uow, identity: Identity, key_id: str) -> dict:
    require_role(identity, PLATFORM, ADMIN)
    key = repo.api_key(uow.session, key_id)
    if not identity.is_platform and key.cooperative_id != identity.cooperative_id:
        raise NotFound(f"No API key '{key_id}'.")
    cooperative = repo.cooperative_by_id(uow.session, key.cooperative_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        # Broadcast to every service's credential cache (not mandatory: with no other
        # service running there is no cache to clear).
        uow.emit("api_key_revoked", cooperative.id, cooperative.slug, {"key_id": key.id})
    return dict(api_key_out(key, cooperative.slug), revoked=True)


def identity_for_secret(uow, secret: str) -> Identity:
    key = repo.api_key_by_hash(uow.session, hash_secret(secret))
    if key is None or key.revoked_at is not None:
        raise Forbidden("Unknown or revoked credential.")
    cooperative = repo.cooperative_by_id(uow.session, key.cooperative_id)
    return Identity(
        role=key.role,
        cooperative_id=cooperative.id,
        cooperative=cooperative.slug,
        member_id=key.member_id,
        key_id=key.id,
    )


def register_member(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    member = Member(cooperative_id=cooperative_id, lifecycle="candidate", **data)
    uow.session.add(member)
    uow.session.flush()
    uow.emit(
        "member_registered",
        cooperative_id,
        identity.cooperative,
        {
            "member_id": member.id,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "email": member.email,
            "language": member.language,
        },
    )
    return dict(member_out(member), activities=[])


def get_member(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.get("cooperative"))
    member_id = str(data["id"])
    if not may_see_member(identity, member_id):
        raise NotFound(f"No member '{member_id}'.")
    member = repo.member(uow.session, cooperative_id, member_id)
    activities = repo.activities_of(uow.session, cooperative_id, member_id)
    return dict(
        member_view(uow.session, member, brussels_today()), activities=[activity_out(a) for a in activities]
    )


def list_members(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    if identity.role == MEMBER:
        own = repo.member(uow.session, cooperative_id, identity.member_id)
        return {"items": [member_out(own)], "total": 1}
    items, total = repo.members(uow.session, cooperative_id, **data)
    return {"items": [member_out(m) for m in items], "total": total}


def add_activity(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    member = repo.member(uow.session, cooperative_id, str(data.pop("member_id")))
    # The row lock serialises code allocation per cooperative (unique codes under concurrency).
    cooperative = repo.cooperative_by_id(uow.session, cooperative_id, for_update=True)
    number = cooperative.next_activity_number
    cooperative.next_activity_number = number + 1
    activity = Activity(
        cooperative_id=cooperative_id, member_id=member.id, code=activity_code(number), **data
    )
    uow.session.add(activity)
    uow.session.flush()
    uow.emit(
        "activity_created",
        cooperative_id,
        identity.cooperative,
        {"activity_id": activity.id, "member_id": member.id, "code": activity.code, "name": activity.name},
    )
    return activity_out(activity)


def get_activity(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.get("cooperative"))
    activity = repo.activity(uow.session, cooperative_id, str(data["id"]))
    if not may_see_member(identity, activity.member_id):
        raise NotFound(f"No activity '{data['id']}'.")
    return activity_out(activity)
