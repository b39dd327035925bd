"""payroll: nameko entrypoints only. Resolve the caller, validate, call one handler, return."""

from nameko.extensions import DependencyProvider

from coop_payroll.clients import BillingClient, MembersClient
from coop_payroll.handlers import (
    directors,
    individual_account,
    payslips,
    privacy,
    runs,
    sepa,
    settings,
    tax_forms,
)
from coop_payroll.handlers import models as model_handlers
from coop_payroll.orm import Base
from coop_payroll.repository import PayrollRepository
from coop_payroll.schemas import (
    FundPaymentsSchema,
    IndividualAccountSchema,
    ListPayslipsSchema,
    ListRunsSchema,
    PrepareRunSchema,
    SettingsSchema,
    SimulateSchema,
    TaxYearSchema,
    WithholdingSummarySchema,
)
from coop_shared.dates import brussels_today
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.common_rpc import CommonRpc
from coop_shared.runtime.cooperative_rpc import CooperativeRpc
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import CredentialRevocationListener, rpc
from coop_shared.runtime.person_data_rpc import PersonDataRpc
from coop_shared.runtime.resilient_rpc import ServiceRpc
from coop_shared.status_models import load_status_models
from coop_shared.wire_schemas import RefSchema


class StatusModels(DependencyProvider):
    """The installed status models, discovered from entry points when the container starts
    (a broken plugin stops the start with PluginLoadError naming it)."""

    def setup(self):
        self.models = load_status_models()

    def get_dependency(self, worker_ctx):
        return self.models


class PayrollService(CommonRpc, PersonDataRpc, CredentialRevocationListener):
    """Every method but `list_status_models` resolves the credential before reading the payload."""

    name = "payroll"

    # A payslip's snapshot keeps the national number sealed
    # (docs/adr/017-personal-data-at-rest-and-rectification.md).
    uow = Database(Base.metadata, repository=PayrollRepository, seals_personal_data=True)
    caller = Caller()
    privacy_handlers = privacy  # PersonDataRpc: export, erasure, retention (handlers/privacy.py)
    members = ServiceRpc("members")
    billing = ServiceRpc("billing")
    cooperative_rpc = CooperativeRpc()
    models = StatusModels()

    def _members(self, identity) -> MembersClient:
        # Payroll authorizes its caller first, then asks members for the full national number
        # under the service credential (payslips and tax forms print it by law).
        return MembersClient(
            self.members,
            identity.cooperative,
            lambda: self.cooperative_rpc(identity.cooperative_id, identity.cooperative).members,
        )

    @rpc(None, needs_caller=False)
    def list_status_models(self):
        """{"items": [installed status models: key, labels, rules version, parameters schema], "total"}."""
        return model_handlers.list_status_models(self.models)

    @rpc(SimulateSchema)
    def simulate(self, identity, data):
        """A status model's result (gross, net, total cost, lines) for an amount; nothing stored."""
        return model_handlers.simulate(self.models, identity, data)

    @rpc(PrepareRunSchema, creates=True)
    def prepare_run(self, identity, data):
        """The draft run of a period: counts, totals, a problem for each item not payable, its first 50 payslips."""
        return runs.prepare_run(
            self.uow, identity, self.models, self._members(identity), BillingClient(self.billing), data
        )

    @rpc(RefSchema, id_field="id")
    def close_run(self, identity, data):
        """The run, closed, answered as by get_run: payslips final and issued (once; a second call changes nothing)."""
        return runs.close_run(self.uow, identity, data, self.models, BillingClient(self.billing))

    @rpc(RefSchema, id_field="id")
    def get_run(self, identity, data):
        """The run: payslip and problem counts, totals, problems, first 50 payslips (the rest: list_payslips, run_id)."""
        return runs.get_run(self.uow, identity, data)

    @rpc(ListRunsSchema)
    def list_runs(self, identity, data):
        """{"items": [runs, newest period first: status, counts of payslips and problems, totals], "total"}."""
        return runs.list_runs(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def get_payslip(self, identity, data):
        """One payslip with its lines and the activity balance before and after."""
        return payslips.get_payslip(self.uow, identity, data)

    @rpc(ListPayslipsSchema)
    def list_payslips(self, identity, data):
        """{"items": [payslips, newest period first, then as created], "total"}, filtered by member, run, period."""
        return payslips.list_payslips(self.uow, identity, data)

    @rpc(SettingsSchema)
    def set_payroll_settings(self, identity, data):
        """The cooperative's payroll settings as stored (its directors' social insurance fund)."""
        return settings.set_payroll_settings(self.uow, identity, data)

    @rpc(RefSchema, id_field="id")
    def export_sepa(self, identity, data):
        """The closed run's SEPA credit transfer file (base64), its transfer count and control sum."""
        return sepa.export_sepa(self.uow, identity, data, brussels_today())

    @rpc(RefSchema, id_field="id", service_may_call=True)
    def render_payslip(self, identity, data):
        """The payslip as a PDF (base64) in the member's language, with its file name."""
        return payslips.render_payslip(self.uow, identity, self._members(identity), data, self.models)

    @rpc(IndividualAccountSchema, service_may_call=True)
    def get_individual_account(self, identity, data):
        """The member's individual account of a year: each payslip's gross, contributions, withholding, net; or its PDF."""
        return individual_account.get_individual_account(self.uow, identity, self._members(identity), data)

    @rpc(FundPaymentsSchema)
    def list_fund_payments(self, identity, data):
        """{"items": [the year's quarterly payments to the directors' social insurance fund], "total"}."""
        return directors.list_fund_payments(self.uow, identity, data)

    @rpc(WithholdingSummarySchema)
    def withholding_summary(self, identity, data):
        """The month's withholding declaration (274): taxable base and withholding per category."""
        return tax_forms.withholding_summary(self.uow, identity, self.models, data)

    @rpc(TaxYearSchema)
    def export_tax_forms(self, identity, data):
        """The year's 281.10 and 281.20 as Belcotax XML (base64), each member's PDF and the 325 totals."""
        return tax_forms.export_tax_forms(
            self.uow, identity, self.models, self._members(identity), data, brussels_today()
        )

    # A person's data: PersonDataRpc's entrypoints (docs/adr/018-access-retention-erasure.md)

    def _export_person_data(self, identity, data):
        """The export reads the status models a payslip was computed with."""
        return privacy.export_person_data(self.uow, identity, self.models, data)
