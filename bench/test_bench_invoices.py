"""The bus's own limit, then the invoice path against it (bench/results/README.md, benchmarks 1 and 2).

    make bench            (or: .venv/bin/pytest -m bench bench -s -k invoices)

Baselines: a bare nameko echo RPC and a bare kombu publish/consume on the same broker.
Then create_invoice + issue_invoice, record_payment and get_activity_account on PostgreSQL,
serially and with 16 concurrent callers, and the latency of the invoice path against load.
"""

from __future__ import annotations

import time
import uuid

import pytest
from kombu import Connection, Consumer, Exchange, Producer, Queue

from bench.harness import RESULTS, Figures, Processes, measure, save, settle, table
from coop_shared.client import connect
from tests import support
from tests.integration import billing_setup

pytestmark = pytest.mark.bench
LOAD_LEVELS = (1, 2, 4, 8, 16)


def kombu_round_trip(amqp_uri: str, messages: int = 2000) -> Figures:
    """Publish then consume `messages` on one queue; latency from publish to delivery."""
    queue = Queue(
        f"bench-{uuid.uuid4().hex[:8]}",
        exchange=Exchange("bench", type="direct"),
        routing_key="bench",
        auto_delete=True,
    )
    latencies = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        queue(channel).declare()
        producer = Producer(channel, exchange=queue.exchange, routing_key="bench")

        def received(body, message):
            latencies.append(time.perf_counter() - body["at"])
            message.ack()

        started = time.perf_counter()
        with Consumer(connection.channel(), [queue], callbacks=[received], accept=["json"]):
            for _ in range(messages):
                producer.publish({"at": time.perf_counter()}, serializer="json")
                connection.drain_events(timeout=5)
        elapsed = time.perf_counter() - started
    ms = sorted(v * 1000 for v in latencies)
    figures = Figures(
        "kombu publish+consume (one at a time)",
        messages,
        round(elapsed, 3),
        round(messages / elapsed, 1),
        round(ms[len(ms) // 2], 2),
        round(ms[int(len(ms) * 0.95)], 2),
        round(ms[int(len(ms) * 0.99)], 2),
    )
    print(figures.line())
    return figures


def plot(levels: list[dict], path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.2))
    throughput = [level["issued"].per_second for level in levels]
    for key, style in (("p50_ms", "o-"), ("p95_ms", "s--"), ("p99_ms", "^:")):
        axis.plot(throughput, [getattr(level["issued"], key) for level in levels], style, label=key[:3])
    for level, x in zip(levels, throughput, strict=False):
        axis.annotate(
            f"{level['concurrency']} callers",
            (x, level["issued"].p50_ms),
            textcoords="offset points",
            xytext=(4, -12),
            fontsize=8,
        )
    axis.plot(throughput, [level["echo"].p50_ms for level in levels], "k.-", label="echo p50 (bus limit)")
    axis.set_xlabel("invoices created and issued per second")
    axis.set_ylabel("latency of create + issue (ms)")
    axis.set_title("Invoice path on PostgreSQL: latency against load (2 cores)")
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def gapless(rpc) -> dict:
    """The invoice numbers of the run: DIES-2026-00001 up to the last, each exactly once."""
    sequences, offset = [], 0
    while True:
        page = rpc.billing.list_invoices({"kind": "invoice", "limit": 200, "offset": offset})
        sequences += [int(i["number"].rsplit("-", 1)[1]) for i in page["items"] if i["number"]]
        offset += 200
        if offset >= page["total"]:
            break
    last = max(sequences, default=0)
    return {"issued": len(sequences), "last": last, "gapless": sorted(sequences) == list(range(1, last + 1))}


def deliveries(url: str) -> dict:
    """Notifications' deliveries by status: what the SMTP server accepted, what is left."""
    return dict(support.sql(url, "select status, count(*) from deliveries group by status"))


def test_invoice_path_against_the_bus_limit(suite_settings, rpc_client, tmp_path):
    # A real SMTP server on loopback: every invoice leaves as two e-mails with its PDF (to the
    # customer and the member), and the run checks that the server accepted each one.
    smtp_port = support.free_port()
    smtp = support.start_receiver("smtp", smtp_port, tmp_path / "mail", tmp_path / "smtp.log")
    env = dict(
        suite_settings,
        COOP_LOG_FORMAT="plain",
        COOP_MAX_WORKERS="20",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
    )
    processes = Processes(env, tmp_path)
    notifications_db = suite_settings["NOTIFICATIONS_DATABASE_URL"]

    def unsent() -> int:
        return deliveries(notifications_db).get("pending", 0)

    processes.prepare()
    suite = ("members", "billing", "payroll", "notifications", "accounting")  # the whole suite but web
    for name in suite:
        processes.serve(name)
    processes.start_echo()
    try:
        processes.wait_healthy(rpc_client, suite)
        world = billing_setup.build(rpc_client)
        amqp = suite_settings["AMQP_URI"]
        key = world.keys["dies"]

        def bare():
            return connect(amqp, None, timeout=60)

        def client():
            return connect(amqp, key, timeout=120)

        with bare() as probe:
            support.wait_for(lambda: probe.echo.echo(1) == 1, timeout=30, message="echo service")
        echo = measure("echo RPC (bare nameko)", lambda c, i: c.echo.echo({"i": i}), 1000, 1, bare)
        echo_16 = measure("echo RPC (bare nameko)", lambda c, i: c.echo.echo({"i": i}), 2000, 16, bare)
        kombu = kombu_round_trip(amqp)
        payload = billing_setup.two_line_invoice(world)

        def create_and_issue(c, i):
            c.billing.issue_invoice(c.billing.create_invoice(payload)["id"])

        measure("warm-up (not reported)", create_and_issue, 30, 1, client)
        drafts: list[str] = []
        cpu = {}  # CPU ms per call of each process, what each call set off (events, e-mails) included
        before = processes.cpu_seconds()
        create = measure(
            "create_invoice",
            lambda c, i: drafts.append(c.billing.create_invoice(payload)["id"]),
            300,
            1,
            client,
        )
        cpu["create_invoice"] = processes.cpu_per_call(before, create.calls)
        before = processes.cpu_seconds()
        issue = measure("issue_invoice", lambda c, i: c.billing.issue_invoice(drafts[i]), 300, 1, client)
        waited = {"after issue_invoice": settle(amqp, unsent=unsent)}
        cpu["issue_invoice"] = processes.cpu_per_call(before, issue.calls)
        before = processes.cpu_seconds()
        issue_16 = measure("create_invoice + issue_invoice", create_and_issue, 960, 16, client)
        waited["after 16 callers"] = settle(amqp, unsent=unsent)
        cpu["create + issue, 16 callers"] = processes.cpu_per_call(before, issue_16.calls)
        with client() as rpc:
            open_invoices = rpc.billing.list_invoices({"status": "issued", "limit": 500})["items"]

        def pay(c, i):
            invoice = open_invoices[i]
            c.billing.record_payment(
                {
                    "amount": "100.00",
                    "value_date": invoice["issue_date"],
                    "bank_reference": f"B-{i}",
                    "invoice_id": invoice["id"],
                }
            )

        before = processes.cpu_seconds()
        payment = measure("record_payment", pay, 200, 1, client)
        cpu["record_payment"] = processes.cpu_per_call(before, payment.calls)
        payment_16 = measure("record_payment", lambda c, i: pay(c, 200 + i), 280, 16, client)
        waited["after record_payment"] = settle(amqp, unsent=unsent)
        account = {"activity_id": world.activity["id"]}
        read = measure(
            "get_activity_account", lambda c, i: c.billing.get_activity_account(account), 300, 1, client
        )
        read_16 = measure(
            "get_activity_account", lambda c, i: c.billing.get_activity_account(account), 960, 16, client
        )
        levels = []
        for level in LOAD_LEVELS:
            settle(amqp, unsent=unsent)
            levels.append(
                {
                    "concurrency": level,
                    "echo": measure("echo RPC", lambda c, i: c.echo.echo(i), 60 * level, level, bare),
                    "issued": measure("create + issue", create_and_issue, 40 * level, level, client),
                }
            )
        memory = processes.memory()
        with client() as rpc:
            numbers = gapless(rpc)
        waited["at the end"] = settle(amqp, unsent=unsent)
        mailed = deliveries(notifications_db)
        received = len(support.received(tmp_path / "mail", ".eml"))
    finally:
        processes.stop()
        support.stop_process(smtp, grace=5)
    plot(levels, RESULTS / "invoice-latency-vs-load.png")
    ratios = {
        "create_invoice": round(create.p50_ms / echo.p50_ms, 2),
        "issue_invoice": round(issue.p50_ms / echo.p50_ms, 2),
        "record_payment": round(payment.p50_ms / echo.p50_ms, 2),
        "get_activity_account": round(read.p50_ms / echo.p50_ms, 2),
    }
    targets = {
        "create_invoice p50 within 3x echo p50": ratios["create_invoice"] <= 3,
        "issue_invoice p50 within 3x echo p50": ratios["issue_invoice"] <= 3,
        "150 invoices created and issued per second with 16 callers": issue_16.per_second >= 150,
        f"gapless numbers ({numbers['issued']} issued: 1 to {numbers['last']}, none missing or twice)": numbers[
            "gapless"
        ],
        "record_payment p50 within 3x echo p50": ratios["record_payment"] <= 3,
        f"every e-mail accepted by the SMTP server ({received} received; deliveries {mailed})": set(mailed)
        == {"sent"}
        and mailed["sent"] == received,
        "no service above 300 MB resident": max(memory.values()) <= 300,
    }
    print(
        f"\np50 / echo p50: {ratios}; created and issued per second with 16 callers: {issue_16.per_second}; "
        f"resident memory (MB): {memory}"
    )
    for name, met in targets.items():
        print(f"  {'met   ' if met else 'MISSED'} {name}")
    summary = table(
        [echo, echo_16, kombu, create, issue, issue_16, payment, payment_16, read, read_16], echo
    ) + [
        "",
        "Targets: " + "; ".join(f"{name}: {'met' if met else 'missed'}" for name, met in targets.items()),
        f"Resident memory (MB): {memory}",
        "CPU ms per call, by process (what the call set off included; 2 cores give 2,000 ms a second): "
        + "; ".join(f"{phase}: {spent}" for phase, spent in cpu.items()),
        "Seconds waited, untimed, for notifications to mail what a phase asked before the next: "
        + ", ".join(f"{k} {v}" for k, v in waited.items()),
        "",
        "Latency against load: `invoice-latency-vs-load.png`.",
    ]
    save(
        "invoices",
        {
            "baselines": {"echo": echo, "echo_16": echo_16, "kombu": kombu},
            "create_invoice": {"serial": create},
            "issue_invoice": {"serial": issue},
            "create_and_issue": {"c16": issue_16},
            "p50_ratio_to_echo": ratios,
            "numbers": numbers,
            "record_payment": {"serial": payment, "c16": payment_16},
            "get_activity_account": {"serial": read, "c16": read_16},
            "load_curve": levels,
            "resident_mb": memory,
            "cpu_ms_per_call": cpu,
            "targets": targets,
        },
        summary,
    )


def test_invoice_path_profile():
    """Why the invoice path misses its targets: create and issue measured alone (members and
    billing in this process, no notifications), then issue_invoice under cProfile."""
    import cProfile
    import io
    import pstats

    with support.suite_in_process(("members", "billing")) as running:
        world = billing_setup.build(running.client)
        rpc = running.client(world.keys["dies"], timeout=60)
        payload = billing_setup.two_line_invoice(world)
        for _ in range(5):
            rpc.billing.issue_invoice(rpc.billing.create_invoice(payload)["id"])
        started = time.perf_counter()
        ids = [rpc.billing.create_invoice(payload)["id"] for _ in range(50)]
        created = (time.perf_counter() - started) * 1000 / 50
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for invoice_id in ids:
            rpc.billing.issue_invoice(invoice_id)
        profile.disable()
        issued = (time.perf_counter() - started) * 1000 / 50
        started = time.perf_counter()
        for invoice_id in ids[:20]:
            rpc.billing.render_invoice({"invoice_id": invoice_id, "format": "pdf"})
        rendered = (time.perf_counter() - started) * 1000 / 20
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(
        int(__import__("os").environ.get("PROFILE_LINES", "40"))
    )
    summary = (
        f"Alone (members and billing only, one process): create_invoice {created:.1f} ms, issue_invoice "
        f"{issued:.1f} ms, render_invoice (the PDF each invoice e-mail needs) {rendered:.1f} ms.\n"
    )
    print(summary)
    (RESULTS / "invoices-profile.txt").write_text(
        summary + "\nissue_invoice × 50 under cProfile (cumulative):\n\n" + out.getvalue()
    )
