"""Payroll for 1,000 and 10,000 members: prepare_run then close_run, against the suite's
performance target: 10,000 prepared and closed in under 30 s. Setup writes members and balances
straight into the databases (bench/seed.py); what is timed is the RPC a cooperative's staff
would call. Each size starts once billing has debited the previous size's payslips."""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import time
from datetime import date
from pathlib import Path

import pytest

from bench import seed
from bench.harness import RESULTS, Processes, measure, save
from coop_shared.client import connect
from tests import support
from tests.fixtures_data import DIES

pytestmark = pytest.mark.bench
# BENCH_PAYROLL_SIZES="1000,2000" runs smaller sizes (a quick before/after on a loaded machine)
SIZES = tuple(int(n) for n in os.environ.get("BENCH_PAYROLL_SIZES", "1000,10000").split(","))


def test_payroll_of_1000_and_10000_members(suite_settings, rpc_client, tmp_path):
    processes = Processes(dict(suite_settings, COOP_LOG_FORMAT="plain"), tmp_path)
    processes.prepare()
    for name in ("members", "billing", "payroll"):
        processes.serve(name)
    processes.start_echo()
    results, lines = (
        {},
        ["| members | prepare_run s | close_run s | total s | ms per payslip |", "|---|---|---|---|---|"],
    )
    try:
        processes.wait_healthy(rpc_client, ("members", "billing", "payroll"))
        key = support.admin_keys(rpc_client, DIES)["dies"]
        with connect(suite_settings["AMQP_URI"], key, timeout=60) as rpc:
            cooperative_id = rpc.members.whoami()["cooperative_id"]
        today = date.today()
        period = today.strftime("%Y-%m")
        with connect(suite_settings["AMQP_URI"], None, timeout=30) as bare:
            support.wait_for(lambda: bare.echo.echo(1) == 1, timeout=30, message="echo")
        echo = measure(
            "echo RPC (bare nameko)",
            lambda c, i: c.echo.echo(i),
            500,
            1,
            lambda: connect(suite_settings["AMQP_URI"], None, timeout=30),
        )
        for batch, size in enumerate(SIZES):
            pairs = seed.members(
                suite_settings["MEMBERS_DATABASE_URL"],
                cooperative_id,
                size,
                today.replace(day=1),
                first=sum(SIZES[:batch]),
            )
            seed.balances(
                suite_settings["BILLING_DATABASE_URL"],
                cooperative_id,
                [a for _, a in pairs],
                "5000.00",
                today,
            )
            items = [
                {"member_id": m, "activity_id": a, "mode": "budget", "amount": "4000.00"} for m, a in pairs
            ]
            cpu_before, machine_before = cpu_seconds(processes), machine_cpu()
            reset_peak(processes, "payroll")  # each size's own peak, not the previous size's
            with connect(suite_settings["AMQP_URI"], key, timeout=3600) as rpc:
                started = time.perf_counter()
                run = rpc.payroll.prepare_run({"period": period, "items": items})
                prepared = time.perf_counter() - started
                peak_prepared = peak_mb(processes, "payroll")
                # the run's counts, and its first payslips only (docs/adr/026-a-run-answers-its-first-payslips.md)
                assert (run["payslip_count"], len(run["payslips"]), run["problems"]) == (size, 50, [])
                answer_kb = round(len(json.dumps(run)) / 1024, 1)
                started = time.perf_counter()
                rpc.payroll.close_run(run["id"])
                closed = time.perf_counter() - started
                peak_closed = peak_mb(processes, "payroll")
                cpu = {k: round(v - cpu_before.get(k, 0), 1) for k, v in cpu_seconds(processes).items()}
                busy, idle = (
                    after - before for after, before in zip(machine_cpu(), machine_before, strict=True)
                )
                cpu["machine_idle_share"] = round(idle / (busy + idle), 2) if busy + idle else None
                # Untimed: billing debits each payslip from its event after the close. A next
                # size starts once it is done, so it does not share the two cores with that
                # backlog; how long billing took is a figure of its own.
                debited = None
                if batch + 1 < len(SIZES):
                    debited = debited_after(rpc, [a for _, a in pairs], run["payslips"][0]["balance_after"])
            total = prepared + closed
            results[size] = {
                "prepare_s": round(prepared, 2),
                "close_s": round(closed, 2),
                "total_s": round(total, 2),
                "ms_per_payslip": round(total * 1000 / size, 2),
                "cpu_s": cpu,
                "payroll_peak_mb": {"after prepare_run": peak_prepared, "after close_run": peak_closed},
                "prepare_run_answer_kb": answer_kb,
                "billing_debited_all_s_after_close": debited and round(debited, 1),
            }
            lines.append(
                f"| {size} | {prepared:.1f} | {closed:.1f} | {total:.1f} | {total * 1000 / size:.2f} |"
            )
            print(
                f"payroll of {size}: prepare {prepared:.1f} s, close {closed:.1f} s, "
                f"{total * 1000 / size:.2f} ms per payslip (echo p50 {echo.p50_ms} ms); "
                f"CPU seconds of each service meanwhile {cpu}; payroll's peak resident MB "
                f"{results[size]['payroll_peak_mb']}; prepare_run's answer {answer_kb} kB; "
                f"billing debited every payslip {debited and round(debited, 1)} s after the close"
            )
        memory = processes.memory()
    finally:
        processes.stop()
    targets = {}
    if 10000 in results:
        targets["10,000 prepared and closed under 30 s"] = results[10000]["total_s"] < 30
    if 1000 in results and 10000 in results:
        targets["1,000 and 10,000 the same per payslip (within 20 %)"] = (
            results[10000]["ms_per_payslip"] <= 1.2 * results[1000]["ms_per_payslip"]
        )
    target = bool(targets) and all(targets.values())
    print(f"targets: {targets}")
    lines += [
        "",
        f"Echo p50 in the same run: {echo.p50_ms} ms. Targets: {targets}. Resident memory (MB): {memory}",
    ]
    if not target:
        lines.append("Why: `payroll-profile.txt` (prepare_run of 300 members profiled in one process).")
    # The figures first: a profile that fails (another service's code half-changed) loses none.
    save("payroll", {"echo": echo, "sizes": results, "resident_mb": memory, "targets": targets}, lines)
    if not target:
        profile_prepare(suite_settings, tmp_path)


def cpu_seconds(processes) -> dict:
    """{service: CPU seconds it used so far (user and system, /proc/<pid>/stat)}: on a shared
    machine, what a service itself spent, whatever else ran."""
    seconds = {}
    for (name, index), process in processes.running.items():
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[f"{name}-{index}"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def debited_after(rpc, activity_ids: list, balance_after: str, timeout: float = 900) -> float:
    """Seconds until billing shows each activity at the balance its payslip left
    (`balance_after`): every `payslip_issued` of the run booked."""
    started = time.perf_counter()
    pending = list(activity_ids)
    while pending:
        balances = {}
        for start in range(0, len(pending), 1000):  # get_balances takes 1,000 ids
            answer = rpc.billing.get_balances({"activity_ids": pending[start : start + 1000]})
            balances.update((b["activity_id"], b["balance"]) for b in answer["items"])
        pending = [a for a in pending if balances[a] != balance_after]
        if pending:
            assert time.perf_counter() - started < timeout, f"{len(pending)} activities not debited"
            time.sleep(1)
    return time.perf_counter() - started


def reset_peak(processes, name: str) -> None:
    """Start the service's VmHWM again from its present resident memory (proc(5), clear_refs 5)."""
    Path(f"/proc/{processes.running[(name, 0)].pid}/clear_refs").write_text("5")


def peak_mb(processes, name: str) -> float:
    """The highest resident memory of the service's process so far (VmHWM), in MB."""
    status = Path(f"/proc/{processes.running[(name, 0)].pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return round(int(line.split()[1]) / 1024, 1)


def machine_cpu() -> tuple[int, int]:
    """(busy, idle) jiffies of the whole machine so far (/proc/stat): the share left idle
    during a size says whether the services waited for the CPU (other work) or for I/O."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, idle


def profile_prepare(suite_settings, tmp_path):
    """Where prepare_run spends its time: the services in this process under cProfile."""
    with support.suite_in_process(("members", "billing", "payroll")) as running:
        key = support.admin_keys(running.client, DIES)["dies"]
        rpc = running.client(key, timeout=600)
        cooperative_id = rpc.members.whoami()["cooperative_id"]
        today = date.today()
        pairs = seed.members(
            running.databases["MEMBERS_DATABASE_URL"], cooperative_id, 300, today.replace(day=1)
        )
        seed.balances(
            running.databases["BILLING_DATABASE_URL"], cooperative_id, [a for _, a in pairs], "5000.00", today
        )
        profile = cProfile.Profile()
        profile.enable()
        rpc.payroll.prepare_run(
            {
                "period": today.strftime("%Y-%m"),
                "items": [
                    {"member_id": m, "activity_id": a, "mode": "budget", "amount": "4000.00"}
                    for m, a in pairs
                ],
            }
        )
        profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
    (RESULTS / "payroll-profile.txt").write_text(
        "prepare_run of 300 members, services in one process under cProfile (cumulative time):\n\n"
        + out.getvalue()
    )
