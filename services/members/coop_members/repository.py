"""Every query of the members service. A member, activity or key is always looked up within one
cooperative, so a key of one cooperative never reaches another's rows."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coop_members.orm import (
    Activity,
    ApiKey,
    Cooperative,
    Document,
    DocumentNotice,
    Member,
    MemberStatus,
)
from coop_shared.errors import NotFound
from coop_shared.storage.repository import Repository


class MembersRepository(Repository):
    """Cooperatives, their keys, members, activities, status history and documents."""

    # Cooperatives

    def slug_taken(self, slug: str) -> bool:
        return (
            self.session.scalars(sa.select(Cooperative.id).where(Cooperative.slug == slug)).first()
            is not None
        )

    def cooperative_by_slug(self, slug: str, for_update=False) -> Cooperative:
        query = sa.select(Cooperative).where(Cooperative.slug == slug)
        if for_update:
            query = query.with_for_update()
        cooperative = self.session.scalars(query).first()
        if cooperative is None:
            raise NotFound(f"No cooperative '{slug}'.")
        return cooperative

    def cooperative_by_id(self, cooperative_id: str, for_update=False) -> Cooperative:
        """The cooperative of a row already found (it exists: foreign keys say so)."""
        query = sa.select(Cooperative).where(Cooperative.id == cooperative_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one()

    # API keys

    def api_key_by_hash(self, secret_hash: str) -> ApiKey | None:
        return self.session.scalars(sa.select(ApiKey).where(ApiKey.secret_hash == secret_hash)).first()

    def api_key(self, key_id: str) -> ApiKey:
        """Any cooperative's key: the handler decides whether the caller may see it."""
        found = self.session.get(ApiKey, str(key_id))
        if found is None:
            raise NotFound(f"No API key '{key_id}'.")
        return found

    # Members and activities

    def member(self, cooperative_id: str, member_id: str) -> Member:
        return self.one_of_cooperative(Member, cooperative_id, member_id, "member")

    def member_by_id(self, member_id: str) -> Member:
        """A member found from one of its own rows (a document), whatever the cooperative."""
        return self.session.get(Member, member_id)

    def members(self, cooperative_id: str, lifecycle=None, q=None, limit=50, offset=0):
        """(page of members, total), by name; `q` matches first name, last name or email."""
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
        return self.page(query, (Member.last_name, Member.first_name, Member.id), limit, offset)

    def activity(self, cooperative_id: str, activity_id: str) -> Activity:
        return self.one_of_cooperative(Activity, cooperative_id, activity_id, "activity")

    def activities_of(self, cooperative_id: str, member_id: str) -> list[Activity]:
        return self.session.scalars(
            sa.select(Activity)
            .where(Activity.cooperative_id == cooperative_id, Activity.member_id == member_id)
            .order_by(Activity.code)
        ).all()

    # Status model history

    def status_history(self, member_id: str) -> list[MemberStatus]:
        """A member's status periods, oldest first."""
        return self.session.scalars(
            sa.select(MemberStatus)
            .where(MemberStatus.member_id == member_id)
            .order_by(MemberStatus.valid_from)
        ).all()

    # Documents

    def documents_of(self, member_id: str) -> list[Document]:
        return self.session.scalars(sa.select(Document).where(Document.member_id == member_id)).all()

    def expiring_document_ids(self, today: date, horizon: date) -> list[str]:
        """Ids of the documents expiring between `today` and `horizon`, both included."""
        return self.session.scalars(
            sa.select(Document.id).where(
                Document.valid_until.is_not(None),
                Document.valid_until >= today,
                Document.valid_until <= horizon,
            )
        ).all()

    def document_for_update(self, document_id: str) -> Document:
        """The document, locked until the end of the transaction (one reminder per threshold
        even when two checks run at once)."""
        return self.session.get(Document, document_id, with_for_update=True)

    def notices_sent(self, document_id: str) -> set[int]:
        """The thresholds (days before expiry) already announced for a document."""
        return set(
            self.session.scalars(
                sa.select(DocumentNotice.days_before).where(DocumentNotice.document_id == document_id)
            )
        )
