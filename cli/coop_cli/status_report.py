"""What `coop status` and `coop health` ask: each service's health over RPC, and the depth of
its queues from RabbitMQ's management API (ready, unacknowledged, parked)."""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request

from coop_shared.runtime.topology import management_url


def healths(amqp_uri: str, services, timeout: float, ssl: dict | None = None) -> dict:
    # The project's client: its reply queue is named after the broker user, which a service's
    # own user may declare (a container's health check runs as that user), and it speaks TLS
    # when `ssl` is given (coop_shared.settings.amqp_ssl).
    from coop_shared.client import connect

    answers = {}
    with connect(amqp_uri, None, timeout=timeout, ssl=ssl) as rpc:
        for name in services:
            try:
                answers[name] = getattr(rpc, name).health()
            except Exception as exc:  # report every service, even when one is down
                answers[name] = {"service": name, "status": "unreachable", "error": type(exc).__name__}
    return answers


def queue_depths(amqp_uri: str, management: str | None = None) -> list[dict] | None:
    """Queues of the broker's vhost with their depths; None when the management API is unreachable."""
    base, vhost, credentials = management_url(amqp_uri)
    if management:
        parts = urllib.parse.urlsplit(management)
        base = f"{parts.scheme}://{parts.hostname}:{parts.port or 15672}"
        if parts.username:
            credentials = (
                f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
            )
    request = urllib.request.Request(f"{base}/api/queues/{urllib.parse.quote(vhost, safe='')}")
    request.add_header("authorization", "Basic " + base64.b64encode(credentials.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return [
                {
                    "name": q["name"],
                    "ready": q.get("messages_ready", 0),
                    "unacked": q.get("messages_unacknowledged", 0),
                    "consumers": q.get("consumers", 0),
                }
                for q in json.load(answer)
            ]
    except OSError:
        return None


def _owner(queue: str) -> str | None:
    """The service a queue belongs to: rpc-<service>, evt-…--<service>.<handler>[.retry|.parked]."""
    if queue.startswith("rpc-"):
        return queue[4:]
    if "--" in queue:
        return queue.split("--", 1)[1].split(".", 1)[0]
    return None


def table(healths: dict, queues: list[dict] | None) -> str:
    header = (
        "service",
        "status",
        "version",
        "database",
        "outbox",
        "queued",
        "unacked",
        "parked",
        "consumers",
    )
    rows = [header]
    for name, health in healths.items():
        own = [q for q in queues or [] if _owner(q["name"]) == name]
        live = [q for q in own if not q["name"].endswith((".retry", ".parked"))]
        parked = sum(q["ready"] for q in own if q["name"].endswith(".parked"))
        rpc_queue = next((q for q in own if q["name"] == f"rpc-{name}"), None)
        rows.append(
            (
                name,
                health.get("status", "?"),
                health.get("version", "-"),
                health.get("database", "-"),
                str(health.get("outbox_backlog", "-")),
                str(sum(q["ready"] for q in live)) if queues is not None else "?",
                str(sum(q["unacked"] for q in live)) if queues is not None else "?",
                str(parked) if queues is not None else "?",
                str(rpc_queue["consumers"]) if rpc_queue else "0",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()
        for row in rows
    ]
    if queues is None:
        lines.append(
            "(queue depths unknown: RabbitMQ management API unreachable; set COOP_RABBIT_MANAGEMENT)"
        )
    return "\n".join(lines)
