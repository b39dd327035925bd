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


def require_broker(amqp_uri: str) -> None:
    """Stop with one line, not a traceback, when no broker answers at `amqp_uri`."""
    from kombu import Connection

    try:
        with Connection(amqp_uri, connect_timeout=3) as connection:
            connection.connect()
    except Exception as exc:  # refused, unknown host, bad credentials: the operator reads one line
        raise click.ClickException(
            f"no RabbitMQ answers at {amqp_uri.split('@')[-1]} ({type(exc).__name__}): start the installed "
            "server (`rabbitmq-server -detached`) or the compose file's broker (`docker compose -f "
            "deploy/compose.yaml --env-file deploy/.env up -d rabbitmq`), or point AMQP_URI at one"
        ) from None


def declare_topology(config=None, names=SERVICES) -> dict:
    """Queues of every consumer and the RPC TTL policy, before any service publishes."""
    amqp_uri = Settings.load("members", config).amqp_uri
    require_broker(amqp_uri)
    queues = declare_event_queues(amqp_uri, [service_class(n) for n in names], config)
    policy = set_rpc_ttl_policy(amqp_uri)
    return {"queues": queues, "rpc_ttl_policy": policy}


def nameko_config(config=None) -> dict:
    """The nameko config of `coop run` and `coop serve`: broker, workers, logging with the call
    id, cooperative and service on every line (JSON unless COOP_LOG_FORMAT=plain)."""
    amqp_uri = Settings.load("members", config).amqp_uri
    plain = lookup(config, "COOP_LOG_FORMAT", "json") == "plain"
    return dict(
        config or {},
        AMQP_URI=amqp_uri,
        max_workers=int(lookup(config, "COOP_MAX_WORKERS", "10")),
        HEARTBEAT=60,
        LOGGING=logging_config(json_lines=not plain),
    )
