"""The suite as operators run it: the image built from deploy/Dockerfile, migrations, the bus
and every service as a container with host networking against this machine's RabbitMQ and
PostgreSQL (every packet stays on loopback), then the integrator's smoke scenario through them
(docs/adr/010-containers-and-operations.md)."""

from __future__ import annotations

import json
import os
import time
import urllib.request
import uuid

import pytest

from tests import support
from tests.integration import billing_setup

docker = pytest.importorskip("docker")
BASE_IMAGE = os.environ.get("COOP_TEST_BASE_IMAGE", "coop-base/python:3.11-bookworm")
IMAGE = "coop-backoffice:test"


@pytest.fixture(scope="module")
def engine():
    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except Exception as exc:
        pytest.skip(
            f"no Docker engine reachable ({type(exc).__name__}: {exc}); run deploy/tools/docker-offline-base"
        )
    try:
        client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.skip(
            f"base image {BASE_IMAGE} missing and no registry here; run deploy/tools/docker-offline-base"
        )
    return client


@pytest.fixture(scope="module")
def image(engine):
    started = time.monotonic()
    built, _ = engine.images.build(
        path=str(support.ROOT),
        dockerfile="deploy/Dockerfile",
        tag=IMAGE,
        rm=True,
        buildargs={"BASE_IMAGE": BASE_IMAGE},
        network_mode="host",
    )
    print(f"\nimage {IMAGE} built in {time.monotonic() - started:.0f} s")
    return built


def test_the_image_runs_the_suite_healthy_and_an_invoice_is_issued_and_paid_through_it(
    engine, image, suite_settings, rpc_client, tmp_path
):
    smtp_port = support.free_port()
    smtp = support.start_receiver("smtp", smtp_port, tmp_path / "mail", tmp_path / "smtp.log")
    ports = {name: support.free_port() for name in support.SERVICES}
    settings = {k: v for k, v in suite_settings.items() if k != "COOP_DATA_DIR"}
    settings.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        COOP_MAIL_FROM="factures@coop.example",
        COOP_DELIVERY_POLL_SECONDS="0.5",
    )
    containers = []
    try:
        for step in (["migrate"], ["topology"]):
            output = engine.containers.run(
                image.id, step, environment=settings, network_mode="host", remove=True
            )
            assert output, step
        for name in support.SERVICES:
            containers.append(
                engine.containers.run(
                    image.id,
                    ["serve", name],
                    name=f"coop-test-{name}-{uuid.uuid4().hex[:6]}",
                    detach=True,
                    network_mode="host",
                    environment=dict(settings, COOP_METRICS_PORT=str(ports[name])),
                )
            )

        probe = rpc_client(timeout=3)

        def healthy():
            for container in containers:
                container.reload()
                assert container.status in ("created", "running"), container.logs().decode()[-2000:]
            try:
                return all(getattr(probe, name).health()["status"] == "ok" for name in support.SERVICES)
            except Exception:
                return False

        support.wait_for(
            healthy, timeout=90, interval=1, message=f"{len(support.SERVICES)} healthy service containers"
        )

        world = billing_setup.build(rpc_client)
        invoice = world.dies.issue_invoice(
            world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"]
        )
        paid = world.dies.record_payment(
            {
                "amount": invoice["total_incl_vat"],
                "value_date": invoice["issue_date"],
                "bank_reference": "CONTAINER-1",
                "structured_communication": invoice["structured_communication"],
            }
        )
        assert paid["status"] == "matched"
        assert world.dies.get_invoice(invoice["id"])["status"] == "paid"
        assert world.dies.get_activity_account(world.activity["id"])["balance"] == "900.01"  # 1000.01 − 10 %
        support.wait_for(
            lambda: support.received(tmp_path / "mail", ".eml"),
            timeout=30,
            message="the invoice e-mail sent by the notifications container",
        )

        with urllib.request.urlopen(f"http://127.0.0.1:{ports['billing']}/metrics", timeout=5) as answer:
            metrics = answer.read().decode()
        assert 'coop_rpc_calls_total{method="issue_invoice",outcome="ok",service="billing"} 1.0' in metrics
        assert 'coop_outbox_backlog{service="billing"}' in metrics

        lines = [
            json.loads(line) for line in containers[1].logs().decode().splitlines() if line.startswith("{")
        ]
        issued = [line for line in lines if "billing.issue_invoice" in line["message"]]
        assert (
            issued
            and issued[0]["cooperative"] == "dies"
            and issued[0]["call_id"].startswith("billing.issue_invoice")
        )

        status = engine.containers.run(
            image.id, ["status"], environment=settings, network_mode="host", remove=True
        ).decode()
        assert [line.split()[:2] for line in status.splitlines()[1 : 1 + len(support.SERVICES)]] == [
            [name, "ok"] for name in support.SERVICES
        ]
    finally:
        for container in containers:
            container.remove(force=True)
        support.stop_process(smtp, grace=5)
