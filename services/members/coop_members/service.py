"""members: nameko entrypoints only. Resolve the caller, validate, call one handler, return.

The `rpc` decorator resolves the credential before reading the payload, so a caller without a
valid key learns nothing from validation messages, and commits before the reply leaves
(docs/nameko-delivery.md). Roles and rules live in handlers/.
"""

from nameko.extensions import DependencyProvider
from nameko.timer import timer

from coop_members.clients import BillingClient, PayrollClient, person_data_clients
from coop_members.domain.people import is_session_token
from coop_members.handlers import (
    accounts,
    activities,
    api_keys,
    audit_log,
    coaching,
    contribution_rates,
    cooperatives,
    documents,
    enrolments,
    funder_reports,
    lifecycle,
    member_batches,
    members,
    privacy,
    programmes,
    rectification,
    status_models,
)
from coop_members.orm import Base
from coop_members.repository import MembersRepository
from coop_members.schemas import (
    AcceptInvitationSchema,
    AddActivitySchema,
    AddCoachingNoteSchema,
    AuditLogSchema,
    AuthenticateSchema,
    ChangeLifecycleSchema,
    ChangePasswordSchema,
    ContributionRateOnSchema,
    CooperativeSlugSchema,
    CreateCooperativeSchema,
    CreateProgrammeSchema,
    EnrolMemberSchema,
    EnrolmentRefSchema,
    EraseMemberSchema,
    ExportMemberDataSchema,
    FunderReportSchema,
    GetMembersSchema,
    InvitePersonSchema,
    IssueApiKeySchema,
    ListApiKeysSchema,
    ListExpiringDocumentsSchema,
    ListMembersSchema,
    ListProgrammesSchema,
    MemberRefSchema,
    MovePhaseSchema,
    NationalNumbersRequestSchema,
    PasswordResetRequestSchema,
    RecordAttendanceSchema,
    RecordDocumentSchema,
    RegisterMemberSchema,
    ResetPasswordSchema,
    RightToWorkSchema,
    RunAppointmentRemindersSchema,
    ScheduleAppointmentSchema,
    SecondFactorSchema,
    SelectCooperativeSchema,
    SessionTokenSchema,
    SetContributionRateSchema,
    SetStatusModelSchema,
    TotpCodeSchema,
    UpdateCooperativeSchema,
    UpdateMemberAddressSchema,
    UpdateMemberIbanSchema,
    UpdateMemberIdentitySchema,
)
from coop_shared import link_sealing
from coop_shared.credentials import Identity
from coop_shared.dates import brussels_today
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.common_rpc import CommonRpc
from coop_shared.runtime.cooperative_rpc import CooperativeRpc
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import event_handler, rpc
from coop_shared.runtime.resilient_rpc import ServiceRpc
from coop_shared.runtime.retention_clock import RetentionClock
from coop_shared.settings import Settings, lookup
from coop_shared.storage.types import utcnow
from coop_shared.wire_schemas import RefSchema, RetentionRunSchema


class MembersCaller(Caller):
    """members owns the credentials: it reads them from its own tables, uncached, so a
    revocation takes effect here on the next call."""

    def setup(self):
        super().setup()
        self.cache_seconds = 0

    def fetch_identity(self, worker_ctx, secret: str) -> Identity:
        if is_session_token(secret):  # a person signed in (docs/adr/024-accounts-for-people.md)
            return accounts.identity_for_session(worker_ctx.service.uow, secret, utcnow())
        return api_keys.identity_for_secret(worker_ctx.service.uow, secret)


class AccountLinks(DependencyProvider):
    """The links e-mailed to people: their start (`COOP_PUBLIC_URL`, the address people open the
    suite at) and the ring sealing them into the event (coop_shared.link_sealing)."""

    def setup(self):
        settings = Settings.of(self.container)
        self.links = accounts.LinkSender(
            lookup(self.container.config, "COOP_PUBLIC_URL", "http://localhost:8000"),
            link_sealing.ring(settings.service_key, settings.previous_service_key),
        )

    def get_dependency(self, worker_ctx):
        return self.links


RETENTION_SECONDS = 86400  # daily (docs/domain/retention.md)
DOCUMENT_CHECK_SECONDS = 3600  # hourly; each document and threshold is announced once


class MembersService(CommonRpc):
    """Cooperatives, their API keys, members, activities, status models and documents."""

    name = "members"

    uow = Database(Base.metadata, repository=MembersRepository)
    caller = MembersCaller()
    payroll = ServiceRpc("payroll")
    billing = ServiceRpc("billing")
    notifications = ServiceRpc("notifications")
    accounting = ServiceRpc("accounting")
    cooperative_rpc = CooperativeRpc()  # the service credential, for exports (handlers/privacy.py)
    retention_clock = RetentionClock()
    account_links = AccountLinks()

    @rpc(CreateCooperativeSchema, creates=True)
    def create_cooperative(self, identity, data):
        """The new cooperative (platform key only); emits cooperative_created."""
        return cooperatives.create_cooperative(self.uow, identity, data)

    @rpc(UpdateCooperativeSchema)
    def update_cooperative(self, identity, data):
        """The cooperative with its ONSS number changed (platform, or the cooperative's admin)."""
        return cooperatives.update_cooperative(self.uow, identity, data)

    @rpc(CooperativeSlugSchema, id_field="slug", service_may_call=True)
    def get_cooperative(self, identity, data):
        """The cooperative of that slug, if it is the caller's (the platform reads any)."""
        return cooperatives.get_cooperative(self.uow, identity, data)

    @rpc(IssueApiKeySchema, creates=True, never_stored=("secret",))
    def issue_api_key(self, identity, data):
        """The new key with its secret, shown this once (platform or the cooperative's admin)."""
        return api_keys.issue_api_key(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def revoke_api_key(self, identity, data):
        """The key with revoked=true; emits api_key_revoked the first time."""
        return api_keys.revoke_api_key(self.uow, identity, data)

    @rpc(ListApiKeysSchema)
    def list_api_keys(self, identity, data):
        """{"items", "total"}: every key of the cooperative, revoked ones too, with who issued
        and revoked it; never a secret (admin, auditor, platform)."""
        return api_keys.list_api_keys(self.uow, identity, data)

    @rpc(AuditLogSchema)
    def audit_log(self, identity, data):
        """{"items", "total"}: admin actions and money records of every service, newest first,
        with the key that made them (admin, auditor)."""
        return audit_log.audit_log(self.uow, identity, data)

    # The trail: each service announces its admin actions and money records (coop_shared.audit).

    @event_handler("members", "members_action_recorded")
    def keep_members_action(self, event):
        audit_log.keep_entry(self.uow, "members", event)

    @event_handler("billing", "billing_action_recorded")
    def keep_billing_action(self, event):
        audit_log.keep_entry(self.uow, "billing", event)

    @event_handler("payroll", "payroll_action_recorded")
    def keep_payroll_action(self, event):
        audit_log.keep_entry(self.uow, "payroll", event)

    @event_handler("notifications", "notifications_action_recorded")
    def keep_notifications_action(self, event):
        audit_log.keep_entry(self.uow, "notifications", event)

    @event_handler("accounting", "accounting_action_recorded")
    def keep_accounting_action(self, event):
        audit_log.keep_entry(self.uow, "accounting", event)

    @rpc(RegisterMemberSchema, creates=True)
    def register_member(self, identity, data):
        """The new member, a candidate with no activity yet; emits member_registered."""
        return members.register_member(self.uow, identity, data)

    @rpc(RefSchema, id_field="id", service_may_call=True)
    def get_member(self, identity, data):
        """The member with today's status model, its status history and its activities."""
        return members.get_member(self.uow, identity, data, brussels_today())

    @rpc(GetMembersSchema)
    def get_members(self, identity, data):
        """{"items": [members as get_member returns them]}: up to 1,000 ids, with the right to work on a day if asked."""
        return member_batches.get_members(self.uow, identity, data, brussels_today())

    @rpc(ListMembersSchema)
    def list_members(self, identity, data):
        """{"items", "total"}: a page of the cooperative's members, by name."""
        return members.list_members(self.uow, identity, data)

    # Rectification (GDPR art. 16; docs/adr/017-personal-data-at-rest-and-rectification.md)

    @rpc(UpdateMemberIdentitySchema)
    def update_member_identity(self, identity, data):
        """The member with its names, birth date or national number rectified and "changed"; emits member_details_changed."""
        return rectification.update_member_identity(self.uow, identity, data)

    @rpc(UpdateMemberAddressSchema)
    def update_member_address(self, identity, data):
        """The member with its address rectified and "changed"; emits member_details_changed."""
        return rectification.update_member_address(self.uow, identity, data)

    @rpc(UpdateMemberIbanSchema)
    def update_member_iban(self, identity, data):
        """The member with its IBAN rectified and "changed"; emits member_details_changed."""
        return rectification.update_member_iban(self.uow, identity, data)

    @rpc(MemberRefSchema, id_field="member_id")
    def list_member_changes(self, identity, data):
        """{"items", "total"}: who changed which field of the member, when, old and new value (admin)."""
        return rectification.list_member_changes(self.uow, identity, data)

    @rpc(NationalNumbersRequestSchema, service_may_call=True)
    def get_national_numbers(self, identity, data):
        """{"purpose", "items": [{"member_id", "national_number"}]}: full numbers, for the service credential only."""
        return rectification.get_national_numbers(self.uow, identity, data)

    @rpc(AddActivitySchema, creates=True)
    def add_activity(self, identity, data):
        """The new activity with its code (A0001, ...); emits activity_created."""
        return activities.add_activity(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def get_activity(self, identity, data):
        """The activity."""
        return activities.get_activity(self.uow, identity, data)

    @rpc(SetStatusModelSchema)
    def set_status_model(self, identity, data):
        """The member with its new status history; emits member_status_model_changed."""
        return status_models.set_status_model(
            self.uow, identity, PayrollClient(self.payroll), data, brussels_today()
        )

    @rpc(ChangeLifecycleSchema)
    def change_lifecycle(self, identity, data):
        """The member in its new lifecycle state; emits member_lifecycle_changed."""
        return lifecycle.change_lifecycle(self.uow, identity, data, brussels_today())

    @rpc(RecordDocumentSchema, creates=True)
    def record_document(self, identity, data):
        """The recorded document."""
        return documents.record_document(self.uow, identity, data)

    @rpc(RightToWorkSchema)
    def check_right_to_work(self, identity, data):
        """{"member_id", "on", "allowed", "reasons", "status_model"}: may the member work that day."""
        return documents.check_right_to_work(self.uow, identity, data)

    @rpc(MemberRefSchema, id_field="member_id")
    def list_member_documents(self, identity, data):
        """{"items", "total"}: the member's documents, the soonest to expire first."""
        return documents.list_member_documents(self.uow, identity, data)

    @rpc(ListExpiringDocumentsSchema)
    def list_expiring_documents(self, identity, data):
        """{"items", "total"}: documents expiring within `within_days` days, soonest first, with member and days left."""
        return documents.list_expiring_documents(self.uow, identity, data, brussels_today())

    @rpc(None)
    def run_document_check(self, identity):
        """{"reminders": n}: today's expiry reminders, sent now instead of at the next timer tick."""
        return documents.run_document_check(self.uow, identity, brussels_today())

    # Accompaniment of newcomers (docs/domain/accompaniment.md)

    @rpc(CreateProgrammeSchema, creates=True)
    def create_programme(self, identity, data):
        """The programme (admin); the same name again returns the existing one."""
        return programmes.create_programme(self.uow, identity, data)

    @rpc(ListProgrammesSchema)
    def list_programmes(self, identity, data):
        """{"items", "total"}: the cooperative's programmes by name, with how many are enrolled."""
        return programmes.list_programmes(self.uow, identity)

    @rpc(RefSchema, id_field="id")
    def get_programme(self, identity, data):
        """The programme with its phases, funders, eligibility, capacity and coaches."""
        return programmes.get_programme(self.uow, identity, data)

    @rpc(EnrolMemberSchema, creates=True)
    def enrol_member(self, identity, data):
        """The enrolment in its intake phase; emits member_enrolled (once per member and programme)."""
        return enrolments.enrol_member(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def get_enrolment(self, identity, data):
        """The enrolment: phase history, coach, needs, profiles, appointments, right-to-work gate."""
        return enrolments.get_enrolment(self.uow, identity, data, brussels_today())

    @rpc(MemberRefSchema, id_field="member_id")
    def list_member_enrolments(self, identity, data):
        """{"items": [the member's enrolments as get_enrolment gives them], "total"}, the latest first."""
        return enrolments.list_member_enrolments(self.uow, identity, data, brussels_today())

    @rpc(MovePhaseSchema)
    def move_phase(self, identity, data):
        """The enrolment in its new phase (the launch sets the status model); emits enrolment_phase_changed."""
        return enrolments.move_phase(self.uow, identity, PayrollClient(self.payroll), data, brussels_today())

    @rpc(ScheduleAppointmentSchema, creates=True)
    def schedule_appointment(self, identity, data):
        """The appointment or workshop with the member's language and interpreter."""
        return enrolments.schedule_appointment(self.uow, identity, data)

    @rpc(RecordAttendanceSchema)
    def record_attendance(self, identity, data):
        """The appointment with its attendance."""
        return enrolments.record_attendance(self.uow, identity, data)

    @rpc(AddCoachingNoteSchema, creates=True)
    def add_coaching_note(self, identity, data):
        """The note (the member's coach or an admin only)."""
        return coaching.add_coaching_note(self.uow, identity, data)

    @rpc(EnrolmentRefSchema, id_field="enrolment_id")
    def list_coaching_notes(self, identity, data):
        """{"items", "total"}: the notes, for the coach or an admin; every attempt is logged."""
        return coaching.list_coaching_notes(self.uow, identity, data)

    @rpc(EnrolmentRefSchema, id_field="enrolment_id")
    def list_note_reads(self, identity, data):
        """{"items", "total"}: who tried to read the notes, when, granted or not (admin)."""
        return coaching.list_note_reads(self.uow, identity, data)

    @rpc(SetContributionRateSchema)
    def set_contribution_rate(self, identity, data):
        """{"activity_id", "rates"}: the activity's dated contribution rates."""
        return contribution_rates.set_contribution_rate(self.uow, identity, data)

    @rpc(ContributionRateOnSchema)
    def contribution_rate_on(self, identity, data):
        """{"activity_id", "on", "rate", "source"}: the rate in force that day (activity or cooperative)."""
        return contribution_rates.contribution_rate_on(self.uow, identity, data)

    @rpc(FunderReportSchema)
    def funder_report(self, identity, data):
        """The programme's report over the period: JSON, or its CSV or PDF as {"filename", "content_type", "content"}."""
        return funder_reports.funder_report(self.uow, identity, BillingClient(self.billing), data)

    @rpc(RunAppointmentRemindersSchema)
    def run_appointment_reminders(self, identity, data):
        """{"reminders": n}: reminders of appointments within `within_hours` (48 by default), sent now."""
        return enrolments.run_appointment_reminders(self.uow, identity, data, utcnow())

    @timer(interval=DOCUMENT_CHECK_SECONDS)
    def announce_upcoming_appointments(self):
        """Hourly: one reminder per appointment starting within 48 hours."""
        enrolments.notify_upcoming_appointments(self.uow, utcnow())

    @timer(interval=DOCUMENT_CHECK_SECONDS)
    def announce_expiring_documents(self):
        """Hourly: today's expiry reminders, each document and threshold announced once."""
        documents.notify_expiring_documents(self.uow, brussels_today())

    # A person's data: access, retention, erasure (docs/adr/018-access-retention-erasure.md)

    def _readers(self, identity) -> dict:
        """The other services' clients with the service credential acting for the cooperative."""
        return person_data_clients(self.cooperative_rpc(identity.cooperative_id, identity.cooperative))

    def _actors(self) -> dict:
        """The other services' clients with the caller's own credential (forwarded)."""
        return person_data_clients(self)

    @rpc(ExportMemberDataSchema)
    def export_member_data(self, identity, data):
        """Everything the suite holds on the member, from every service (admin, or the member); JSON or a zip."""
        return privacy.export_member_data(self.uow, identity, self._readers(identity), data, utcnow())

    @rpc(EraseMemberSchema)
    def erase_member(self, identity, data):
        """{"member_id", "erased", "kept"}: an exited member's data erased where the law allows, in every service (admin)."""
        return privacy.erase_member(self.uow, identity, self._actors(), data, self.retention_clock())

    @rpc(RetentionRunSchema)
    def run_retention(self, identity, data):
        """{"as_of", "dry_run", "services"}: what is past its retention period erased now, in every service (admin)."""
        return privacy.run_retention(self.uow, identity, self._actors(), data, self.retention_clock())

    @timer(interval=RETENTION_SECONDS)
    def apply_retention(self):
        """Daily: what is past its retention period erased or pseudonymised (docs/domain/retention.md)."""
        privacy.retention_timer(self.uow, self.retention_clock())

    # Accounts for people (docs/adr/024-accounts-for-people.md): the web service calls these;
    # the methods without a caller take the session token (or a link's token) in the payload.

    @rpc(InvitePersonSchema, creates=True)
    def invite_person(self, identity, data):
        """The invitation (e-mailed in the person's language, valid 72 h) to hold a role in the cooperative (admin)."""
        return accounts.invite_person(self.uow, identity, data, utcnow(), self.account_links)

    @rpc(AcceptInvitationSchema, needs_caller=False)
    def accept_invitation(self, data):
        """{"person_id", "email", "cooperative", "role"}: the invitation used once, the password set (public)."""
        return accounts.accept_invitation(self.uow, data, utcnow())

    @rpc(PasswordResetRequestSchema, needs_caller=False)
    def request_password_reset(self, data):
        """{"requested": true} always; a reset link e-mailed to an account, 3 an hour per e-mail, 20 per address (public)."""
        return accounts.request_password_reset(self.uow, data, utcnow(), self.account_links)

    @rpc(ResetPasswordSchema, needs_caller=False)
    def reset_password(self, data):
        """{"person_id", "sessions_ended"}: the password reset by a link used once; every session ends (public)."""
        return accounts.reset_password(self.uow, data, utcnow())

    @rpc(AuthenticateSchema, needs_caller=False)
    def authenticate(self, data):
        """A session (its token shown once, its stage) for an e-mail and password; throttled (public)."""
        return accounts.authenticate(self.uow, data, utcnow())

    @rpc(SessionTokenSchema, needs_caller=False)
    def resolve_session(self, data):
        """The session's stage, person, selected cooperative and roles, if it has not ended (public)."""
        return accounts.resolve_session(self.uow, data, utcnow())

    @rpc(SelectCooperativeSchema, needs_caller=False)
    def select_cooperative(self, data):
        """The session now acting for another cooperative the person holds a role in (public)."""
        return accounts.select_cooperative(self.uow, data, utcnow())

    @rpc(SessionTokenSchema, needs_caller=False)
    def sign_out(self, data):
        """{"ended": true}: the session of this token ended (public)."""
        return accounts.sign_out(self.uow, data, utcnow())

    @rpc(None)
    def list_sessions(self, identity):
        """{"items", "total"}: the signed-in person's sessions not ended, the current one marked (a person)."""
        return accounts.list_sessions(self.uow, identity)

    @rpc(RefSchema, id_field="id")
    def revoke_session(self, identity, data):
        """{"id", "ended"}: one of the person's own sessions ended (a person)."""
        return accounts.revoke_session(self.uow, identity, data, utcnow())

    @rpc(ChangePasswordSchema)
    def change_password(self, identity, data):
        """{"sessions_ended"}: the password changed; every session of the person ends, this one too (a person)."""
        return accounts.change_password(self.uow, identity, data, utcnow())

    @rpc(SessionTokenSchema, needs_caller=False)
    def begin_totp_enrolment(self, data):
        """{"secret", "provisioning_uri"} of a new TOTP second factor, to confirm with a first code (public)."""
        return accounts.begin_totp_enrolment(self.uow, data, utcnow())

    @rpc(TotpCodeSchema, needs_caller=False)
    def confirm_totp(self, data):
        """The session made full and ten recovery codes, shown this once (public)."""
        return accounts.confirm_totp(self.uow, data, utcnow())

    @rpc(SecondFactorSchema, needs_caller=False)
    def verify_second_factor(self, data):
        """The session made full by a TOTP code (each once) or a recovery code (each once) (public)."""
        return accounts.verify_second_factor(self.uow, data, utcnow())

    @rpc(RefSchema, id_field="id", service_may_call=True)
    def get_person_contact(self, identity, data):
        """{"email", "language", "name"} of a person known to the cooperative (notifications, admin, staff)."""
        return accounts.person_contact(self.uow, identity, data)
