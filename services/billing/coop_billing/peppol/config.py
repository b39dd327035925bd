"""Settings of Peppol delivery in billing (config first, then the environment), read once per
container, and the access point of one cooperative built from its stored settings."""

from __future__ import annotations

from dataclasses import dataclass

from coop_billing.domain.delivery import DEFAULT_RETRY_DELAYS, LEASE_SECONDS, STATUS_POLL_SECONDS
from coop_billing.peppol import AccessPoint, Environment, build, installed
from coop_billing.peppol.validation import validate
from coop_shared.settings import data_dir, delays, lookup


@dataclass(frozen=True)
class PeppolConfig:
    data_dir: str
    retry_delays: tuple[float, ...]
    lease_seconds: float
    status_poll_seconds: float
    lookup_timeout: float
    batch: int

    @classmethod
    def load(cls, config=None) -> PeppolConfig:
        retry_text = lookup(
            config, "COOP_PEPPOL_RETRY_DELAYS", ",".join(str(int(d)) for d in DEFAULT_RETRY_DELAYS)
        )
        return cls(
            data_dir=str(data_dir(config)),
            retry_delays=delays(retry_text),
            lease_seconds=float(lookup(config, "COOP_PEPPOL_LEASE_SECONDS", str(LEASE_SECONDS))),
            status_poll_seconds=float(
                lookup(config, "COOP_PEPPOL_STATUS_POLL_SECONDS", str(STATUS_POLL_SECONDS))
            ),
            lookup_timeout=float(lookup(config, "COOP_PEPPOL_LOOKUP_TIMEOUT_SECONDS", "5")),
            batch=int(lookup(config, "COOP_PEPPOL_BATCH", "20")),
        )

    def access_point(self, row) -> AccessPoint:
        """The access point of one cooperative (its `PeppolSettings` row)."""
        settings = dict(row.settings or {})
        environment = Environment(
            data_dir=self.data_dir, own_id=settings.get("participant_id"), validate=validate
        )
        return build(row.access_point, settings, row.secrets or {}, environment)

    @staticmethod
    def plugin(key: str):
        """The installed access-point class `key`, or None."""
        return installed().get(key)


def bounded(seconds: float, call, *args):
    """`call(*args)`, or TimeoutError after `seconds` (a lookup made while a customer waits)."""
    import eventlet

    try:
        with eventlet.Timeout(seconds):
            return call(*args)
    except eventlet.Timeout:
        raise TimeoutError(f"no answer within {seconds:g} s") from None
