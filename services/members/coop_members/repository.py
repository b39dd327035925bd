"""Every query of the members service. A member, activity or key is always looked up within one
cooperative, so a key of one cooperative never reaches another's rows."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coop_members.orm import (
    Activity,
    ApiKey,
    Appointment,
    CoachingNote,
    ContributionRate,
    Cooperative,
    Document,
    DocumentNotice,
    Enrolment,
    Member,
    MemberStatus,
    NoteRead,
    PhaseChange,
    Programme,
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

    # Accompaniment (docs/domain/accompaniment.md)

    def programme(self, cooperative_id: str, programme_id: str, for_update=False) -> Programme:
        return self.one_of_cooperative(Programme, cooperative_id, programme_id, "programme", for_update)

    def programme_named(self, cooperative_id: str, name: str) -> Programme | None:
        return self.session.scalars(
            sa.select(Programme).where(Programme.cooperative_id == cooperative_id, Programme.name == name)
        ).first()

    def programmes(self, cooperative_id: str) -> list[Programme]:
        return self.session.scalars(
            sa.select(Programme).where(Programme.cooperative_id == cooperative_id).order_by(Programme.name)
        ).all()

    def staff_key(self, cooperative_id: str, key_id: str) -> ApiKey | None:
        """A live staff or admin key of the cooperative (a coach), else None."""
        key = self.session.get(ApiKey, str(key_id))
        if key is None or key.cooperative_id != cooperative_id or key.revoked_at is not None:
            return None
        return key if key.role in ("staff", "admin") else None

    def enrolment(self, cooperative_id: str, enrolment_id: str, for_update=False) -> Enrolment:
        return self.one_of_cooperative(Enrolment, cooperative_id, enrolment_id, "enrolment", for_update)

    def enrolment_by_id(self, enrolment_id: str) -> Enrolment:
        """An enrolment found from one of its own rows (an appointment)."""
        return self.session.get(Enrolment, enrolment_id)

    def enrolment_of(self, programme_id: str, member_id: str) -> Enrolment | None:
        return self.session.scalars(
            sa.select(Enrolment).where(
                Enrolment.programme_id == programme_id, Enrolment.member_id == member_id
            )
        ).first()

    def enrolments_in(self, programme_id: str) -> list[Enrolment]:
        return self.session.scalars(
            sa.select(Enrolment).where(Enrolment.programme_id == programme_id).order_by(Enrolment.created_at)
        ).all()

    def enrolments_of_member(self, member_id: str) -> list[Enrolment]:
        return self.session.scalars(sa.select(Enrolment).where(Enrolment.member_id == member_id)).all()

    def active_enrolments(self, programme_id: str) -> int:
        """Enrolments of the programme that have not exited (what capacity counts)."""
        return self.session.scalar(
            sa.select(sa.func.count(Enrolment.id)).where(
                Enrolment.programme_id == programme_id, Enrolment.phase != "exit"
            )
        )

    def phase_history(self, enrolment_id: str) -> list[PhaseChange]:
        return self.session.scalars(
            sa.select(PhaseChange)
            .where(PhaseChange.enrolment_id == enrolment_id)
            .order_by(PhaseChange.effective_on, PhaseChange.created_at)
        ).all()

    def appointments_of(self, enrolment_id: str) -> list[Appointment]:
        return self.session.scalars(
            sa.select(Appointment)
            .where(Appointment.enrolment_id == enrolment_id)
            .order_by(Appointment.starts_at)
        ).all()

    def appointment_at(self, enrolment_id: str, starts_at, title: str) -> Appointment | None:
        return self.session.scalars(
            sa.select(Appointment).where(
                Appointment.enrolment_id == enrolment_id,
                Appointment.starts_at == starts_at,
                Appointment.title == title,
            )
        ).first()

    def appointments_to_remind(self, now, horizon) -> list[str]:
        """Ids of the appointments starting between `now` and `horizon` not yet announced."""
        return self.session.scalars(
            sa.select(Appointment.id).where(
                Appointment.reminded_at.is_(None),
                Appointment.starts_at >= now,
                Appointment.starts_at <= horizon,
            )
        ).all()

    def appointment_for_update(self, appointment_id: str) -> Appointment:
        return self.session.get(Appointment, appointment_id, with_for_update=True)

    def appointment(self, appointment_id: str) -> Appointment:
        found = self.session.get(Appointment, str(appointment_id))
        if found is None:
            raise NotFound(f"No appointment '{appointment_id}'.")
        return found

    def coaching_notes(self, enrolment_id: str) -> list[CoachingNote]:
        return self.session.scalars(
            sa.select(CoachingNote)
            .where(CoachingNote.enrolment_id == enrolment_id)
            .order_by(CoachingNote.created_at)
        ).all()

    def note_reads(self, enrolment_id: str) -> list[NoteRead]:
        return self.session.scalars(
            sa.select(NoteRead).where(NoteRead.enrolment_id == enrolment_id).order_by(NoteRead.read_at)
        ).all()

    def api_key_labels(self, key_ids) -> dict[str, str]:
        ids = [k for k in key_ids if k]
        if not ids:
            return {}
        return dict(self.session.execute(sa.select(ApiKey.id, ApiKey.label).where(ApiKey.id.in_(ids))).all())

    def contribution_rates(self, activity_id: str) -> list[ContributionRate]:
        return self.session.scalars(
            sa.select(ContributionRate)
            .where(ContributionRate.activity_id == activity_id)
            .order_by(ContributionRate.valid_from)
        ).all()
