"""The day a retention run counts periods to (coop_shared.retention).

Normally today's Brussels date. `COOP_RETENTION_TODAY` (an ISO date, read once when the
container starts) moves it: a drill on a copy of production, or a test that puts data past its
period without waiting ten years (docs/domain/retention.md). Never set it on a live
installation: a date in the future erases what the law still requires to be kept.
"""

from __future__ import annotations

from datetime import date

from nameko.extensions import DependencyProvider

from coop_shared.dates import brussels_today
from coop_shared.settings import lookup

SETTING = "COOP_RETENTION_TODAY"


class RetentionClock(DependencyProvider):
    """Injects `today() -> date`: the retention clock of this container."""

    def setup(self):
        value = lookup(self.container.config, SETTING)
        self.fixed = date.fromisoformat(value) if value else None

    def get_dependency(self, worker_ctx):
        return lambda: self.fixed or brussels_today()
