"""The event pipeline end to end: a payment recorded → the activity credited (in the
same transaction) → the member's e-mail accepted by the mail server, at a steady 100 payments/s.
Target: p95 under 250 ms. Latency = the delivery's `sent_at` minus the moment the payment was
sent (one clock: this machine's)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import eventlet
import pytest

from bench.harness import Processes, measure, percentile, save
from coop_shared.client import connect
from tests import support
from tests.integration import billing_setup

pytestmark = pytest.mark.bench
RATE, SECONDS, INVOICES = 100, 10, 40


def test_payment_to_notification_latency_at_100_per_second(suite_settings, rpc_client, tmp_path):
    smtp_port = support.free_port()
    smtp = support.start_receiver("smtp", smtp_port, tmp_path / "mail", tmp_path / "smtp.log")
    env = dict(suite_settings, COOP_LOG_FORMAT="plain", SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port))
    processes = Processes(env, tmp_path)
    processes.prepare()
    for name in ("members", "billing", "notifications"):
        processes.serve(name)
    processes.start_echo()
    sent_at_call = {}
    try:
        processes.wait_healthy(rpc_client, ("members", "billing", "notifications"))
        world = billing_setup.build(rpc_client)
        amqp, key = suite_settings["AMQP_URI"], world.keys["dies"]
        echo = measure(
            "echo RPC (bare nameko)",
            lambda c, i: c.echo.echo(i),
            500,
            1,
            lambda: connect(amqp, None, timeout=30),
        )
        with connect(amqp, key, timeout=120) as rpc:
            big = billing_setup.two_line_invoice(
                world,
                lines=[
                    {
                        "description": "Forfait annuel",
                        "quantity": "1",
                        "unit_price": "1000000.00",
                        "vat_rate": "0.21",
                    }
                ],
            )
            invoices = [
                rpc.billing.issue_invoice(rpc.billing.create_invoice(big)["id"]) for _ in range(INVOICES)
            ]
        support.wait_for(
            lambda: len(support.received(tmp_path / "mail", ".eml")) >= 2 * INVOICES + 1,
            timeout=120,
            message="the invoice e-mails before the measure",
        )
        proxies = [connect(amqp, key, timeout=60) for _ in range(16)]
        clients = [proxy.start() for proxy in proxies]
        free = eventlet.queue.Queue()
        for client in clients:
            free.put(client)

        def pay(n):
            client = free.get()
            try:
                invoice = invoices[n % INVOICES]
                started = datetime.now(UTC)
                answer = client.billing.record_payment(
                    {
                        "amount": "10.00",
                        "value_date": invoice["issue_date"],
                        "bank_reference": f"P-{n}",
                        "invoice_id": invoice["id"],
                    }
                )
                sent_at_call[answer["payment_id"]] = started
            finally:
                free.put(client)

        pool = eventlet.GreenPool(64)
        started = time.perf_counter()
        for n in range(RATE * SECONDS):  # a steady rate, whatever the answers' speed
            pool.spawn_n(pay, n)
            eventlet.sleep(max(0.0, started + (n + 1) / RATE - time.perf_counter()))
        pool.waitall()
        offered = RATE * SECONDS / (time.perf_counter() - started)
        for proxy in proxies:
            proxy.stop()
        url = suite_settings["NOTIFICATIONS_DATABASE_URL"]
        support.wait_for(
            lambda: (
                support.count(
                    url,
                    "select count(*) from deliveries where event_type = "
                    "'payment_received' and status = 'sent'",
                )
                >= RATE * SECONDS
            ),
            timeout=180,
            message="every payment note sent",
        )
        rows = support.sql(url, "select event, sent_at from deliveries where event_type = 'payment_received'")
        latencies = [
            (sent - sent_at_call[event["payload"]["payment_id"]]).total_seconds() * 1000
            for event, sent in rows
            if event["payload"]["payment_id"] in sent_at_call
        ]
        memory = processes.memory()
    finally:
        processes.stop()
        support.stop_process(smtp, grace=5)
    p50, p95, p99 = (round(percentile(latencies, q), 1) for q in (50, 95, 99))
    target = p95 < 250
    print(
        f"payment → e-mail sent at {offered:.0f}/s offered: p50 {p50} ms, p95 {p95} ms, p99 {p99} ms "
        f"({len(latencies)} payments; echo p50 {echo.p50_ms} ms); target p95 < 250 ms: {target}"
    )
    save(
        "pipeline",
        {
            "echo": echo,
            "offered_per_second": round(offered, 1),
            "payments": len(latencies),
            "p50_ms": p50,
            "p95_ms": p95,
            "p99_ms": p99,
            "target_met": target,
            "resident_mb": memory,
        },
        [
            "| offered payments/s | payments | p50 ms | p95 ms | p99 ms |",
            "|---|---|---|---|---|",
            f"| {offered:.0f} | {len(latencies)} | {p50} | {p95} | {p99} |",
            "",
            f"Echo p50 in the same run: {echo.p50_ms} ms. Target p95 < 250 ms: {'met' if target else 'missed'}. "
            f"Resident memory (MB): {memory}",
        ],
    )
