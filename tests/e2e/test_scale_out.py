"""Scale-out without change of behaviour: three billing processes and two
notifications processes (`coop serve`, competing consumers) against one RabbitMQ and one
PostgreSQL. Invoices issued at once stay gapless; payments sent at once, twice each, are credited
once; every e-mail leaves once; each replica's metrics endpoint shows its share of the work."""

from __future__ import annotations

import re
import time
import urllib.request
from collections import Counter
from decimal import Decimal

from coop_shared.client import connect
from coop_shared.errors import Conflict
from tests import support
from tests.integration import billing_setup

INVOICES = 150
BILLING, NOTIFICATIONS = 3, 2


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        return answer.read().decode()


def counter(metrics: str, name: str, **labels) -> float:
    pattern = name + r"\{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + r"\} ([0-9.e+]+)"
    found = re.search(pattern, metrics)
    return float(found.group(1)) if found else 0.0


def test_three_billing_and_two_notifications_replicas_number_credit_and_mail_exactly_once(
    suite_settings, tmp_path, rpc_client
):
    smtp_port = support.free_port()
    smtp = support.start_receiver("smtp", smtp_port, tmp_path / "mail", tmp_path / "smtp.log")
    env = dict(
        suite_settings,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        COOP_DELIVERY_POLL_SECONDS="0.2",
        COOP_MAIL_FROM="factures@coop.example",
    )
    for step in (["migrate"], ["topology"]):
        support.subprocess.run(
            support.coop_command() + step,
            env=support.suite_env(env),
            check=True,
            capture_output=True,
            timeout=120,
        )
    replicas = (
        [("members", 0)]
        + [("billing", i) for i in range(BILLING)]
        + [("notifications", i) for i in range(NOTIFICATIONS)]
    )
    ports = {replica: support.free_port() for replica in replicas}
    processes = [
        support.start_process(
            support.coop_command() + ["serve", name],
            dict(env, COOP_METRICS_PORT=str(ports[(name, i)])),
            tmp_path / f"{name}-{i}.log",
        )
        for name, i in replicas
    ]
    try:
        probe = rpc_client(timeout=2)

        def healthy():
            try:
                return all(
                    getattr(probe, s).health()["status"] == "ok"
                    for s in ("members", "billing", "notifications")
                )
            except Exception:
                return False

        support.wait_for(healthy, timeout=60, interval=0.5, message="members, billing and notifications")
        world = billing_setup.build(rpc_client)
        started = time.monotonic()
        with connect(env["AMQP_URI"], world.keys["dies"], timeout=120) as rpc:
            drafts = [
                rpc.billing.create_invoice.call_async(billing_setup.two_line_invoice(world))
                for _ in range(INVOICES)
            ]
            ids = [reply.result()["id"] for reply in drafts]
            invoices = [reply.result() for reply in [rpc.billing.issue_invoice.call_async(i) for i in ids]]
            # Two halves per invoice, and the first half a second time (a retried upload): all at once.
            payments = []
            for n, invoice in enumerate(invoices):
                for reference, amount in ((f"A{n}", "590.00"), (f"B{n}", "590.01"), (f"A{n}", "590.00")):
                    payments.append(
                        rpc.billing.record_payment.call_async(
                            {
                                "amount": amount,
                                "value_date": invoice["issue_date"],
                                "bank_reference": reference,
                                "structured_communication": invoice["structured_communication"],
                            }
                        )
                    )
            outcomes = Counter()
            for reply in payments:
                try:
                    outcomes[reply.result()["status"]] += 1
                except Conflict:  # the duplicate raced its twin to the unique bank reference
                    outcomes["conflict"] += 1
        elapsed = time.monotonic() - started

        numbers = sorted(int(i["number"].rsplit("-", 1)[1]) for i in invoices)
        assert numbers == list(range(1, INVOICES + 1))
        assert (
            outcomes["matched"] == 2 * INVOICES and outcomes["duplicate"] + outcomes["conflict"] == INVOICES
        )
        assert {world.dies.get_invoice(i)["status"] for i in ids} == {"paid"}
        balance = Decimal(world.dies.get_activity_account(world.activity["id"])["balance"])
        assert balance == INVOICES * (
            Decimal("1000.01") - Decimal("100.00")
        )  # net minus 10 % contribution, once

        # Per invoice: the invoice to the customer in the customer's language (subject "Factuur …"),
        # its copy to the member in hers ("Facture …") and two payment notes to the member; plus the
        # member's welcome.
        expected = {"Factuur": INVOICES, "Facture": INVOICES, "Paiement": 2 * INVOICES, "Bienvenue": 1}
        support.wait_for(
            lambda: len(support.received(tmp_path / "mail", ".eml")) >= sum(expected.values()),
            timeout=180,
            message=f"{sum(expected.values())} e-mails",
        )
        time.sleep(1.5)  # several dispatcher rounds of both replicas: a second send would show now
        mails = [p.read_bytes() for p in support.received(tmp_path / "mail", ".eml")]
        message_ids = [re.search(rb"^Message-ID: <([^>]+)>", m, re.I | re.M).group(1) for m in mails]
        subjects = Counter(re.search(rb"^Subject: (\w+)", m, re.M).group(1).decode() for m in mails)
        assert dict(subjects) == expected and len(set(message_ids)) == len(mails) == sum(expected.values())

        billing_calls = [
            counter(
                scrape(ports[("billing", i)]),
                "coop_rpc_calls_total",
                service="billing",
                method="issue_invoice",
                outcome="ok",
            )
            for i in range(BILLING)
        ]
        assert sum(billing_calls) == INVOICES and all(calls > 0 for calls in billing_calls), billing_calls
        sent = [
            counter(
                scrape(ports[("notifications", i)]),
                "coop_timer_runs_total",
                service="notifications",
                timer="deliver_due",
                outcome="ok",
            )
            for i in range(NOTIFICATIONS)
        ]
        assert all(runs > 0 for runs in sent), sent
        print(
            f"\n{INVOICES} invoices issued and {len(payments)} payments sent at once through {BILLING} billing "
            f"processes in {elapsed:.1f} s (issue_invoice per replica: {billing_calls}); {len(mails)} e-mails "
            f"by {NOTIFICATIONS} notifications processes, none twice"
        )
    finally:
        for process in processes:
            support.stop_process(process)
        support.stop_process(smtp, grace=5)
