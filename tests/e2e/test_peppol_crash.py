"""kill -9 of billing (`coop serve billing`) while it sends invoices over Peppol: the issues
committed, the loopback network holds the documents but billing has not recorded them; two
fresh replicas finish the work. Nothing is lost (every invoice delivered) and nothing doubled
(one document per invoice on the network), docs/adr/011-peppol-delivery.md."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from coop_shared.client import connect
from tests import support
from tests.integration import billing_setup

INVOICES = 8
BRUCOOP_ID = "0208:0202239951"  # Bakkerij Peeters' number (billing_setup.NL_CUSTOMER)


def test_kill_9_between_sent_and_recorded_neither_loses_nor_doubles_a_delivery(
    suite_settings, tmp_path, rpc_client
):
    env = dict(
        suite_settings,
        COOP_MAX_WORKERS="20",
        COOP_PEPPOL_POLL_SECONDS="0.3",
        COOP_PEPPOL_LEASE_SECONDS="2",
        COOP_PEPPOL_RETRY_DELAYS="0.5,1",
    )
    for step in (["migrate", "members"], ["migrate", "billing"], ["topology"]):
        support.subprocess.run(
            support.coop_command() + step,
            env=support.suite_env(env),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def serve(name, n):
        return support.start_process(
            support.coop_command() + ["serve", name], env, tmp_path / f"{name}-{n}.log"
        )

    members, billing = serve("members", 0), serve("billing", 0)
    started = [members, billing]
    sent = Path(env["COOP_DATA_DIR"]) / "peppol-loopback" / "sent" / "0208_0403170701"

    def documents():
        return sorted(p.stem for p in sent.glob("*.xml") if not p.name.endswith(".response.xml"))

    def delivered():
        return support.sql(
            env["BILLING_DATABASE_URL"],
            "select invoice_id, status from invoice_deliveries order by invoice_id",
        )

    try:
        probe = rpc_client(timeout=2)

        def healthy():
            try:
                return probe.members.health()["status"] == "ok" and probe.billing.health()["status"] == "ok"
            except Exception:
                return False

        support.wait_for(healthy, timeout=60, interval=0.5, message="members and billing")
        world = billing_setup.build(rpc_client)
        # The network takes 4 s to answer once it holds a document: the kill lands in that window.
        world.dies.set_peppol_settings(
            {"access_point": "loopback", "registered": [BRUCOOP_ID], "latency_seconds": 4}
        )
        drafts = [
            world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"] for _ in range(INVOICES)
        ]
        with connect(env["AMQP_URI"], world.keys["dies"], timeout=60) as rpc:
            for draft in drafts:
                rpc.billing.issue_invoice.call_async(draft)
            support.wait_for(
                lambda: len(documents()) == INVOICES, timeout=30, message="every document on the network"
            )
            os.kill(billing.pid, signal.SIGKILL)
            billing.wait(timeout=10)
        at_kill = delivered()
        unrecorded = [invoice_id for invoice_id, status in at_kill if status == "queued"]
        # Every issue committed with its delivery row; the network holds every document, and
        # billing had recorded none or few of them when it died.
        assert len(at_kill) == INVOICES and len(unrecorded) >= INVOICES // 2, at_kill
        print(f"\nkill -9 with {len(unrecorded)} of {INVOICES} documents on the network but not recorded")

        replicas = [serve("billing", 1), serve("billing", 2)]
        started += replicas
        support.wait_for(
            lambda: [s for _, s in delivered()] == ["delivered"] * INVOICES,
            timeout=60,
            interval=0.3,
            message="every invoice delivered after the restart",
        )
        support.time.sleep(1.5)  # a second send, had there been one, would land now
        assert documents() == sorted(drafts)  # one document per invoice, named by its reference
        events = support.outbox_bodies(env["BILLING_DATABASE_URL"], "invoice_delivered")
        assert sorted(e["payload"]["invoice_id"] for e in events) == sorted(drafts)
        issued = world.dies.list_invoices({"delivery_status": "delivered"})
        assert issued["total"] == INVOICES
    finally:
        for process in started:
            support.stop_process(process, grace=10)
