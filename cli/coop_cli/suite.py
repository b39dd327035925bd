"""The services of the suite, their packages, and how to prepare them before they start."""

from __future__ import annotations

import importlib
import logging

import click

from coop_shared.runtime.observability import logging_config
from coop_shared.runtime.topology import declare_event_queues, set_rpc_ttl_policy
from coop_shared.settings import SERVICES, Settings, lookup
from coop_shared.storage.migrations import upgrade

log = logging.getLogger("coop")

SERVICE_CLASSES = {
    "members": "coop_members.service:MembersService",
    "billing": "coop_billing.service:BillingService",
    "payroll": "coop_payroll.service:PayrollService",
    "notifications": "coop_notifications.service:NotificationsService",
    "accounting": "coop_accounting.service:AccountingService",
}


def service_class(name: str):
    module, _, attr = SERVICE_CLASSES[name].partition(":")
    return getattr(importlib.import_module(module), attr)


def migrate(names=SERVICES, config=None) -> dict[str, str]:
    """Apply each service's migrations to its own database; return where each went."""
    done = {}
    for name in names:
        url = Settings.load(name, config).database_url
        upgrade(f"coop_{name}", url)
        done[name] = url.split("@")[-1]  # never echo a password
    return done


def require_broker(amqp_uri: str, ssl: dict | None = None) -> None:
    """Stop with one line, not a traceback, when no broker answers at `amqp_uri`."""
    from kombu import Connection

    try:
        with Connection(amqp_uri, connect_timeout=3, ssl=ssl or False) as connection:
            connection.connect()
    except Exception as exc:  # refused, unknown host, bad credentials: the operator reads one line
        raise click.ClickException(
            f"no RabbitMQ answers at {amqp_uri.split('@')[-1]} ({type(exc).__name__}): start the installed "
            "server (`rabbitmq-server -detached`) or the compose file's broker (`docker compose -f "
            "deploy/compose.yaml --env-file deploy/.env up -d rabbitmq`), or point AMQP_URI at one"
        ) from None


def declare_topology(config=None, names=SERVICES) -> dict:
    """Queues of every consumer and the RPC TTL policy, before any service publishes."""
    settings = Settings.load("members", config)
    amqp_uri = settings.amqp_uri
    require_broker(amqp_uri, settings.amqp_ssl)
    queues = declare_event_queues(amqp_uri, [service_class(n) for n in names], config, ssl=settings.amqp_ssl)
    policy = set_rpc_ttl_policy(amqp_uri)
    users = declare_broker_users(config, names)
    return {"queues": queues, "rpc_ttl_policy": policy, "broker_users": users}


def nameko_config(config=None) -> dict:
    """The nameko config of `coop run` and `coop serve`: broker, workers, logging with the call
    id, cooperative and service on every line (JSON unless COOP_LOG_FORMAT=plain)."""
    settings = Settings.load("members", config)
    plain = lookup(config, "COOP_LOG_FORMAT", "json") == "plain"
    tls = {"AMQP_SSL": settings.amqp_ssl} if settings.amqp_ssl else {}
    return dict(
        config or {},
        **tls,
        AMQP_URI=settings.amqp_uri,
        # `coop topology` declares every events exchange: a service's broker user may not
        # (coop_shared.runtime.broker_users).
        DECLARE_EVENT_EXCHANGES=False,
        max_workers=int(lookup(config, "COOP_MAX_WORKERS", "10")),
        HEARTBEAT=60,
        LOGGING=logging_config(json_lines=not plain),
    )


def service_amqp_uri(name: str, config=None) -> str:
    """The broker URI of one service: `<SERVICE>_AMQP_URI` (its own broker user), else `AMQP_URI`."""
    return lookup(config, f"{name.upper()}_AMQP_URI") or Settings.load(name, config).amqp_uri


def service_config(name: str, config: dict) -> dict:
    """A service's own nameko config: `config` with the service's broker URI."""
    return dict(config, AMQP_URI=service_amqp_uri(name, config))


def management_api(config=None) -> str:
    """`COOP_RABBIT_MANAGEMENT`, else the broker's host on port 15672 with AMQP_URI's operator."""
    explicit = lookup(config, "COOP_RABBIT_MANAGEMENT")
    if explicit:
        return explicit
    from coop_shared.runtime.broker_users import uri_user_and_password, with_credentials
    from coop_shared.runtime.topology import management_url

    amqp_uri = Settings.load("members", config).amqp_uri
    base, _, _ = management_url(amqp_uri)
    user, password = uri_user_and_password(amqp_uri)
    return with_credentials(base, user, password)


def declare_broker_users(config=None, names=SERVICES) -> list[str]:
    """Give each service whose `<SERVICE>_AMQP_URI` is set its own broker user, with the password
    of that URI and only its part of the bus (coop_shared.runtime.broker_users). Run by the
    operator (`coop topology`, `coop broker-users`), whose AMQP_URI may administer users."""
    from coop_shared.runtime.broker_users import (
        WEB,
        Management,
        service_grant,
        uri_user_and_password,
        uri_vhost,
        web_grant,
    )

    prefix = Settings.load("members", config).broker_user_prefix
    management = Management(management_api(config))
    declared = []
    # The web gateway (WEB_AMQP_URI) calls the services and is called by none: a caller's grant.
    for name in (*names, WEB):
        uri = lookup(config, f"{name.upper()}_AMQP_URI")
        if not uri:
            continue
        user, password = uri_user_and_password(uri)
        if user != prefix + name:
            raise click.ClickException(
                f"{name.upper()}_AMQP_URI logs in as '{user}': a service's broker user is '{prefix}{name}' "
                "(COOP_BROKER_USER_PREFIX), the name its events are checked against"
            )
        grant = web_grant(user) if name == WEB else service_grant(name, user, service_class(name))
        management.declare(grant, uri_vhost(uri), password)
        declared.append(user)
    return declared
