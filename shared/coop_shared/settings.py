"""Settings read when a service container starts (never at import), from the nameko config
first and the environment second, with the defaults of docs/architecture.md, "Settings".

Reading the nameko config first lets tests start services with their own databases in one
process; in production the config file only substitutes environment variables.
"""

from __future__ import annotations

import os
import urllib.parse
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
    """`COOP_SERVICE_KEY`: a secret of its own, never derived from the platform key, so that
    either can be rotated without the other (`COOP_SERVICE_KEY_PREVIOUS` is still accepted
    during a rotation). Without it, calls between services for a cooperative are refused."""
    return lookup(config, "COOP_SERVICE_KEY")


# The development key of personal data at rest (docs/adr/017-personal-data-at-rest-and-rectification.md):
# known to everyone who reads this file, so it protects nothing and is refused in production.
DEVELOPMENT_DATA_KEY = "dev:coop-development-data-key-never-for-production-use"


def is_production(config=None) -> bool:
    """`COOP_ENVIRONMENT=production`: development defaults of secrets are refused."""
    return str(lookup(config, "COOP_ENVIRONMENT", "development")).strip().lower() == "production"


def data_keys(config=None) -> tuple[str, tuple[str, ...]]:
    """(current key, retired keys still read) of personal data at rest, each '<key id>:<secret>':
    `COOP_DATA_KEY` encrypts, `COOP_DATA_OLD_KEYS` (comma-separated) only decrypts what was
    written before a rotation. Without `COOP_DATA_KEY` the development key is used, except in
    production, where the service refuses to start rather than encrypt with a public key."""
    current = lookup(config, "COOP_DATA_KEY")
    if not current:
        if is_production(config):
            raise RuntimeError("COOP_DATA_KEY is required when COOP_ENVIRONMENT=production.")
        current = DEVELOPMENT_DATA_KEY
    if is_production(config) and current.strip() == DEVELOPMENT_DATA_KEY:
        raise RuntimeError("The development data key is refused when COOP_ENVIRONMENT=production.")
    old = tuple(k.strip() for k in str(lookup(config, "COOP_DATA_OLD_KEYS", "")).split(",") if k.strip())
    return current.strip(), old


def amqp_ssl(config=None) -> dict | None:
    """TLS options of the broker connections (kombu's `ssl`, nameko's `AMQP_SSL`), or None.

    `COOP_AMQP_SSL_CA_FILE` is the CA that signed the broker's certificate (the server is always
    verified: an unverified TLS connection would hand the broker password to whoever answers);
    `COOP_AMQP_SSL_CERT_FILE` and `COOP_AMQP_SSL_KEY_FILE` a client certificate when the broker
    asks for one. An `amqps://` URI without a CA file verifies against the system's CAs."""
    ca_file = lookup(config, "COOP_AMQP_SSL_CA_FILE")
    cert_file = lookup(config, "COOP_AMQP_SSL_CERT_FILE")
    key_file = lookup(config, "COOP_AMQP_SSL_KEY_FILE")
    uri = str(lookup(config, "AMQP_URI", DEFAULT_AMQP_URI))
    if not (ca_file or cert_file or uri.startswith("amqps://")):
        return None
    import ssl  # only when TLS is asked for

    options = {"cert_reqs": ssl.CERT_REQUIRED}
    host = urllib.parse.urlsplit(uri).hostname
    if host:  # the certificate must name the host connected to (SNI and host name check)
        options["server_hostname"] = host
    if ca_file:
        options["ca_certs"] = ca_file
    if cert_file:
        options["certfile"] = cert_file
        options["keyfile"] = key_file or cert_file
    return options


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
    # The bus behind least privilege (docs/adr/019-broker-least-privilege-and-service-claims.md):
    # TLS options of every connection (None: plain AMQP) and the naming of per-service users.
    amqp_ssl: dict | None = None
    broker_user_prefix: str = "coop-"
    previous_service_key: str | None = None

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
            amqp_ssl=amqp_ssl(config),
            broker_user_prefix=lookup(config, "COOP_BROKER_USER_PREFIX", "coop-"),
            previous_service_key=lookup(config, "COOP_SERVICE_KEY_PREVIOUS"),
        )
