"""Settings read when a service container starts (never at import), from the nameko config
first and the environment second, with the defaults of docs/architecture.md, "Settings".

Reading the nameko config first lets tests start services with their own databases in one
process; in production the config file only substitutes environment variables.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/"
SERVICES = ("members", "billing", "payroll", "notifications", "accounting")


def lookup(config, name, default=None):
    value = (config or {}).get(name)
    if value in (None, ""):
        value = os.environ.get(name)
    return default if value in (None, "") else value


def data_dir(config=None) -> Path:
    return Path(lookup(config, "COOP_DATA_DIR", "./var"))


def database_url(service: str, config=None) -> str:
    """`<SERVICE>_DATABASE_URL`, else a SQLite file `<service>.db` in the data folder."""
    url = lookup(config, f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    folder = data_dir(config).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / (service + '.db')}"


def service_key(config=None) -> str | None:
    """`COOP_SERVICE_KEY`, else one derived from the platform key, so an operator who sets only
    `COOP_PLATFORM_KEY` gets working service-to-service calls without handing the platform
    key itself to every request."""
    explicit = lookup(config, "COOP_SERVICE_KEY")
    if explicit:
        return explicit
    platform = lookup(config, "COOP_PLATFORM_KEY")
    if not platform:
        return None
    return "svc_" + hmac.new(platform.encode(), b"coop-service-credential", hashlib.sha256).hexdigest()


def delays(text) -> tuple[float, ...]:
    """'1,5,30' -> (1.0, 5.0, 30.0): seconds between attempts."""
    return tuple(float(d) for d in str(text).split(",") if d.strip())


@dataclass(frozen=True)
class Settings:
    service: str
    amqp_uri: str
    database_url: str
    platform_key: str | None
    service_key: str | None
    credential_cache_seconds: int
    event_retry_delays: tuple[float, ...]
    outbox_poll_seconds: float
    outbox_retry_delays: tuple[float, ...]
    service_call_timeout_seconds: float

    @classmethod
    def of(cls, container) -> Settings:
        """The settings of a running service container, read once when it starts and kept on
        it: every dependency of the container sees the same values. (Several containers may
        share one process in tests, each with its own config.)"""
        settings = getattr(container, "_coop_settings", None)
        if settings is None:
            settings = cls.load(container.service_name, container.config)
            container._coop_settings = settings
        return settings

    @classmethod
    def load(cls, service: str, config=None) -> Settings:
        return cls(
            service=service,
            amqp_uri=lookup(config, "AMQP_URI", DEFAULT_AMQP_URI),
            database_url=database_url(service, config),
            platform_key=lookup(config, "COOP_PLATFORM_KEY"),
            service_key=service_key(config),
            credential_cache_seconds=int(lookup(config, "COOP_CREDENTIAL_CACHE_SECONDS", "30")),
            event_retry_delays=delays(lookup(config, "COOP_EVENT_RETRY_DELAYS", "1,5,30,120,600")),
            outbox_poll_seconds=float(lookup(config, "COOP_OUTBOX_POLL_SECONDS", "1.0")),
            outbox_retry_delays=delays(lookup(config, "COOP_OUTBOX_RETRY_DELAYS", "1,5,30,120,600")),
            service_call_timeout_seconds=float(lookup(config, "COOP_SERVICE_CALL_TIMEOUT_SECONDS", "60")),
        )
