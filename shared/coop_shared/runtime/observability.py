"""What operators see of a running service: one JSON log line per event with the service, the
call id and the cooperative; Prometheus metrics of RPC calls (count, latency, errors), events
handled and the outbox backlog (docs/adr/010-containers-and-operations.md).

The log context lives in a thread-local, which eventlet turns into a greenthread-local: each
worker has its own, set when the worker starts and cleared when it ends. The cooperative is
added when the caller's credential is resolved, or when an event names it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.timer import Timer
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily

from coop_shared.errors import CoopError
from coop_shared.settings import lookup

_context = threading.local()
access_log = logging.getLogger("coop.access")

RPC_CALLS = Counter(
    "coop_rpc_calls_total",
    "RPC calls answered, by outcome (ok, refused: a typed error; error)",
    ["service", "method", "outcome"],
)
RPC_LATENCY = Histogram(
    "coop_rpc_latency_seconds",
    "Time to answer an RPC call",
    ["service", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
EVENTS = Counter(
    "coop_events_handled_total",
    "Events handled, by outcome (handled, duplicate, error)",
    ["service", "handler", "outcome"],
)
TIMER_RUNS = Counter("coop_timer_runs_total", "Timer runs, by outcome", ["service", "timer", "outcome"])
UP = Gauge("coop_service_up", "1 while the service runs in this process", ["service", "version"])


def set_cooperative(cooperative: str | None) -> None:
    """Name the cooperative this worker acts for in every later log line."""
    if cooperative:
        _context.cooperative = cooperative


def current() -> dict:
    return {
        "service": getattr(_context, "service", None),
        "call_id": getattr(_context, "call_id", None),
        "cooperative": getattr(_context, "cooperative", None),
    }


class ContextFilter(logging.Filter):
    """Adds `service`, `call_id` and `cooperative` to every record (None outside a worker)."""

    def filter(self, record):
        for key, value in current().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log collectors (Loki, Elastic, CloudWatch) index."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": getattr(record, "service", None),
            "call_id": getattr(record, "call_id", None),
            "cooperative": getattr(record, "cooperative", None),
        }
        for key in ("outcome", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(json_lines: bool = True) -> dict:
    """The `LOGGING` of a nameko config: JSON (default) or plain lines, with the context."""
    formatter = (
        {"()": "coop_shared.runtime.observability.JsonFormatter"}
        if json_lines
        else {
            "format": "%(asctime)s %(levelname)s %(service)s %(call_id)s %(cooperative)s %(name)s %(message)s"
        }
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "coop_shared.runtime.observability.ContextFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "main", "filters": ["context"]}
        },
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "nameko": {"level": "WARNING"},
            "kombu": {"level": "WARNING"},
            "alembic": {"level": "WARNING"},
            "amqp": {"level": "WARNING"},
        },
    }


class _Backlogs:
    """`coop_outbox_backlog{service}` read from each service's database when scraped."""

    def __init__(self):
        self.sources = {}

    def collect(self):
        family = GaugeMetricFamily(
            "coop_outbox_backlog", "Events committed but not yet on the bus", labels=["service"]
        )
        for service, read in list(self.sources.items()):
            try:
                family.add_metric([service], read())
            except Exception:  # a scrape reports what it can; the database may be down
                continue
        yield family


_backlogs = _Backlogs()
REGISTRY.register(_backlogs)
_server_lock = threading.Lock()
_server_port: list[int] = []


def serve_metrics(port: int, address: str = "0.0.0.0") -> None:
    """Start the process's /metrics endpoint once (several services in one process share it)."""
    with _server_lock:
        if not _server_port:
            start_http_server(port, addr=address)
            _server_port.append(port)


class Observer(DependencyProvider):
    """Sets the log context of each worker and counts what it did."""

    def setup(self):
        config = self.container.config
        self.service = self.container.service_name
        port = int(lookup(config, "COOP_METRICS_PORT", "0") or 0)
        if port:
            serve_metrics(port, lookup(config, "COOP_METRICS_ADDRESS", "0.0.0.0"))
        service_cls = self.container.service_cls
        UP.labels(self.service, getattr(service_cls, "version", "?")).set(1)
        database = getattr(service_cls, "uow", None)
        if database is not None:
            provider = next((d for d in self.container.dependencies if d.attr_name == "uow"), None)
            if provider is not None:
                from coop_shared.runtime.outbox_relay import backlog

                _backlogs.sources[self.service] = lambda: backlog(provider.engine, provider.outbox)

    def stop(self):
        _backlogs.sources.pop(self.service, None)
        UP.labels(self.service, getattr(self.container.service_cls, "version", "?")).set(0)

    kill = stop

    def worker_setup(self, worker_ctx):
        _context.service, _context.call_id, _context.cooperative = self.service, worker_ctx.call_id, None
        _context.started = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        entrypoint = worker_ctx.entrypoint
        method = entrypoint.method_name
        elapsed = time.perf_counter() - getattr(_context, "started", time.perf_counter())
        failed = exc_info is not None
        if isinstance(entrypoint, Rpc):
            kind, outcome = (
                "rpc",
                "ok" if not failed else ("refused" if isinstance(exc_info[1], CoopError) else "error"),
            )
            RPC_CALLS.labels(self.service, method, outcome).inc()
            RPC_LATENCY.labels(self.service, method).observe(elapsed)
        elif isinstance(entrypoint, EventHandler):
            kind, outcome = (
                "event",
                "error" if failed else ("duplicate" if result == "duplicate" else "handled"),
            )
            EVENTS.labels(self.service, method, outcome).inc()
        elif isinstance(entrypoint, Timer):
            kind, outcome = "timer", "error" if failed else "ok"
            TIMER_RUNS.labels(self.service, method, outcome).inc()
        else:
            return
        # One line per unit of work, with its call id and cooperative (ContextFilter).
        access_log.info(
            "%s %s.%s %s %.1f ms",
            kind,
            self.service,
            method,
            outcome,
            elapsed * 1000,
            extra={"outcome": outcome, "duration_ms": round(elapsed * 1000, 1)},
        )

    def worker_teardown(self, worker_ctx):
        _context.service = _context.call_id = _context.cooperative = None

    def get_dependency(self, worker_ctx):
        return set_cooperative
