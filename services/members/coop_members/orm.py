"""Tables of the members service (its own database; no other service reads it)."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from coop_members.domain.lifecycle import Lifecycle
from coop_shared import personal_data
from coop_shared.storage.messaging_tables import idempotency_table, inbox_table, outbox_table
from coop_shared.storage.types import EncryptedString, EncryptedText, IdColumn, RateColumn, new_id, utcnow


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)


class Cooperative(Base):
    __tablename__ = "cooperatives"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    legal_form: Mapped[str | None] = mapped_column(sa.String(20))  # e.g. "SC", "SCRL" (CSA art. 2:20)
    register: Mapped[str | None] = mapped_column(sa.String(60))  # e.g. "RPM Bruxelles" (CSA art. 2:20)
    enterprise_number: Mapped[str] = mapped_column(sa.String(10))
    # The employer's ONSS registration number, a mandatory mention of every payslip (law of
    # 12 April 1965 art. 15, docs/domain/payroll-employees.md); only cooperatives that employ.
    onss_number: Mapped[str | None] = mapped_column(sa.String(12))
    vat_number: Mapped[str] = mapped_column(sa.String(14))
    iban: Mapped[str] = mapped_column(sa.String(34))
    bic: Mapped[str | None] = mapped_column(sa.String(11))
    address: Mapped[dict] = mapped_column(sa.JSON)
    email: Mapped[str] = mapped_column(sa.String(254))
    languages: Mapped[list] = mapped_column(sa.JSON)
    status_models: Mapped[list] = mapped_column(sa.JSON)
    contribution_rate: Mapped[Decimal] = mapped_column(RateColumn)
    payment_terms_days: Mapped[int] = mapped_column(sa.Integer, default=30)
    next_activity_number: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    label: Mapped[str] = mapped_column(sa.String(200))
    member_id: Mapped[str | None] = mapped_column(sa.ForeignKey("members.id"))
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Who issued and who revoked it: a key id, or "platform" (coop_shared.audit.actor)
    issued_by: Mapped[str | None] = mapped_column(sa.String(60))
    revoked_by: Mapped[str | None] = mapped_column(sa.String(60))


class Member(Base):
    __tablename__ = "members"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(2))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    # The national register or BIS number, sealed at rest; its keyed hash finds a number without
    # decrypting every row (docs/adr/017-personal-data-at-rest-and-rectification.md).
    national_number: Mapped[str | None] = mapped_column(EncryptedString("members.national_number"))
    national_number_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    nationality: Mapped[str | None] = mapped_column(sa.String(2))
    iban: Mapped[str | None] = mapped_column(sa.String(34))
    address: Mapped[dict | None] = mapped_column(sa.JSON)
    lifecycle: Mapped[str] = mapped_column(sa.String(20), default=Lifecycle.CANDIDATE)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    @validates("national_number")
    def _hash_national_number(self, key, value):
        self.national_number_hash = personal_data.keyring().index(value)
        return value


class MemberChange(Base):
    """One field of a member rectified (GDPR art. 16): who, when, the old and the new value,
    both sealed (they are the person's data, national numbers included)."""

    __tablename__ = "member_changes"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"), index=True)
    member_id: Mapped[str] = mapped_column(sa.ForeignKey("members.id"), index=True)
    field: Mapped[str] = mapped_column(sa.String(40))
    old_value: Mapped[str | None] = mapped_column(EncryptedText("member_changes.value"))
    new_value: Mapped[str | None] = mapped_column(EncryptedText("member_changes.value"))
    changed_by_key_id: Mapped[str | None] = mapped_column(sa.String(36))
    changed_by_role: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "code"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"), index=True)
    member_id: Mapped[str] = mapped_column(sa.ForeignKey("members.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    sector: Mapped[str | None] = mapped_column(sa.String(100))
    trade_name: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class MemberStatus(Base):
    """One period of a member under a status model (history: rows never overlap)."""

    __tablename__ = "member_statuses"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"), index=True)
    member_id: Mapped[str] = mapped_column(sa.ForeignKey("members.id"), index=True)
    status_model: Mapped[str] = mapped_column(sa.String(40))
    parameters: Mapped[dict] = mapped_column(sa.JSON)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class LifecycleChange(Base):
    __tablename__ = "lifecycle_changes"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(sa.ForeignKey("members.id"), index=True)
    from_state: Mapped[str] = mapped_column(sa.String(20))
    to_state: Mapped[str] = mapped_column(sa.String(20))
    effective_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Document(Base):
    """An identity or right-to-work document; its expiry date drives reminders and checks."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"), index=True)
    member_id: Mapped[str] = mapped_column(sa.ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    reference: Mapped[str] = mapped_column(sa.String(100))
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date, index=True)
    labour_market: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class DocumentNotice(Base):
    """One `document_expiring` per document and threshold (30 and 7 days)."""

    __tablename__ = "document_notices"
    document_id: Mapped[str] = mapped_column(sa.ForeignKey("documents.id"), primary_key=True)
    days_before: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


# Accompaniment of newcomers (docs/domain/accompaniment.md). Coaches are staff API keys of the
# cooperative, named by key id (docs/adr/ on accompaniment): staff are not members.


class Programme(Base):
    """An accompaniment programme of a cooperative, with its phases, funders and capacity."""

    __tablename__ = "programmes"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "name"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    phases: Mapped[list] = mapped_column(sa.JSON)
    funders: Mapped[list] = mapped_column(sa.JSON)
    eligibility: Mapped[list] = mapped_column(sa.JSON)
    capacity: Mapped[int] = mapped_column(sa.Integer)
    coach_key_ids: Mapped[list] = mapped_column(sa.JSON)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Enrolment(Base):
    """A member on a programme: phase, coach, needs, the profile at entry and at exit."""

    __tablename__ = "enrolments"
    __table_args__ = (sa.UniqueConstraint("programme_id", "member_id"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"), index=True)
    programme_id: Mapped[str] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    member_id: Mapped[str] = mapped_column(sa.ForeignKey("members.id"), index=True)
    coach_key_id: Mapped[str] = mapped_column(sa.ForeignKey("api_keys.id"))
    phase: Mapped[str] = mapped_column(sa.String(20))
    language: Mapped[str] = mapped_column(sa.String(2))
    interpreter: Mapped[str | None] = mapped_column(sa.String(60))
    entry_profile: Mapped[dict] = mapped_column(sa.JSON)
    exit_profile: Mapped[dict | None] = mapped_column(sa.JSON)
    exit_outcome: Mapped[str | None] = mapped_column(sa.String(30))
    goals: Mapped[list] = mapped_column(sa.JSON)
    milestones: Mapped[list] = mapped_column(sa.JSON)
    protection_applied_on: Mapped[date | None] = mapped_column(sa.Date)
    first_decision_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PhaseChange(Base):
    """One phase of an enrolment from a date (the history, oldest first)."""

    __tablename__ = "phase_changes"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    enrolment_id: Mapped[str] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    phase: Mapped[str] = mapped_column(sa.String(20))
    effective_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Appointment(Base):
    """A coaching appointment or a workshop, with its attendance once recorded."""

    __tablename__ = "appointments"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "starts_at", "title"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    enrolment_id: Mapped[str] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    duration_minutes: Mapped[int] = mapped_column(sa.Integer)
    attended: Mapped[bool | None] = mapped_column(sa.Boolean)
    # When `appointment_due` was emitted (once, ahead of the appointment).
    reminded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class CoachingNote(Base):
    """A coach's note on an enrolment: read by the coach and admins only."""

    __tablename__ = "coaching_notes"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    enrolment_id: Mapped[str] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    author_key_id: Mapped[str] = mapped_column(sa.ForeignKey("api_keys.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class NoteRead(Base):
    """Each attempt to read an enrolment's notes: who, when, and whether it was granted."""

    __tablename__ = "note_reads"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    enrolment_id: Mapped[str] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    reader_key_id: Mapped[str | None] = mapped_column(sa.String(36))
    reader_role: Mapped[str] = mapped_column(sa.String(20))
    granted: Mapped[bool] = mapped_column(sa.Boolean)
    read_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ContributionRate(Base):
    """A dated contribution rate of one activity, overriding the cooperative's rate."""

    __tablename__ = "contribution_rates"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"), index=True)
    activity_id: Mapped[str] = mapped_column(sa.ForeignKey("activities.id"), index=True)
    rate: Mapped[Decimal] = mapped_column(RateColumn)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """One admin action or money record of any service, as announced by its
    `<service>_action_recorded` event (coop_shared.audit): what, on which record, by which key,
    when. Written once per event (the inbox); never changed (docs/adr/021-nothing-run-twice-and-the-trail.md)."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_cooperative_occurred", "cooperative_id", "occurred_at"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(IdColumn, unique=True)
    cooperative_id: Mapped[str | None] = mapped_column(IdColumn)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    service: Mapped[str] = mapped_column(sa.String(20))
    action: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(10))  # admin or money
    subject_id: Mapped[str | None] = mapped_column(sa.String(60))
    key_id: Mapped[str | None] = mapped_column(IdColumn)
    role: Mapped[str] = mapped_column(sa.String(20))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)


# Accounts for people (docs/adr/024-accounts-for-people.md): a person signs in with an e-mail
# and a password and holds a role in one or more cooperatives.


class Person(Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # normalised (domain/people.py)
    language: Mapped[str] = mapped_column(sa.String(2))
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))  # argon2id; None until invited once
    password_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString("people.totp_secret"))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)  # a code is accepted once
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PersonRole(Base):
    """The one role a person holds in a cooperative; `member_id` links an entrepreneur (role member)."""

    __tablename__ = "person_roles"
    __table_args__ = (sa.UniqueConstraint("person_id", "cooperative_id"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("people.id"), index=True)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    member_id: Mapped[str | None] = mapped_column(sa.ForeignKey("members.id"))
    granted_by: Mapped[str | None] = mapped_column(sa.String(60))
    granted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class AccountLink(Base):
    """An invitation or a password-reset link: its token's SHA-256, single use, expiring."""

    __tablename__ = "account_links"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(sa.String(20))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("people.id"), index=True)
    cooperative_id: Mapped[str] = mapped_column(sa.ForeignKey("cooperatives.id"))
    role: Mapped[str | None] = mapped_column(sa.String(20))  # what an invitation grants
    member_id: Mapped[str | None] = mapped_column(sa.ForeignKey("members.id"))
    created_by: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class PersonSession(Base):
    """A signed-in session: its token's SHA-256, where it came from, how far it got (`stage`)."""

    __tablename__ = "person_sessions"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("people.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    stage: Mapped[str] = mapped_column(sa.String(20))
    cooperative_id: Mapped[str | None] = mapped_column(sa.ForeignKey("cooperatives.id"))  # selected
    client_address: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    ended_why: Mapped[str | None] = mapped_column(sa.String(30))


class LoginCounter(Base):
    """Failed logins in a row of one account ('account:<sha256 of the e-mail>') or one client
    address ('address:<ip>') (domain/login_throttle.py). The password reset quota uses the same
    rows under 'reset:account:…' and 'reset:address:…': `failures` counts the requests served in
    the window, `locked_until` is when the window ends."""

    __tablename__ = "login_counters"
    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class RecoveryCode(Base):
    """One of a person's ten recovery codes, as SHA-256; used once."""

    __tablename__ = "recovery_codes"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("people.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
