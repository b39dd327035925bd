"""members: nameko entrypoints only. Validate, call one handler, return."""

from nameko.timer import timer

from coop_members import handlers, status
from coop_members.orm import Base
from coop_members.schemas import (
    AddActivitySchema,
    ChangeLifecycleSchema,
    CreateCooperativeSchema,
    IssueApiKeySchema,
    ListMembersSchema,
    RecordDocumentSchema,
    RegisterMemberSchema,
    RightToWorkSchema,
    SetStatusModelSchema,
)
from coop_shared.credentials import ADMIN, PLATFORM, Identity
from coop_shared.dates import brussels_today
from coop_shared.errors import ValidationError
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.common_rpc import CommonRpc
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import rpc
from coop_shared.runtime.resilient_rpc import ServiceRpc
from coop_shared.wire_schemas import RefSchema, ref_payload


class MembersCaller(Caller):
    """members owns the credentials: it reads them from its own tables, uncached, so a
    revocation takes effect here on the next call."""

    def setup(self):
        super().setup()
        self.cache_seconds = 0

    def fetch_identity(self, worker_ctx, secret: str) -> Identity:
        return handlers.identity_for_secret(worker_ctx.service.uow, secret)


class StatusModelCatalogue:
    """The parameters schema of a status model, as payroll (which runs the plugins) states it."""

    def __init__(self, payroll_rpc):
        self._payroll = payroll_rpc

    def parameters_schema(self, key: str) -> dict:
        for model in self._payroll.list_status_models()["items"]:
            if model["key"] == key:
                return model["parameters_schema"]
        raise ValidationError(fields={"status_model": [f"No status model '{key}' is installed."]})


DOCUMENT_CHECK_SECONDS = 3600  # hourly; each document and threshold is announced once


class MembersService(CommonRpc):
    """Every method resolves the credential before reading the payload, so a caller without
    a valid key learns nothing from validation messages."""

    name = "members"

    uow = Database(Base.metadata)
    caller = MembersCaller()
    payroll = ServiceRpc("payroll")

    @rpc
    def create_cooperative(self, payload):
        identity = self.caller.identity
        data = CreateCooperativeSchema().load(payload)
        return handlers.create_cooperative(self.uow, identity, data)

    @rpc
    def get_cooperative(self, slug):
        identity = self.caller.identity
        if not isinstance(slug, str):
            raise ValidationError(fields={"slug": ["Pass the cooperative's slug."]})
        return handlers.get_cooperative(self.uow, identity, slug)

    @rpc
    def issue_api_key(self, payload):
        identity = self.caller.identity
        data = IssueApiKeySchema().load(payload)
        return handlers.issue_api_key(self.uow, identity, data)

    @rpc
    def revoke_api_key(self, key_id):
        identity = self.caller.identity
        data = RefSchema().load(ref_payload(key_id))
        return handlers.revoke_api_key(self.uow, identity, str(data["id"]))

    @rpc
    def register_member(self, payload):
        identity = self.caller.identity
        data = RegisterMemberSchema().load(payload)
        return handlers.register_member(self.uow, identity, data)

    @rpc
    def get_member(self, member_id):
        identity = self.caller.identity
        data = RefSchema().load(ref_payload(member_id))
        return handlers.get_member(self.uow, identity, data)

    @rpc
    def list_members(self, payload=None):
        identity = self.caller.identity
        data = ListMembersSchema().load(payload or {})
        return handlers.list_members(self.uow, identity, data)

    @rpc
    def add_activity(self, payload):
        identity = self.caller.identity
        data = AddActivitySchema().load(payload)
        return handlers.add_activity(self.uow, identity, data)

    @rpc
    def get_activity(self, activity_id):
        identity = self.caller.identity
        data = RefSchema().load(ref_payload(activity_id))
        return handlers.get_activity(self.uow, identity, data)

    @rpc
    def set_status_model(self, payload):
        identity = self.caller.identity
        data = SetStatusModelSchema().load(payload)
        return status.set_status_model(
            self.uow, identity, StatusModelCatalogue(self.payroll), data, brussels_today()
        )

    @rpc
    def change_lifecycle(self, payload):
        identity = self.caller.identity
        return status.change_lifecycle(
            self.uow, identity, ChangeLifecycleSchema().load(payload), brussels_today()
        )

    @rpc
    def record_document(self, payload):
        identity = self.caller.identity
        return status.record_document(self.uow, identity, RecordDocumentSchema().load(payload))

    @rpc
    def check_right_to_work(self, payload):
        identity = self.caller.identity
        return status.check_right_to_work(self.uow, identity, RightToWorkSchema().load(payload))

    @timer(interval=DOCUMENT_CHECK_SECONDS)
    def announce_expiring_documents(self):
        status.notify_expiring_documents(self.uow, brussels_today())

    @rpc
    def run_document_check(self, payload=None):
        """Operators run today's expiry check at once instead of waiting for the timer."""
        self.caller.require(PLATFORM, ADMIN)
        return {"reminders": status.notify_expiring_documents(self.uow, brussels_today())}
