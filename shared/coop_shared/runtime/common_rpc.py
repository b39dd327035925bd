"""RPC methods every service answers: `health` (no credential: operators and probes call it)
and `whoami` (the identity this service sees behind the caller's credential)."""

import sqlalchemy as sa

from coop_shared import __version__
from coop_shared.errors import CoopError
from coop_shared.runtime.observability import Observer
from coop_shared.runtime.resilient_rpc import patient_rpc


class CommonRpc:
    version = __version__
    observer = Observer()  # log context and metrics of every worker (observability.py)

    @patient_rpc
    def health(self):
        """{"service", "version", "status", "database", "outbox_backlog"}; status 'ok' or 'degraded'."""
        try:
            self.uow.session.execute(sa.text("SELECT 1"))
            backlog = self.uow.outbox_backlog()
            database = "ok"
        except Exception as exc:  # a probe reports, it does not raise
            backlog, database = None, f"error: {type(exc).__name__}"
        return {
            "service": self.name,
            "version": self.version,
            "status": "ok" if database == "ok" else "degraded",
            "database": database,
            "outbox_backlog": backlog,
        }

    @patient_rpc(expected_exceptions=CoopError)
    def whoami(self):
        """{"role", "cooperative_id", "cooperative", "member_id", "key_id"} of the caller."""
        return self.caller.identity.as_dict()
