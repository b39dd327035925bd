"""`docker compose up` for real: deploy/compose.yaml with deploy/compose.offline.yaml (broker and
database built from Debian packages on the offline base image, a mail catcher that requires
STARTTLS), brought up, every health check green, then the integrator's smoke scenario through
it: an invoice issued, paid, and its e-mail kept by the stack's mail catcher; then `down -v`
(docs/adr/022-deployment-least-privilege.md).

Where packets go: the test talks to the stack only through the ports it publishes on 127.0.0.1;
the containers talk to each other on the stack's own Docker bridge network (a network namespace
this machine made); the builds use the host network only for the package archives.
"""

from __future__ import annotations

import email
import email.policy
import ipaddress
import os
import secrets
import shutil
import subprocess
import time
import uuid

import pytest
import requests

from tests import support
from tests.integration import billing_setup

docker = pytest.importorskip("docker")
BASE_IMAGE = os.environ.get("COOP_TEST_BASE_IMAGE", "coop-base/python:3.11-bookworm")
DEPLOY = support.ROOT / "deploy"
FILES = ["-f", str(DEPLOY / "compose.yaml"), "-f", str(DEPLOY / "compose.offline.yaml")]
SERVICES = support.SERVICES
JOBS = ["tls", *(f"migrate-{name}" for name in SERVICES), "topology"]
LONG_RUNNING = ["rabbitmq", "postgres", "mail", *SERVICES, "web"]
INTEGRATOR = "compose-smoke"


def compose_command() -> list[str] | None:
    """Docker's compose plugin, else the standalone docker-compose (Debian's package)."""
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def secret() -> str:
    return secrets.token_urlsafe(24)


@pytest.fixture(scope="module")
def engine():
    try:
        client = docker.from_env(timeout=600)
        client.ping()
        client.images.get(BASE_IMAGE)
    except Exception as exc:
        pytest.skip(
            f"no Docker engine or no {BASE_IMAGE} ({type(exc).__name__}); run deploy/tools/docker-offline-base"
        )
    if compose_command() is None:
        pytest.skip("no compose CLI; run deploy/tools/docker-offline-base (installs docker-compose)")
    return client


@pytest.fixture(scope="module")
def stack(engine, tmp_path_factory):
    folder = tmp_path_factory.mktemp("compose")
    project = f"cooptest{uuid.uuid4().hex[:8]}"
    settings = {
        "COOP_IMAGE": "coop-backoffice:compose-test",
        "BASE_IMAGE": BASE_IMAGE,
        "RABBITMQ_USER": "coop-operator",
        "RABBITMQ_PASSWORD": secret(),
        "RABBITMQ_PORT": str(support.free_port()),
        "RABBITMQ_MANAGEMENT_PORT": str(support.free_port()),
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": secret(),
        **{f"{name.upper()}_DB_PASSWORD": secret() for name in SERVICES},
        **{f"{name.upper()}_BROKER_PASSWORD": secret() for name in (*SERVICES, "web")},
        "WEB_PORT": str(support.free_port()),
        "COOP_PLATFORM_KEY": support.PLATFORM_KEY,
        "COOP_SERVICE_KEY": "svc-" + secret(),
        "COOP_WEB_SECRET_KEY": secret(),
        "COOP_DATA_KEY": "k1:" + secrets.token_urlsafe(40),
        "SMTP_HOST": "mail",
        "SMTP_PORT": "8025",
        "COOP_MAIL_FROM": "factures@coop.example",
        "COOP_MAIL_CATCHER_DIR": str(folder / "mail"),
        "COOP_DELIVERY_POLL_SECONDS": "0.5",
        "COOP_EVENT_RETRY_DELAYS": "0.5,1",
        "COOP_HEALTHCHECK_INTERVAL": "3s",
    }
    env_file = folder / "stack.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    base = compose_command() + ["-p", project, *FILES, "--env-file", str(env_file)]

    def compose(*args, check=True, timeout=300):
        started = time.monotonic()
        done = subprocess.run(
            [*base, *args], capture_output=True, text=True, timeout=timeout, env=dict(os.environ)
        )
        print(f"compose {args[0]}: {time.monotonic() - started:.0f} s")
        if check and done.returncode != 0:
            raise AssertionError(
                f"compose {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done

    try:
        compose("build")  # once, every image; cached layers make a code change cost one small layer
        compose("up", "-d")
        yield {"compose": compose, "settings": settings, "project": project, "mail": folder / "mail"}
    finally:
        logs = compose("logs", "--no-color", "--tail", "60", check=False, timeout=60)
        (folder / "stack.log").write_text(logs.stdout + logs.stderr)
        compose("down", "-v", "--remove-orphans", "--timeout", "5", check=False, timeout=120)


def containers(engine, project) -> dict:
    found = engine.containers.list(all=True, filters={"label": f"com.docker.compose.project={project}"})
    return {c.labels["com.docker.compose.service"]: c for c in found}


def all_green(engine, project) -> bool:
    running = containers(engine, project)
    for job in JOBS:
        state = running[job].attrs["State"] if job in running else None
        if state and state["Status"] == "exited" and state["ExitCode"] != 0:
            raise AssertionError(f"{job} failed: {running[job].logs().decode()[-2000:]}")
    if any(running.get(job) is None or running[job].attrs["State"]["Status"] != "exited" for job in JOBS):
        return False
    for name in LONG_RUNNING:
        container = running.get(name)
        if container is None:
            return False
        state = container.attrs["State"]
        if state["Status"] != "running":
            raise AssertionError(f"{name} is {state['Status']}: {container.logs().decode()[-2000:]}")
        if state.get("Health", {}).get("Status") != "healthy":
            return False
    return True


def copy_out(container, path: str, folder) -> object:
    """One file of a container, copied to `folder` (the Docker API hands it as a tar stream)."""
    import io
    import tarfile

    stream, _ = container.get_archive(path)
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as archive:
        member = archive.getmembers()[0]
        target = folder / member.name
        target.write_bytes(archive.extractfile(member).read())
    return target


def report(engine, project) -> str:
    """Each container's state and its last health check output: what an operator would read."""
    lines = []
    for name, container in sorted(containers(engine, project).items()):
        state = container.attrs["State"]
        health = state.get("Health") or {}
        last = (health.get("Log") or [{}])[-1].get("Output", "").strip().splitlines()[-1:]  # one line
        lines.append(
            f"{name}: {state['Status']} {state.get('ExitCode')} {health.get('Status', '')} {' '.join(last)}"
        )
    return "\n".join(lines)


def test_the_compose_stack_comes_up_healthy_and_an_invoice_is_issued_paid_and_mailed_through_it(
    engine, stack
):
    from kombu import Connection

    from coop_shared.client import connect
    from coop_shared.runtime import broker_users
    from coop_shared.settings import amqp_ssl

    project, settings = stack["project"], stack["settings"]
    try:
        support.wait_for(
            lambda: all_green(engine, project), timeout=180, interval=2, message="every health check green"
        )
    except AssertionError:
        raise AssertionError(f"the stack did not come up green:\n{report(engine, project)}") from None
    running = containers(engine, project)

    # Nothing is published beyond loopback, and the metrics port is not published at all.
    for name, container in running.items():
        for private, bindings in (container.attrs["NetworkSettings"]["Ports"] or {}).items():
            for binding in bindings or []:
                assert binding["HostIp"] == "127.0.0.1", (name, private, binding)
            assert not bindings or private in ("5671/tcp", "15672/tcp", "8000/tcp"), (name, private)
    # The containers' own network is a Docker bridge in a private range this machine made.
    network = engine.networks.get(f"{project}_default")
    subnet = ipaddress.ip_network(network.attrs["IPAM"]["Config"][0]["Subnet"])
    assert network.attrs["Driver"] == "bridge" and subnet.is_private

    # Each container holds only its own secrets.
    for name in SERVICES:
        env = dict(line.split("=", 1) for line in running[name].attrs["Config"]["Env"])
        urls = sorted(k for k in env if k.endswith("_DATABASE_URL"))
        assert urls == [f"{name.upper()}_DATABASE_URL"], (name, urls)
        assert env[urls[0]].startswith(f"postgresql+psycopg2://coop_{name}:"), name
        assert env["AMQP_URI"].startswith(f"amqps://coop-{name}:"), name
        assert ("COOP_PLATFORM_KEY" in env) == (name == "members"), name
        assert ("SMTP_HOST" in env) == (name == "notifications"), name
        assert settings["RABBITMQ_PASSWORD"] not in "".join(env.values()), name
        assert settings["POSTGRES_PASSWORD"] not in "".join(env.values()), name

    # The HTTP gateway: its own broker user, no database, no key of the suite.
    env = dict(line.split("=", 1) for line in running["web"].attrs["Config"]["Env"])
    assert env["AMQP_URI"].startswith("amqps://coop-web:")
    assert not [k for k in env if k.endswith("_DATABASE_URL")]
    assert not {"COOP_PLATFORM_KEY", "COOP_SERVICE_KEY", "COOP_DATA_KEY", "SMTP_HOST"} & set(env)
    assert settings["RABBITMQ_PASSWORD"] not in "".join(env.values())

    # A service's database role is no superuser and cannot open another service's database.
    postgres = running["postgres"]
    billing_url = f"postgresql://coop_billing:{settings['BILLING_DB_PASSWORD']}@127.0.0.1:5432"
    own = postgres.exec_run(
        [
            "psql",
            f"{billing_url}/coop_billing",
            "-Atc",
            "select rolsuper from pg_roles where rolname = current_user",
        ]
    )
    assert own.exit_code == 0 and own.output.decode().strip() == "f", own.output
    other = postgres.exec_run(["psql", f"{billing_url}/coop_members", "-Atc", "select 1"])
    assert other.exit_code != 0 and b"permission denied for database" in other.output, other.output

    # An integrator's own broker user, declared by the operator through the management API.
    password = secret()
    management = broker_users.Management(
        f"http://{settings['RABBITMQ_USER']}:{settings['RABBITMQ_PASSWORD']}@127.0.0.1:{settings['RABBITMQ_MANAGEMENT_PORT']}"
    )
    management.declare(broker_users.client_grant(INTEGRATOR), "coop", password)
    # The broker speaks TLS only: the integrator trusts the CA the stack's `tls` job made.
    ca_file = copy_out(running["rabbitmq"], "/etc/coop/tls/ca.pem", stack["mail"].parent)
    amqp_uri = f"amqps://{INTEGRATOR}:{password}@127.0.0.1:{settings['RABBITMQ_PORT']}/coop"
    tls = amqp_ssl({"AMQP_URI": amqp_uri, "COOP_AMQP_SSL_CA_FILE": str(ca_file)})
    plain = amqp_uri.replace("amqps://", "amqp://")
    with pytest.raises(OSError):  # no clear-text AMQP answers on the published port
        Connection(plain, connect_timeout=5).connect()
    proxies = []

    def rpc_client(secret_key=None, timeout=20):
        proxy = connect(amqp_uri, secret_key, timeout=timeout, ssl=tls)
        proxies.append(proxy)
        return proxy.start()

    try:
        world = billing_setup.build(rpc_client)
        invoice = world.dies.issue_invoice(
            world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"]
        )
        paid = world.dies.record_payment(
            {
                "amount": invoice["total_incl_vat"],
                "value_date": invoice["issue_date"],
                "bank_reference": "COMPOSE-1",
                "structured_communication": invoice["structured_communication"],
            }
        )
        assert paid["status"] == "matched"
        assert world.dies.get_invoice(invoice["id"])["status"] == "paid"
        assert world.dies.get_activity_account(world.activity["id"])["balance"] == "900.01"  # 1000.01 − 10 %
    finally:
        for proxy in proxies:
            proxy.stop()

    # The same invoice through the HTTP API, published on 127.0.0.1 only: the gateway asks
    # billing over the bus as `coop-web`, with the caller's key; another cooperative gets a 404.
    web = f"http://127.0.0.1:{settings['WEB_PORT']}"
    health = requests.get(f"{web}/health", timeout=20)
    assert health.status_code == 200, health.text
    assert health.json() == {"status": "ok", "services": dict.fromkeys(SERVICES, "ok")}
    seen = requests.get(
        f"{web}/api/v1/invoices/{invoice['id']}",
        headers={"Authorization": f"Bearer {world.keys['dies']}"},
        timeout=20,
    )
    assert seen.status_code == 200, seen.text
    assert (seen.json()["number"], seen.json()["status"]) == (invoice["number"], "paid")
    assert seen.json()["total_incl_vat"] == invoice["total_incl_vat"]
    hidden = requests.get(
        f"{web}/api/v1/invoices/{invoice['id']}",
        headers={"Authorization": f"Bearer {world.keys['brucoop']}"},
        timeout=20,
    )
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found", hidden.text
    anonymous = requests.get(f"{web}/api/v1/invoices/{invoice['id']}", timeout=20)
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"

    def mails_to_customer():
        kept = [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in support.received(stack["mail"], ".eml")
        ]
        return [m for m in kept if m["To"] == "boekhouding@peeters.example"]

    to_customer = support.wait_for(
        mails_to_customer, timeout=60, interval=0.5, message="the invoice e-mail to the customer"
    )
    assert any(invoice["number"] in m["Subject"] + m.get_body(("plain",)).get_content() for m in to_customer)
    # The catcher refuses mail without STARTTLS: what it kept came over TLS, verified by name.
    kept_lines = [line for line in running["mail"].logs().decode().splitlines() if line.startswith("kept ")]
    assert kept_lines and all(line.endswith("(tls: True)") for line in kept_lines), kept_lines


def test_a_service_with_an_example_secret_refuses_to_start(engine, stack):
    done = stack["compose"](
        "run",
        "--rm",
        "--no-deps",
        "-e",
        "COOP_SERVICE_KEY=change-me-service-key",
        "billing",
        check=False,
        timeout=60,
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    refusal = [line for line in done.stderr.splitlines() if "refusing to start" in line]
    assert len(refusal) == 1 and "COOP_SERVICE_KEY" in refusal[0], done.stderr
