"""A CODA file of 50,000 movements imported in one call. Target: under 20 s.
200 open invoices receive 125 instalments each with their structured communication; the other
25,000 movements are credits nobody claims and debits."""

from __future__ import annotations

import base64
import cProfile
import io
import pstats
import time
from datetime import date
from decimal import Decimal

import pytest

from bench.harness import RESULTS, Processes, measure, save
from coop_cli.statement_files import Line, coda
from coop_shared.client import connect
from tests import support
from tests.integration import billing_setup

pytestmark = pytest.mark.bench
MOVEMENTS, INVOICES = 50_000, 200


def statement(invoices: list[dict], movements: int) -> bytes:
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
    return coda("BE05068123456775", "DIES", 1, Decimal("0.00"), lines, date.today()).encode("latin-1")


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
        with connect(amqp, world.keys["dies"], timeout=3600) as rpc:
            invoices = [
                rpc.billing.issue_invoice(rpc.billing.create_invoice(big)["id"]) for _ in range(INVOICES)
            ]
            content = statement(invoices, MOVEMENTS)
            started = time.perf_counter()
            result = rpc.billing.import_bank_statement(
                {"format": "coda", "content": base64.b64encode(content).decode()}
            )
            elapsed = time.perf_counter() - started
        memory = processes.memory()
    finally:
        processes.stop()
    assert result["movements"] == MOVEMENTS and result["matched"] == MOVEMENTS // 2
    target = elapsed < 20
    print(
        f"CODA of {MOVEMENTS} movements ({len(content) / 1e6:.1f} MB): {elapsed:.1f} s, "
        f"{MOVEMENTS / elapsed:.0f} movements/s; target < 20 s: {target}; memory {memory}"
    )
    lines = [
        "| movements | file MB | seconds | movements/s | matched | unmatched |",
        "|---|---|---|---|---|---|",
        f"| {MOVEMENTS} | {len(content) / 1e6:.1f} | {elapsed:.1f} | {MOVEMENTS / elapsed:.0f} | "
        f"{result['matched']} | {result['unmatched']} |",
        "",
        f"Echo p50 in the same run: {echo.p50_ms} ms. Target < 20 s: {'met' if target else 'missed'}. "
        f"Resident memory (MB): {memory}",
    ]
    if not target:
        lines.append("Why: `statements-profile.txt` (the import of 2,000 movements profiled in one process).")
        profile_import(suite_settings)
    save(
        "statements",
        {
            "echo": echo,
            "movements": MOVEMENTS,
            "seconds": round(elapsed, 2),
            "per_second": round(MOVEMENTS / elapsed, 1),
            "resident_mb": memory,
            "target_met": target,
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
