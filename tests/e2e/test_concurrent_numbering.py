"""Four billing processes issue 400 invoices of one cooperative at once on PostgreSQL:
numbers 1..400, no gap, no duplicate, dates chronological (belgium-2026.md, section 3.4)."""

import sys
import time
from pathlib import Path

import sqlalchemy as sa

from coop_shared.client import connect
from tests import support
from tests.integration import billing_setup

INVOICES = 400
BILLING_PROCESSES = 4


def test_four_billing_processes_number_400_invoices_without_gap(suite_settings, tmp_path, rpc_client):
    env = dict(suite_settings, COOP_MAX_WORKERS="10")
    support.subprocess.run(support.coop_command() + ["migrate"], env=support.suite_env(env), check=True,
                           capture_output=True, timeout=120)
    nameko = str(Path(sys.executable).parent / "nameko")
    config = str(support.ROOT / "deploy/nameko.yaml")
    processes = [support.start_process(support.coop_command() + ["run", "--service", "members"], env,
                                       tmp_path / "members.log")]
    processes += [support.start_process([nameko, "run", "--config", config, "coop_billing.service:BillingService"],
                                        env, tmp_path / f"billing-{i}.log") for i in range(BILLING_PROCESSES)]
    try:
        probe = rpc_client(timeout=2)
        support.wait_for(lambda: _healthy(probe), timeout=60, interval=0.5, message="members and billing")
        world = billing_setup.build(rpc_client)
        started = time.monotonic()
        with connect(env["AMQP_URI"], world.keys["dies"], timeout=120) as rpc:
            drafts = [rpc.billing.create_invoice.call_async(billing_setup.two_line_invoice(world))
                      for _ in range(INVOICES)]
            ids = [reply.result()["id"] for reply in drafts]
            issued = [rpc.billing.issue_invoice.call_async(invoice_id) for invoice_id in ids]
            numbers = [reply.result()["number"] for reply in issued]
        assert len(set(numbers)) == INVOICES
        engine = sa.create_engine(env["BILLING_DATABASE_URL"])
        with engine.connect() as conn:
            series = conn.execute(sa.text("select sequence, issue_date from invoices where kind = 'invoice' "
                                          "order by sequence")).all()
        engine.dispose()
        assert [s for s, _ in series] == list(range(1, INVOICES + 1))
        assert [d for _, d in series] == sorted(d for _, d in series)
        print(f"\n{INVOICES} invoices created and issued concurrently by {BILLING_PROCESSES} billing processes "
              f"in {time.monotonic() - started:.1f}s: {min(numbers)} … {max(numbers)}, no gap, no duplicate")
    finally:
        for process in processes:
            support.stop_process(process)


def _healthy(probe):
    try:
        return probe.members.health()["status"] == "ok" and probe.billing.health()["status"] == "ok"
    except Exception:
        return False
