"""CODA files of 5,000 then 50,000 movements, each imported in one call. Targets: 50,000 under
20 s, and the same cost per movement at both sizes (within 20 %). 200 open invoices receive
the half of each file as instalments with their structured communication; the other half are
credits nobody claims (from a payer never seen) and debits."""

from __future__ import annotations

import base64
import cProfile
import io
import os
import pstats
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import eventlet
import pytest

from bench.harness import RESULTS, Processes, measure, save
from coop_cli.statement_files import Line, coda
from coop_shared.client import connect
from tests import support
from tests.integration import billing_setup

pytestmark = pytest.mark.bench
# BENCH_CODA_SIZES="5000" runs smaller files only (a quick before/after on a loaded machine)
SIZES = tuple(int(n) for n in os.environ.get("BENCH_CODA_SIZES", "5000,50000").split(","))
INVOICES = 200


def statement(invoices: list[dict], movements: int, number: int = 1) -> bytes:
    lines = []
    per_invoice = movements // 2 // len(invoices)
    for invoice in invoices:
        digits = "".join(ch for ch in invoice["structured_communication"] if ch.isdigit())
        lines += [Line(Decimal("10.00"), ogm=digits, name="Client", iban="BE71096123456769")] * per_invoice
    while len(lines) < movements:
        lines.append(
            Line(
                Decimal("7.00") if len(lines) % 2 else Decimal("-3.00"),
                text=f"divers {len(lines)}",
                name="Inconnu",
                iban="BE46735123456736",
            )
        )
    return coda("BE05068123456775", "DIES", number, Decimal("0.00"), lines, date.today()).encode("latin-1")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (/proc): the cost of an import whatever
    else the shared machine runs at the time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak(pid: int) -> None:
    """Start measuring a process's resident peak afresh (VmHWM back to VmRSS, proc(5) clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def resident_timeline(pid: int, samples: list, every: float = 1.0):
    """A green thread noting the process's resident MB every `every` seconds into `samples`
    (where in the import the peak comes: reading, booking or answering)."""

    def sample():
        started = time.perf_counter()
        while True:
            samples.append((round(time.perf_counter() - started), resident_mb(pid)[0]))
            eventlet.sleep(every)

    return eventlet.spawn(sample)


def resident_mb(pid: int) -> tuple[float, float]:
    """A process's resident memory now and its peak since `reset_peak` (MB, /proc/<pid>/status)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return tuple(round(int(fields[key].split()[0]) / 1024, 1) for key in ("VmRSS", "VmHWM"))


def test_coda_with_50000_movements(suite_settings, rpc_client, tmp_path):
    processes = Processes(dict(suite_settings, COOP_LOG_FORMAT="plain"), tmp_path)
    processes.prepare()
    for name in ("members", "billing"):
        processes.serve(name)
    processes.start_echo()
    try:
        processes.wait_healthy(rpc_client, ("members", "billing"))
        world = billing_setup.build(rpc_client)
        amqp = suite_settings["AMQP_URI"]
        echo = measure(
            "echo RPC (bare nameko)",
            lambda c, i: c.echo.echo(i),
            500,
            1,
            lambda: connect(amqp, None, timeout=30),
        )
        big = billing_setup.two_line_invoice(
            world,
            lines=[
                {"description": "Abonnement", "quantity": "1", "unit_price": "100000.00", "vat_rate": "0.21"}
            ],
        )
        timings = []
        billing_pid = next(p.pid for (name, _), p in processes.running.items() if name == "billing")
        with connect(amqp, world.keys["dies"], timeout=3600) as rpc:
            invoices = [
                rpc.billing.issue_invoice(rpc.billing.create_invoice(big)["id"]) for _ in range(INVOICES)
            ]
            for number, movements in enumerate(SIZES, start=1):
                content = statement(invoices, movements, number)
                reset_peak(billing_pid)
                samples = []
                sampler = resident_timeline(billing_pid, samples)
                started, cpu = time.perf_counter(), cpu_seconds(billing_pid)
                result = rpc.billing.import_bank_statement(
                    {"format": "coda", "content": base64.b64encode(content).decode()}
                )
                elapsed = time.perf_counter() - started
                cpu = cpu_seconds(billing_pid) - cpu
                after, peak = resident_mb(billing_pid)
                sampler.kill()
                assert result["movements"] == movements
                assert result["matched"] == movements // 2 // INVOICES * INVOICES
                timings.append((movements, len(content), elapsed, result, cpu, after, peak))
                print(
                    f"CODA of {movements} movements ({len(content) / 1e6:.1f} MB): {elapsed:.1f} s, "
                    f"{elapsed * 1e6 / movements:.0f} µs per movement, billing CPU "
                    f"{cpu * 1e6 / movements:.0f} µs per movement, billing resident {after} MB after, "
                    f"{peak} MB at its peak; load average {os.getloadavg()[0]:.2f}"
                )
                print("  billing resident (s, MB):", " ".join(f"{t}:{mb:.0f}" for t, mb in samples))
        memory = processes.memory()
    finally:
        processes.stop()
    lines = [
        "| movements | file MB | seconds | movements/s | µs per movement | billing CPU µs per movement "
        "| matched | unmatched | billing MB after | billing MB peak |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for movements, size, elapsed, result, cpu, after, peak in timings:
        lines.append(
            f"| {movements} | {size / 1e6:.1f} | {elapsed:.1f} | {movements / elapsed:.0f} | "
            f"{elapsed * 1e6 / movements:.0f} | {cpu * 1e6 / movements:.0f} | {result['matched']} | "
            f"{result['unmatched']} | {after} | {peak} |"
        )
    per_movement = {movements: elapsed / movements for movements, _, elapsed, *_ in timings}
    targets = {}
    if 50_000 in per_movement:
        targets["50,000 movements under 20 s"] = per_movement[50_000] * 50_000 < 20
    if 5_000 in per_movement and 50_000 in per_movement:
        targets["5,000 and 50,000 the same per movement (within 20 %)"] = (
            per_movement[50_000] <= 1.2 * per_movement[5_000]
        )
    print(f"targets: {targets}; memory {memory}")
    lines += [
        "",
        f"Echo p50 in the same run: {echo.p50_ms} ms. Targets: {targets}. Resident memory (MB): {memory}",
    ]
    if not all(targets.values()):
        lines.append("Why: `statements-profile.txt` (the import of 2,000 movements profiled in one process).")
        profile_import(suite_settings)
    save(
        "statements",
        {
            "echo": echo,
            "sizes": [
                {
                    "movements": movements,
                    "seconds": round(elapsed, 2),
                    "per_second": round(movements / elapsed, 1),
                    "us_per_movement": round(elapsed * 1e6 / movements),
                    "billing_cpu_us_per_movement": round(cpu * 1e6 / movements),
                    "billing_resident_mb_after": after,
                    "billing_resident_mb_peak": peak,
                }
                for movements, _, elapsed, _, cpu, after, peak in timings
            ],
            "resident_mb": memory,
            "targets": targets,
        },
        lines,
    )


def profile_import(suite_settings):
    with support.suite_in_process(("members", "billing")) as running:
        world = billing_setup.build(running.client)
        big = billing_setup.two_line_invoice(
            world,
            lines=[{"description": "x", "quantity": "1", "unit_price": "100000.00", "vat_rate": "0.21"}],
        )
        invoices = [world.dies.issue_invoice(world.dies.create_invoice(big)["id"]) for _ in range(20)]
        content = base64.b64encode(statement(invoices, 2000)).decode()
        profile = cProfile.Profile()
        profile.enable()
        world.dies.import_bank_statement({"format": "coda", "content": content})
        profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(35)
    (RESULTS / "statements-profile.txt").write_text(
        "import_bank_statement of 2,000 movements, services in one process under cProfile (own time):\n\n"
        + out.getvalue()
    )
