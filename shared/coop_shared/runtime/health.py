"""The `health` RPC every service answers, without a credential: operators and probes call it."""

import sqlalchemy as sa
from nameko.rpc import rpc as nameko_rpc

from coop_shared import __version__


class HealthMixin:
    version = __version__

    @nameko_rpc
    def health(self):
        """{"service", "version", "status", "database", "outbox_backlog"}; status 'ok' or 'degraded'."""
        try:
            self.uow.session.execute(sa.text("SELECT 1"))
            backlog = self.uow.outbox_backlog()
            database = "ok"
        except Exception as exc:  # a probe reports, it does not raise
            backlog, database = None, f"error: {type(exc).__name__}"
        return {"service": self.name, "version": self.version,
                "status": "ok" if database == "ok" else "degraded",
                "database": database, "outbox_backlog": backlog}
