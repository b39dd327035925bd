"""payroll: nameko entrypoints only. Resolve the caller, validate, call one handler, return."""

import base64

from nameko.extensions import DependencyProvider

from coop_payroll.directory import Directory
from coop_payroll.handlers import models as model_handlers
from coop_payroll.handlers import runs, sepa
from coop_payroll.orm import Base
from coop_payroll.render import payslip_pdf
from coop_payroll.schemas import (
    ListPayslipsSchema,
    PrepareRunSchema,
    SettingsSchema,
    SimulateSchema,
    payslip_out,
)
from coop_shared.credentials import OPERATORS
from coop_shared.dates import brussels_today
from coop_shared.errors import CoopError
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.common_rpc import CommonRpc
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import CredentialRevocationListener, rpc
from coop_shared.runtime.resilient_rpc import ServiceRpc, patient_rpc
from coop_shared.status_models import load_status_models
from coop_shared.wire_schemas import RefSchema, ref_payload


class StatusModels(DependencyProvider):
    """The installed status models, discovered from entry points when the container starts
    (a broken plugin stops the start with PluginLoadError naming it)."""

    def setup(self):
        self.models = load_status_models()

    def get_dependency(self, worker_ctx):
        return self.models


class PayrollService(CommonRpc, CredentialRevocationListener):
    """Every method but `list_status_models` resolves the credential before reading the payload."""

    name = "payroll"

    uow = Database(Base.metadata)
    caller = Caller()
    members = ServiceRpc("members")
    billing = ServiceRpc("billing")
    models = StatusModels()

    def _directory(self, identity):
        return Directory(self.members, self.billing, identity.cooperative)

    @patient_rpc(expected_exceptions=CoopError)
    def list_status_models(self, payload=None):
        """Public: which status models this installation runs, with their parameters schema."""
        return model_handlers.list_status_models(self.models)

    @rpc
    def simulate(self, payload):
        self.caller.require(*OPERATORS, "auditor", "member")
        return model_handlers.simulate(self.models, SimulateSchema().load(payload))

    @rpc
    def prepare_run(self, payload):
        identity = self.caller.identity
        data = PrepareRunSchema().load(payload)
        return runs.prepare_run(self.uow, identity, self.models, self._directory(identity), data)

    @rpc
    def close_run(self, run_id):
        identity = self.caller.identity
        return runs.close_run(self.uow, identity, RefSchema().load(ref_payload(run_id)))

    @rpc
    def get_run(self, run_id):
        identity = self.caller.identity
        return runs.get_run(self.uow, identity, RefSchema().load(ref_payload(run_id)))

    @rpc
    def get_payslip(self, payslip_id):
        identity = self.caller.identity
        return payslip_out(runs.get_payslip(self.uow, identity, RefSchema().load(ref_payload(payslip_id))))

    @rpc
    def list_payslips(self, payload=None):
        identity = self.caller.identity
        return runs.list_payslips(self.uow, identity, ListPayslipsSchema().load(payload or {}))

    @rpc
    def set_payroll_settings(self, payload):
        identity = self.caller.identity
        return runs.set_payroll_settings(self.uow, identity, SettingsSchema().load(payload))

    @rpc
    def export_sepa(self, run_id):
        identity = self.caller.identity
        return sepa.export_sepa(self.uow, identity, RefSchema().load(ref_payload(run_id)), brussels_today())

    @rpc
    def render_payslip(self, payslip_id):
        identity = self.caller.identity
        payslip = runs.get_payslip(self.uow, identity, RefSchema().load(ref_payload(payslip_id)))
        cooperative = self._directory(identity).cooperative()
        content = payslip_pdf.render(payslip_out(payslip), payslip.member, cooperative["name"])
        return {
            "filename": f"payslip-{payslip.period}-{payslip.id[:8]}.pdf",
            "content_type": "application/pdf",
            "content": base64.b64encode(content).decode("ascii"),
        }
