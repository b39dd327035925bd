"""Real infrastructure for the tests: a fresh RabbitMQ vhost and fresh PostgreSQL databases
per test, and the running suite. Nothing here fakes the broker or the database: if either is
down, the tests that use them fail."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
AMQP_HOST = os.environ.get("COOP_TEST_AMQP_HOST", "127.0.0.1:5672")
MANAGEMENT = os.environ.get("COOP_TEST_RABBIT_MANAGEMENT", "http://guest:guest@127.0.0.1:15672")
PG_ADMIN = os.environ.get("COOP_TEST_POSTGRES", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
SERVICES = ("members", "billing", "payroll", "notifications", "accounting")
PLATFORM_KEY = "platform-key-for-tests-only"
SERVICE_KEY = "service-key-for-tests-only"  # a secret of its own (docs/adr/019)


@contextmanager
def fresh_vhost():
    """A RabbitMQ vhost for one test, deleted afterwards (management API on port 15672)."""
    name = f"coop-test-{uuid.uuid4().hex[:10]}"
    api = f"{MANAGEMENT}/api"
    requests.put(f"{api}/vhosts/{name}", timeout=10).raise_for_status()
    requests.put(
        f"{api}/permissions/{name}/guest", json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10
    ).raise_for_status()
    try:
        yield f"amqp://guest:guest@{AMQP_HOST}/{name}"
    finally:
        requests.delete(f"{api}/vhosts/{name}", timeout=10)


def queue_depths(amqp_uri: str) -> dict:
    vhost = amqp_uri.rsplit("/", 1)[1]
    answer = requests.get(f"{MANAGEMENT}/api/queues/{vhost}", timeout=10)
    answer.raise_for_status()
    return {q["name"]: q.get("messages", 0) for q in answer.json()}


@contextmanager
def fresh_databases(services=SERVICES):
    """One new PostgreSQL database per service; yields the `*_DATABASE_URL` settings."""
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    prefix = f"coop_t_{uuid.uuid4().hex[:10]}"
    urls = {}
    with admin.connect() as conn:
        for service in services:
            conn.execute(sa.text(f'CREATE DATABASE "{prefix}_{service}"'))
            urls[f"{service.upper()}_DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + f"/{prefix}_{service}"
    try:
        yield urls
    finally:
        with admin.connect() as conn:
            for service in services:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{prefix}_{service}" WITH (FORCE)'))
        admin.dispose()


def sql(url: str, query: str, **params) -> list:
    """Rows of a query on a service's database, read the way an auditor would."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(query), params).all()
    finally:
        engine.dispose()


def count(url: str, query: str, **params) -> int:
    return sql(url, query, **params)[0][0]


def outbox_bodies(url: str, event_type: str) -> list[dict]:
    """The events a service recorded in its outbox, oldest first, as they went on the bus."""
    return [
        row[0] for row in sql(url, "select body from outbox where event_type = :t order by id", t=event_type)
    ]


def publish_raw(amqp_uri: str, source: str, event_type: str, body: dict, user_id: str | None = "") -> None:
    """What a second relay (or a redelivery after a crash) would put on the bus: with the
    connection's user as `user_id`, as the relay sets it (None: no user_id at all)."""
    from kombu import Connection, Producer
    from nameko.standalone.events import get_event_exchange

    from coop_shared.runtime.event_origin import broker_user

    properties = {} if user_id is None else {"user_id": user_id or broker_user(amqp_uri)}
    with Connection(amqp_uri) as connection:
        Producer(connection.default_channel).publish(
            body,
            exchange=get_event_exchange(source, {}),
            routing_key=event_type,
            serializer="json",
            delivery_mode=2,
            **properties,
        )


def wait_for(predicate, timeout=20.0, interval=0.05, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def coop_command() -> list[str]:
    return [sys.executable, "-m", "coop_cli"]


def suite_env(settings: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update(settings)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_process(args, settings: dict, log_path: Path) -> subprocess.Popen:
    with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(args, env=suite_env(settings), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


def stop_process(process, grace=20):
    """SIGTERM (nameko finishes in-flight work), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def admin_keys(rpc_client, *cooperatives: dict) -> dict[str, str]:
    """Create each cooperative with the platform key; its first admin key's secret, by slug."""
    platform = rpc_client(PLATFORM_KEY).members
    keys = {}
    for cooperative in cooperatives:
        platform.create_cooperative(cooperative)
        keys[cooperative["slug"]] = platform.issue_api_key(
            {"cooperative": cooperative["slug"], "role": "admin", "label": "first admin"}
        )["secret"]
    return keys


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_receiver(kind: str, port: int, folder: Path, log_path: Path) -> subprocess.Popen:
    """A real SMTP or HTTP server on loopback (tests/receivers.py), listening when this returns."""
    import socket

    process = start_process(
        [sys.executable, "-m", "tests.receivers", kind, str(port), str(folder)], {}, log_path
    )

    def listening():
        if process.poll() is not None:
            raise AssertionError(f"{kind} receiver exited: {log_path.read_text()}")
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    wait_for(listening, timeout=20, message=f"{kind} receiver on {port}")
    return process


def received(folder: Path, suffix: str) -> list[Path]:
    return sorted(folder.glob(f"*{suffix}")) if folder.exists() else []


def run_in_process(config: dict, names):
    """Migrate the named services' databases, declare the bus, start them in this process."""
    from coop_cli import suite

    suite.migrate(names, config)
    suite.declare_topology(config)
    if any(f"{name.upper()}_AMQP_URI" in config for name in names):
        # Each service as its own broker user (coop_shared.runtime.broker_users): one runner
        # per service, each with its own AMQP_URI.
        return Runners([_started(suite.service_config(name, config), [name]) for name in names])
    return _started(config, names)


def _started(config: dict, names):
    from nameko.runners import ServiceRunner

    from coop_cli import suite

    runner = ServiceRunner(config)
    for name in names:
        runner.add_service(suite.service_class(name))
    runner.start()
    return runner


class Runners:
    """Several ServiceRunners stopped together."""

    def __init__(self, runners):
        self.runners = runners

    def kill(self):
        for runner in self.runners:
            runner.kill()


@contextmanager
def suite_in_process(names=SERVICES, **settings):
    """A fresh vhost and databases, the named services started in this process, and
    `client(secret, timeout)` for ClusterRpcProxy clients closed on exit."""
    from types import SimpleNamespace

    from coop_cli import suite
    from coop_shared.client import connect

    with fresh_vhost() as amqp_uri, fresh_databases() as databases:
        runner = run_in_process(
            suite.nameko_config(
                {
                    "AMQP_URI": amqp_uri,
                    **databases,
                    "COOP_PLATFORM_KEY": PLATFORM_KEY,
                    "COOP_SERVICE_KEY": SERVICE_KEY,
                    **settings,
                }
            ),
            names,
        )
        proxies = []

        def client(secret=None, timeout=60):
            proxy = connect(amqp_uri, secret, timeout=timeout)
            proxies.append(proxy)
            return proxy.start()

        try:
            yield SimpleNamespace(amqp_uri=amqp_uri, databases=databases, client=client)
        finally:
            for proxy in proxies:
                proxy.stop()
            runner.kill()
