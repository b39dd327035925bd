"""The four privacy entrypoints that billing, payroll, notifications and accounting answer alike:
`export_person_data`, `erase_person_data`, `run_retention` and the daily `apply_retention`
timer (docs/adr/018-access-retention-erasure.md, docs/domain/retention.md).

A service class lists `PersonDataRpc` among its bases and names its own handlers module:

    class BillingService(CommonRpc, PersonDataRpc, CredentialRevocationListener):
        privacy_handlers = privacy  # coop_billing.handlers.privacy

The handlers module provides `export_person_data(uow, identity, data)`,
`erase_person_data(uow, identity, data, today)`, `run_retention(uow, identity, data, today)`
and `retention_timer(uow, today)` (the last two from `coop_shared.retention_runs.handlers_for`);
the handlers own the authorization, as everywhere. A service whose export needs more than the
unit of work (payroll: its status models) overrides `_export_person_data`.

members does not use this mixin: it answers the person's whole file across the suite
(`export_member_data`, `erase_member`) and its `run_retention` runs every service's.
"""

from __future__ import annotations

from nameko.timer import timer

from coop_shared.runtime.entrypoints import rpc
from coop_shared.runtime.retention_clock import RetentionClock
from coop_shared.wire_schemas import PersonReferenceSchema, RetentionRunSchema

RETENTION_SECONDS = 86400  # daily (docs/domain/retention.md)


class PersonDataRpc:
    privacy_handlers = None  # the service's `handlers.privacy` module
    retention_clock = RetentionClock()  # the day retention counts to (docs/domain/retention.md)

    def _export_person_data(self, identity, data):
        return self.privacy_handlers.export_person_data(self.uow, identity, data)

    # A person's data: access, retention, erasure (docs/adr/018-access-retention-erasure.md)

    @rpc(PersonReferenceSchema, service_may_call=True)
    def export_person_data(self, identity, data):
        """This service's data on a person (admin, or members with the service credential)."""
        return self._export_person_data(identity, data)

    @rpc(PersonReferenceSchema)
    def erase_person_data(self, identity, data):
        """{"service", "erased", "kept"}: a person's data erased where the law allows (admin; members.erase_member)."""
        return self.privacy_handlers.erase_person_data(self.uow, identity, data, self.retention_clock())

    @rpc(RetentionRunSchema)
    def run_retention(self, identity, data):
        """What is past its retention period erased now: the cooperative's (admin) or all (platform)."""
        return self.privacy_handlers.run_retention(self.uow, identity, data, self.retention_clock())

    @timer(interval=RETENTION_SECONDS)
    def apply_retention(self):
        """Daily: what is past its retention period erased or pseudonymised (docs/domain/retention.md)."""
        self.privacy_handlers.retention_timer(self.uow, self.retention_clock())
