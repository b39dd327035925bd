"""members: nameko entrypoints only. Resolve the caller, validate, call one handler, return.

The `rpc` decorator resolves the credential before reading the payload, so a caller without a
valid key learns nothing from validation messages, and commits before the reply leaves
(docs/nameko-delivery.md). Roles and rules live in handlers/.
"""

from nameko.timer import timer

from coop_members.clients import BillingClient, PayrollClient
from coop_members.handlers import (
    activities,
    api_keys,
    coaching,
    contribution_rates,
    cooperatives,
    documents,
    enrolments,
    funder_reports,
    lifecycle,
    members,
    programmes,
    status_models,
)
from coop_members.orm import Base
from coop_members.repository import MembersRepository
from coop_members.schemas import (
    AddActivitySchema,
    AddCoachingNoteSchema,
    ChangeLifecycleSchema,
    ContributionRateOnSchema,
    CooperativeSlugSchema,
    CreateCooperativeSchema,
    CreateProgrammeSchema,
    EnrolMemberSchema,
    EnrolmentRefSchema,
    FunderReportSchema,
    IssueApiKeySchema,
    ListMembersSchema,
    ListProgrammesSchema,
    MovePhaseSchema,
    RecordAttendanceSchema,
    RecordDocumentSchema,
    RegisterMemberSchema,
    RightToWorkSchema,
    RunAppointmentRemindersSchema,
    ScheduleAppointmentSchema,
    SetContributionRateSchema,
    SetStatusModelSchema,
    UpdateCooperativeSchema,
)
from coop_shared.credentials import Identity
from coop_shared.dates import brussels_today
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.common_rpc import CommonRpc
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import rpc
from coop_shared.runtime.resilient_rpc import ServiceRpc
from coop_shared.storage.types import utcnow
from coop_shared.wire_schemas import RefSchema


class MembersCaller(Caller):
    """members owns the credentials: it reads them from its own tables, uncached, so a
    revocation takes effect here on the next call."""

    def setup(self):
        super().setup()
        self.cache_seconds = 0

    def fetch_identity(self, worker_ctx, secret: str) -> Identity:
        return api_keys.identity_for_secret(worker_ctx.service.uow, secret)


DOCUMENT_CHECK_SECONDS = 3600  # hourly; each document and threshold is announced once


class MembersService(CommonRpc):
    """Cooperatives, their API keys, members, activities, status models and documents."""

    name = "members"

    uow = Database(Base.metadata, repository=MembersRepository)
    caller = MembersCaller()
    payroll = ServiceRpc("payroll")
    billing = ServiceRpc("billing")

    @rpc(CreateCooperativeSchema)
    def create_cooperative(self, identity, data):
        """The new cooperative (platform key only); emits cooperative_created."""
        return cooperatives.create_cooperative(self.uow, identity, data)

    @rpc(UpdateCooperativeSchema)
    def update_cooperative(self, identity, data):
        """The cooperative with its ONSS number changed (platform, or the cooperative's admin)."""
        return cooperatives.update_cooperative(self.uow, identity, data)

    @rpc(CooperativeSlugSchema, id_field="slug")
    def get_cooperative(self, identity, data):
        """The cooperative of that slug, if it is the caller's (the platform reads any)."""
        return cooperatives.get_cooperative(self.uow, identity, data)

    @rpc(IssueApiKeySchema)
    def issue_api_key(self, identity, data):
        """The new key with its secret, shown this once (platform or the cooperative's admin)."""
        return api_keys.issue_api_key(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def revoke_api_key(self, identity, data):
        """The key with revoked=true; emits api_key_revoked the first time."""
        return api_keys.revoke_api_key(self.uow, identity, data)

    @rpc(RegisterMemberSchema)
    def register_member(self, identity, data):
        """The new member, a candidate with no activity yet; emits member_registered."""
        return members.register_member(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def get_member(self, identity, data):
        """The member with today's status model, its status history and its activities."""
        return members.get_member(self.uow, identity, data, brussels_today())

    @rpc(ListMembersSchema)
    def list_members(self, identity, data):
        """{"items", "total"}: a page of the cooperative's members, by name."""
        return members.list_members(self.uow, identity, data)

    @rpc(AddActivitySchema)
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

    @rpc(RecordDocumentSchema)
    def record_document(self, identity, data):
        """The recorded document."""
        return documents.record_document(self.uow, identity, data)

    @rpc(RightToWorkSchema)
    def check_right_to_work(self, identity, data):
        """{"member_id", "on", "allowed", "reasons", "status_model"}: may the member work that day."""
        return documents.check_right_to_work(self.uow, identity, data)

    @rpc(None)
    def run_document_check(self, identity):
        """{"reminders": n}: today's expiry reminders, sent now instead of at the next timer tick."""
        return documents.run_document_check(self.uow, identity, brussels_today())

    # Accompaniment of newcomers (docs/domain/accompaniment.md)

    @rpc(CreateProgrammeSchema)
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

    @rpc(EnrolMemberSchema)
    def enrol_member(self, identity, data):
        """The enrolment in its intake phase; emits member_enrolled (once per member and programme)."""
        return enrolments.enrol_member(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def get_enrolment(self, identity, data):
        """The enrolment: phase history, coach, needs, profiles, appointments, right-to-work gate."""
        return enrolments.get_enrolment(self.uow, identity, data, brussels_today())

    @rpc(MovePhaseSchema)
    def move_phase(self, identity, data):
        """The enrolment in its new phase (the launch sets the status model); emits enrolment_phase_changed."""
        return enrolments.move_phase(self.uow, identity, PayrollClient(self.payroll), data, brussels_today())

    @rpc(ScheduleAppointmentSchema)
    def schedule_appointment(self, identity, data):
        """The appointment or workshop with the member's language and interpreter."""
        return enrolments.schedule_appointment(self.uow, identity, data)

    @rpc(RecordAttendanceSchema)
    def record_attendance(self, identity, data):
        """The appointment with its attendance."""
        return enrolments.record_attendance(self.uow, identity, data)

    @rpc(AddCoachingNoteSchema)
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
        """The programme's report over the period: JSON, or {"format", "filename", "content"} (CSV, PDF base64)."""
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
