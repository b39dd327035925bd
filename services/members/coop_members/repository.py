"""Every query of the members service. A member, activity or key is always looked up within one
cooperative, so a key of one cooperative never reaches another's rows."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coop_members.orm import (
    AccountLink,
    Activity,
    ApiKey,
    Appointment,
    AuditEntry,
    CoachingNote,
    ContributionRate,
    Cooperative,
    Document,
    DocumentNotice,
    Enrolment,
    LifecycleChange,
    LoginCounter,
    Member,
    MemberChange,
    MemberStatus,
    NoteRead,
    Person,
    PersonRole,
    PersonSession,
    PhaseChange,
    Programme,
    RecoveryCode,
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

    def api_keys(self, cooperative_id: str, limit: int, offset: int, revoked: bool | None = None):
        """(a page of the cooperative's keys, oldest first, total); `revoked` filters if given."""
        query = sa.select(ApiKey).where(ApiKey.cooperative_id == cooperative_id)
        if revoked is not None:
            query = query.where(ApiKey.revoked_at.is_not(None) if revoked else ApiKey.revoked_at.is_(None))
        return self.page(query, (ApiKey.created_at, ApiKey.id), limit, offset)

    def live_keys_of_member(self, cooperative_id: str, member_id: str) -> list[ApiKey]:
        """The member's keys not revoked yet."""
        return list(
            self.session.scalars(
                sa.select(ApiKey).where(
                    ApiKey.cooperative_id == cooperative_id,
                    ApiKey.member_id == member_id,
                    ApiKey.revoked_at.is_(None),
                )
            )
        )

    def audit_entries(self, cooperative_id: str, limit: int, offset: int, **filters):
        """(a page of the cooperative's audit log, newest first, total), filtered by `kind`,
        `service`, `action`, `key_id`, and the instants `since` (inclusive) and `until` (exclusive)."""
        query = sa.select(AuditEntry).where(AuditEntry.cooperative_id == cooperative_id)
        for name in ("kind", "service", "action", "key_id"):
            if filters.get(name):
                query = query.where(getattr(AuditEntry, name) == filters[name])
        if filters.get("since"):
            query = query.where(AuditEntry.occurred_at >= filters["since"])
        if filters.get("until"):
            query = query.where(AuditEntry.occurred_at < filters["until"])
        return self.page(query, (AuditEntry.occurred_at.desc(), AuditEntry.id), limit, offset)

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

    def members(
        self, cooperative_id: str, lifecycle=None, q=None, limit=50, offset=0, national_number_hashes=None
    ):
        """(page of members, total), by name; `q` matches first name, last name or email;
        `national_number_hashes` (the keyed hashes of one number under every key of the ring,
        coop_shared.personal_data) finds the members of that national number."""
        query = sa.select(Member).where(Member.cooperative_id == cooperative_id)
        if lifecycle:
            query = query.where(Member.lifecycle == lifecycle)
        if national_number_hashes is not None:
            query = query.where(Member.national_number_hash.in_(list(national_number_hashes)))
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

    def member_for_update(self, cooperative_id: str, member_id: str) -> Member:
        """The member, locked until the end of the transaction (two rectifications of one
        member write their history one after the other)."""
        return self.one_of_cooperative(Member, cooperative_id, member_id, "member", for_update=True)

    def member_changes(self, member_id: str) -> list[MemberChange]:
        """The rectifications of a member's data, oldest first (values read back in clear)."""
        return self.session.scalars(
            sa.select(MemberChange)
            .where(MemberChange.member_id == member_id)
            .order_by(MemberChange.changed_at, MemberChange.id)
        ).all()

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

    def documents_expiring(
        self, cooperative_id: str, today: date, horizon: date, limit: int, offset: int, member_id=None
    ):
        """(the cooperative's documents expiring from `today` to `horizon`, soonest first, each
        with its member; total). `member_id` narrows to one member's documents."""
        query = (
            sa.select(Document, Member)
            .join(Member, Member.id == Document.member_id)
            .where(
                Document.cooperative_id == cooperative_id,
                Document.valid_until.is_not(None),
                Document.valid_until >= today,
                Document.valid_until <= horizon,
            )
        )
        if member_id is not None:
            query = query.where(Document.member_id == member_id)
        return self.page(query, (Document.valid_until, Document.id), limit, offset, scalars=False)

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

    # Many members at once (a payroll run asks for thousands: one query per table, not per member)

    def members_by_ids(self, cooperative_id: str, member_ids) -> list[Member]:
        """The cooperative's members among `member_ids`; ids of other cooperatives are absent."""
        ids = list(dict.fromkeys(str(i) for i in member_ids))
        if not ids:
            return []
        return self.session.scalars(
            sa.select(Member).where(Member.cooperative_id == cooperative_id, Member.id.in_(ids))
        ).all()

    def activities_of_members(self, cooperative_id: str, member_ids) -> dict[str, list[Activity]]:
        """{member id: its activities by code} of these members."""
        found: dict[str, list[Activity]] = {str(i): [] for i in member_ids}
        rows = self.session.scalars(
            sa.select(Activity)
            .where(Activity.cooperative_id == cooperative_id, Activity.member_id.in_(list(found)))
            .order_by(Activity.code)
        )
        for row in rows:
            found[row.member_id].append(row)
        return found

    def status_histories(self, member_ids) -> dict[str, list[MemberStatus]]:
        """{member id: its status periods, oldest first} of these members."""
        found: dict[str, list[MemberStatus]] = {str(i): [] for i in member_ids}
        rows = self.session.scalars(
            sa.select(MemberStatus)
            .where(MemberStatus.member_id.in_(list(found)))
            .order_by(MemberStatus.valid_from)
        )
        for row in rows:
            found[row.member_id].append(row)
        return found

    def documents_of_members(self, member_ids) -> dict[str, list[Document]]:
        """{member id: its documents} of these members."""
        found: dict[str, list[Document]] = {str(i): [] for i in member_ids}
        for row in self.session.scalars(sa.select(Document).where(Document.member_id.in_(list(found)))):
            found[row.member_id].append(row)
        return found

    # Right of access, retention and erasure (handlers/privacy.py, docs/domain/retention.md)

    def api_keys_of_member(self, member_id: str) -> list[ApiKey]:
        return list(
            self.session.scalars(
                sa.select(ApiKey).where(ApiKey.member_id == member_id).order_by(ApiKey.created_at)
            )
        )

    def lifecycle_changes_of(self, member_id: str) -> list[LifecycleChange]:
        return list(
            self.session.scalars(
                sa.select(LifecycleChange)
                .where(LifecycleChange.member_id == member_id)
                .order_by(LifecycleChange.effective_on, LifecycleChange.created_at)
            )
        )

    def exit_dates(self, cooperative_id: str | None = None) -> dict[str, date]:
        """{member id: the day it exited} of every exited member (of one cooperative, or all)."""
        query = (
            sa.select(LifecycleChange.member_id, sa.func.max(LifecycleChange.effective_on))
            .join(Member, Member.id == LifecycleChange.member_id)
            .where(LifecycleChange.to_state == "exited", Member.lifecycle == "exited")
            .group_by(LifecycleChange.member_id)
        )
        if cooperative_id is not None:
            query = query.where(Member.cooperative_id == cooperative_id)
        return {member_id: day for member_id, day in self.session.execute(query)}

    def members_with_ids(self, member_ids) -> list[Member]:
        return list(self.session.scalars(sa.select(Member).where(Member.id.in_(list(member_ids)))))

    def enrolment_ends(self, cooperative_id: str | None = None) -> dict[str, tuple[Enrolment, date | None]]:
        """{enrolment id: (enrolment, the day it reached the exit phase or None)}."""
        ended = dict(
            self.session.execute(
                sa.select(PhaseChange.enrolment_id, sa.func.max(PhaseChange.effective_on))
                .where(PhaseChange.phase == "exit")
                .group_by(PhaseChange.enrolment_id)
            ).all()
        )
        query = sa.select(Enrolment)
        if cooperative_id is not None:
            query = query.where(Enrolment.cooperative_id == cooperative_id)
        return {e.id: (e, ended.get(e.id)) for e in self.session.scalars(query)}

    def delete_enrolment_notes(self, enrolment_id: str) -> int:
        """Delete the enrolment's coaching notes and the log of their reads; how many notes."""
        notes = self.session.execute(
            sa.delete(CoachingNote).where(CoachingNote.enrolment_id == enrolment_id)
        ).rowcount
        self.session.execute(sa.delete(NoteRead).where(NoteRead.enrolment_id == enrolment_id))
        return notes

    def count_enrolment_notes(self, enrolment_id: str) -> int:
        return self.session.execute(
            sa.select(sa.func.count())
            .select_from(CoachingNote)
            .where(CoachingNote.enrolment_id == enrolment_id)
        ).scalar()

    def delete_documents_of(self, member_id: str) -> int:
        """Delete the member's identity and right-to-work documents (and their reminders sent)."""
        ids = [d.id for d in self.documents_of(member_id)]
        if not ids:
            return 0
        self.session.execute(sa.delete(DocumentNotice).where(DocumentNotice.document_id.in_(ids)))
        return self.session.execute(sa.delete(Document).where(Document.id.in_(ids))).rowcount

    def revoked_keys_before(self, revoked_before) -> list[ApiKey]:
        return list(
            self.session.scalars(
                sa.select(ApiKey).where(ApiKey.revoked_at.is_not(None), ApiKey.revoked_at < revoked_before)
            )
        )

    # Accounts for people (docs/adr/024-accounts-for-people.md)

    def person_by_email(self, email: str, for_update=False) -> Person | None:
        query = sa.select(Person).where(Person.email == email)
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def person(self, person_id: str, for_update=False) -> Person:
        query = sa.select(Person).where(Person.id == person_id)
        found = self.session.scalars(query.with_for_update() if for_update else query).first()
        if found is None:
            raise NotFound(f"No person '{person_id}'.")
        return found

    def person_roles(self, person_id: str) -> list[PersonRole]:
        return list(
            self.session.scalars(
                sa.select(PersonRole).where(PersonRole.person_id == person_id).order_by(PersonRole.granted_at)
            )
        )

    def person_role(self, person_id: str, cooperative_id: str) -> PersonRole | None:
        return self.session.scalars(
            sa.select(PersonRole).where(
                PersonRole.person_id == person_id, PersonRole.cooperative_id == cooperative_id
            )
        ).first()

    def cooperatives_by_ids(self, cooperative_ids) -> dict[str, Cooperative]:
        rows = self.session.scalars(sa.select(Cooperative).where(Cooperative.id.in_(list(cooperative_ids))))
        return {row.id: row for row in rows}

    def account_link_by_hash(self, token_hash: str) -> AccountLink | None:
        return self.session.scalars(
            sa.select(AccountLink).where(AccountLink.token_hash == token_hash).with_for_update()
        ).first()

    def open_links(self, person_id: str, kind: str) -> list[AccountLink]:
        return list(
            self.session.scalars(
                sa.select(AccountLink).where(
                    AccountLink.person_id == person_id,
                    AccountLink.kind == kind,
                    AccountLink.used_at.is_(None),
                )
            )
        )

    def session_by_hash(self, token_hash: str) -> PersonSession | None:
        return self.session.scalars(
            sa.select(PersonSession).where(PersonSession.token_hash == token_hash)
        ).first()

    def live_sessions(self, person_id: str) -> list[PersonSession]:
        return list(
            self.session.scalars(
                sa.select(PersonSession)
                .where(PersonSession.person_id == person_id, PersonSession.ended_at.is_(None))
                .order_by(PersonSession.created_at)
            )
        )

    def login_counter(self, key: str) -> LoginCounter | None:
        return self.session.get(LoginCounter, key, with_for_update=True)

    def recovery_codes(self, person_id: str) -> list[RecoveryCode]:
        return list(self.session.scalars(sa.select(RecoveryCode).where(RecoveryCode.person_id == person_id)))

    def delete_recovery_codes(self, person_id: str) -> None:
        self.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.person_id == person_id))
