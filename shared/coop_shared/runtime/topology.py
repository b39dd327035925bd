"""Declare the bus before traffic: event exchanges, every consumer queue and its binding, and
the `message-ttl` policy on RPC queues.

An event published before its consumer's queue exists is routed nowhere and dropped
(docs/nameko-delivery.md); declaring the queues at deploy closes that window. A request that
waits in `rpc-<service>` longer than any client waits would run after its caller gave up, so
RPC queues drop requests older than `RPC_MESSAGE_TTL_MS`.
"""

from __future__ import annotations

import base64
import inspect
import json
import logging
import shutil
import subprocess
import urllib.parse
import urllib.request

from kombu import Connection, Queue
from nameko.events import SERVICE_POOL, EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.rpc import get_rpc_exchange
from nameko.standalone.events import get_event_exchange

from coop_shared.event_catalogue import CATALOGUE

log = logging.getLogger(__name__)
RPC_MESSAGE_TTL_MS = 120_000


def event_subscriptions(service_cls):
    """(source service, event type, queue name) of each pooled event handler of `service_cls`."""
    for method_name, method in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, EventHandler) and entrypoint.handler_type == SERVICE_POOL:
                queue = f"evt-{entrypoint.source_service}-{entrypoint.event_type}--{service_cls.name}.{method_name}"
                yield entrypoint.source_service, entrypoint.event_type, queue


def declare_event_queues(amqp_uri: str, service_classes, config=None, ssl=None) -> list[str]:
    """Declare exchanges, durable queues and bindings exactly as nameko will (idempotent).

    Every source's exchange of the catalogue is declared here, by the operator: the services
    run with `DECLARE_EVENT_EXCHANGES` false, so that no service's broker user needs the right
    to declare (or delete) another service's exchange (coop_shared.runtime.broker_users)."""
    declared = []
    exchange_config = {k: v for k, v in (config or {}).items() if k != "DECLARE_EVENT_EXCHANGES"}
    with Connection(amqp_uri, ssl=ssl or False) as connection:
        channel = connection.default_channel
        get_rpc_exchange(exchange_config)(channel).declare()  # integrators only check it exists
        for source in sorted({event.source for event in CATALOGUE.values()}):
            get_event_exchange(source, exchange_config)(channel).declare()
        for service_cls in service_classes:
            for source, event_type, queue_name in event_subscriptions(service_cls):
                exchange = get_event_exchange(source, exchange_config)
                Queue(
                    queue_name,
                    exchange=exchange,
                    routing_key=event_type,
                    durable=True,
                    auto_delete=False,
                    exclusive=False,
                )(channel).declare()
                declared.append(queue_name)
    return declared


def management_url(amqp_uri: str, management_port: int = 15672) -> tuple[str, str, str]:
    parts = urllib.parse.urlparse(amqp_uri)
    vhost = urllib.parse.unquote(parts.path[1:]) if parts.path not in ("", "/") else "/"
    base = f"http://{parts.hostname or 'localhost'}:{management_port}"
    return base, vhost, f"{parts.username or 'guest'}:{parts.password or 'guest'}"


def set_rpc_ttl_policy(amqp_uri: str, ttl_ms: int = RPC_MESSAGE_TTL_MS) -> str:
    """Set the policy through the management API, else rabbitmqctl; say which worked."""
    definition = {
        "pattern": "^rpc-",
        "apply-to": "queues",
        "priority": 0,
        "definition": {"message-ttl": ttl_ms},
    }
    base, vhost, credentials = management_url(amqp_uri)
    url = f"{base}/api/policies/{urllib.parse.quote(vhost, safe='')}/coop-rpc-ttl"
    request = urllib.request.Request(
        url, data=json.dumps(definition).encode(), method="PUT", headers={"content-type": "application/json"}
    )
    request.add_header("authorization", "Basic " + base64.b64encode(credentials.encode()).decode())
    try:
        urllib.request.urlopen(request, timeout=5).close()
        return "management-api"
    except OSError as exc:
        log.info("management API unreachable (%s); trying rabbitmqctl", exc)
    if shutil.which("rabbitmqctl"):
        subprocess.run(
            [
                "rabbitmqctl",
                "set_policy",
                "-p",
                vhost,
                "--apply-to",
                "queues",
                "coop-rpc-ttl",
                "^rpc-",
                json.dumps({"message-ttl": ttl_ms}),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        return "rabbitmqctl"
    log.warning("RPC message-ttl policy NOT set: no management API and no rabbitmqctl")
    return "not-set"
