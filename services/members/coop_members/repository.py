"""Queries of the members service; every member or activity query is scoped to one cooperative."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coop_members.orm import Activity, ApiKey, Cooperative, Member
from coop_shared.errors import NotFound
from coop_shared.storage.paging import page
from coop_shared.storage.scoped import one_of_cooperative


def cooperative_by_slug(session: Session, slug: str, for_update=False) -> Cooperative:
    query = sa.select(Cooperative).where(Cooperative.slug == slug)
    if for_update:
        query = query.with_for_update()
    cooperative = session.scalars(query).first()
    if cooperative is None:
        raise NotFound(f"No cooperative '{slug}'.")
    return cooperative


def cooperative_by_id(session: Session, cooperative_id: str, for_update=False) -> Cooperative:
    query = sa.select(Cooperative).where(Cooperative.id == cooperative_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one()


def member(session: Session, cooperative_id: str, member_id: str) -> Member:
    return one_of_cooperative(session, Member, cooperative_id, member_id, "member")


def members(session: Session, cooperative_id: str, lifecycle=None, q=None, limit=50, offset=0):
    query = sa.select(Member).where(Member.cooperative_id == cooperative_id)
    if lifecycle:
        query = query.where(Member.lifecycle == lifecycle)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Member.first_name).like(pattern),
                sa.func.lower(Member.last_name).like(pattern),
                sa.func.lower(Member.email).like(pattern),
            )
        )
    return page(session, query, (Member.last_name, Member.first_name, Member.id), limit, offset)


def activities_of(session: Session, cooperative_id: str, member_id: str):
    return session.scalars(
        sa.select(Activity)
        .where(Activity.cooperative_id == cooperative_id, Activity.member_id == member_id)
        .order_by(Activity.code)
    ).all()


def api_key_by_hash(session: Session, secret_hash: str):
    return session.scalars(sa.select(ApiKey).where(ApiKey.secret_hash == secret_hash)).first()


def api_key(session: Session, key_id: str) -> ApiKey:
    found = session.get(ApiKey, str(key_id))
    if found is None:
        raise NotFound(f"No API key '{key_id}'.")
    return found


def activity(session: Session, cooperative_id: str, activity_id: str) -> Activity:
    return one_of_cooperative(session, Activity, cooperative_id, activity_id, "activity")
