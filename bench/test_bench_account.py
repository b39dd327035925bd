"""An activity's account with 10,000 entries read by page (issue 18): `get_activity_account`
p50 within 3× the bare echo p50 of the same run, and a page of the newest entries costing what
it costs on an account of 100 entries. The history is written straight into billing's database
(bench/seed.py); what is timed is the RPC an entrepreneur's screen calls.

    .venv/bin/pytest -m bench bench/test_bench_account.py -s
"""

from __future__ import annotations

from datetime import date

import pytest

from bench import seed
from bench.harness import Processes, measure, save, table
from coop_shared.client import connect
from coop_shared.errors import ValidationError
from tests.integration import billing_setup

pytestmark = pytest.mark.bench
ENTRIES, SHORT, PAGE = 10_000, 100, 50


def test_a_page_of_an_account_with_10000_entries(suite_settings, rpc_client, tmp_path):
    processes = Processes(dict(suite_settings, COOP_LOG_FORMAT="plain", COOP_MAX_WORKERS="20"), tmp_path)
    processes.prepare()
    for name in ("members", "billing"):
        processes.serve(name)
    processes.start_echo()
    try:
        processes.wait_healthy(rpc_client, ("members", "billing"))
        world = billing_setup.build(rpc_client)
        amqp, key = suite_settings["AMQP_URI"], world.keys["dies"]
        cooperative_id = world.dies_members.whoami()["cooperative_id"]
        short = world.dies_members.add_activity({"member_id": world.member["id"], "name": "Courte"})
        billing_url = suite_settings["BILLING_DATABASE_URL"]
        seed.history(billing_url, cooperative_id, world.activity["id"], ENTRIES, date.today())
        seed.history(billing_url, cooperative_id, short["id"], SHORT, date.today())
        query = {"limit": PAGE}
        with connect(amqp, key, timeout=60) as rpc:
            try:
                rpc.billing.get_activity_account(dict(query, activity_id=short["id"]))
            except ValidationError:  # the code before issue 18 had no pages: the whole history
                query = {}
            first = rpc.billing.get_activity_account(dict(query, activity_id=world.activity["id"]))
        # 5,000 payments of 121.00: 100.00 of revenue and 10.00 of contribution each
        assert first["balance"] == "450000.00"
        shown = len(first["entries"])

        def client():
            return connect(amqp, key, timeout=120)

        def bare():
            return connect(amqp, None, timeout=60)

        def read(activity_id):
            return lambda c, i: c.billing.get_activity_account(dict(query, activity_id=activity_id))

        echo = measure("echo RPC (bare nameko)", lambda c, i: c.echo.echo({"i": i}), 1000, 1, bare)
        small = measure(f"get_activity_account, {SHORT} entries", read(short["id"]), 300, 1, client)
        large = measure(
            f"get_activity_account, {ENTRIES} entries", read(world.activity["id"]), 300, 1, client
        )
        large_16 = measure(
            f"get_activity_account, {ENTRIES} entries", read(world.activity["id"]), 960, 16, client
        )
        memory = processes.memory()
    finally:
        processes.stop()
    ratio = round(large.p50_ms / echo.p50_ms, 2)
    targets = {
        "p50 within 3x echo p50 (10,000 entries)": ratio <= 3,
        "10,000 entries cost what 100 cost (within 20 %)": large.p50_ms <= 1.2 * small.p50_ms,
    }
    print(f"\nget_activity_account p50 / echo p50 = {ratio} ({shown} entries returned); targets: {targets}")
    summary = table([echo, small, large, large_16], echo) + [
        "",
        f"Entries returned per call: {shown} ({'a page' if query else 'the whole history: no paging'}).",
        f"Targets: {targets}",
        f"Resident memory (MB): {memory}",
    ]
    save(
        "account",
        {
            "echo": echo,
            "short": small,
            "long": large,
            "long_c16": large_16,
            "entries_returned": shown,
            "p50_ratio_to_echo": ratio,
            "resident_mb": memory,
            "targets": targets,
        },
        summary,
    )
