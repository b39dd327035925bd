"""Fault injection: while invoices are issued and paid and a payroll closes,
service processes are killed with SIGKILL and restarted, RabbitMQ is restarted once and every
PostgreSQL connection of the suite is dropped. Then the promises are checked: gapless numbers,
each payment booked once, balances equal to their ledger and to an independent recomputation,
one delivery per event and recipient, nothing left on the bus, nothing lost without a log line.

Outside the default run (`-m chaos`); `make chaos` runs it, and CI does.
"""

from __future__ import annotations

import random
import subprocess
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import eventlet
import pytest
import sqlalchemy as sa

from coop_shared.client import connect
from coop_shared.errors import Conflict, CoopError
from tests import support
from tests.integration import billing_setup
from tests.integration.payroll_setup import PERIOD, salaried

pytestmark = pytest.mark.chaos
INVOICES_PER_COOPERATIVE = 60
REPLICAS = {"members": 1, "billing": 2, "payroll": 1, "notifications": 2, "accounting": 1}
CENT = Decimal("0.01")


class Suite:
    """The services as separate `coop serve` processes that can be killed and restarted."""

    def __init__(self, env, folder):
        self.env, self.folder, self.processes = env, folder, {}
        self.restarts = Counter()

    def start(self, name, index):
        log = self.folder / f"{name}-{index}.log"
        self.processes[(name, index)] = support.start_process(
            support.coop_command() + ["serve", name], self.env, log
        )

    def kill_and_restart(self, name, index):
        process = self.processes[(name, index)]
        process.kill()  # SIGKILL: no chance to finish anything
        process.wait(timeout=10)
        self.restarts[name] += 1
        time.sleep(0.5)
        self.start(name, index)

    def stop(self):
        for process in self.processes.values():
            support.stop_process(process, grace=10)

    def describe(self, services) -> str:
        """Whether each process of `services` runs, with the end of its log (for a failure message)."""
        lines = []
        for (name, index), process in self.processes.items():
            if name in services:
                state = "running" if process.poll() is None else f"exited with {process.returncode}"
                log = (self.folder / f"{name}-{index}.log").read_text(errors="replace")
                lines.append(f"--- {name}-{index} {state}; the end of its log:\n{log[-4000:]}")
        return "\n".join(lines)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.folder.glob("*.log"))


def until_done(action, what: str, timeout: float = 120):
    """Retry `action` through faults, as an integrator's client would (idempotent calls only).
    A Conflict on an idempotency key means the first attempt is still being handled: retry."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            return action()
        except Conflict as exc:
            last = exc
            eventlet.sleep(0.5)
        except CoopError:
            raise
        except Exception as exc:  # broker restarting, service killed, reply lost
            last = exc
            eventlet.sleep(0.5)
    raise AssertionError(f"{what} never succeeded: {last!r}")


def call(amqp_uri, secret, service, method, payload, timeout=10):
    with connect(amqp_uri, secret, timeout=timeout) as rpc:
        return getattr(getattr(rpc, service), method)(payload)


def health_by_service(amqp_uri) -> dict[str, str]:
    """Each service's answer to health(), or why there was none (what an operator would look at)."""
    report = {}
    try:
        with connect(amqp_uri, None, timeout=3) as rpc:
            for service in REPLICAS:
                try:
                    answer = getattr(rpc, service).health()
                    report[service] = answer["status"] if answer["status"] == "ok" else repr(answer)
                except Exception as exc:  # a timeout or an error reply: that service is the one to look at
                    report[service] = f"no answer: {type(exc).__name__}: {exc}"[:200]
    except Exception as exc:  # the broker itself
        report = {service: f"no connection: {type(exc).__name__}" for service in REPLICAS}
    return report


def wait_until_healthy(amqp_uri, suite, timeout, what):
    """Wait for every service to answer health() with 'ok'; on timeout, say which did not and
    which processes had exited, with the end of their logs."""
    deadline, report = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        report = health_by_service(amqp_uri)
        if all(status == "ok" for status in report.values()):
            return
        time.sleep(0.5)
    unhealthy = [service for service, status in report.items() if status != "ok"]
    raise AssertionError(
        f"timed out after {timeout}s waiting for {what}: {report}\n{suite.describe(unhealthy)}"
    )


def drop_database_connections(databases: dict) -> int:
    names = [url.rsplit("/", 1)[1] for url in databases.values()]
    engine = sa.create_engine(support.PG_ADMIN)
    try:
        with engine.connect() as conn:
            return len(
                conn.execute(
                    sa.text(
                        "select pg_terminate_backend(pid) from pg_stat_activity "
                        "where datname = any(:names) and pid <> pg_backend_pid()"
                    ),
                    {"names": names},
                ).all()
            )
    finally:
        engine.dispose()


def restart_rabbitmq():
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=120)
    subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=120)


def test_promises_hold_through_killed_processes_a_broker_restart_and_dropped_connections(
    suite_settings, databases, tmp_path, rpc_client
):
    smtp_port = support.free_port()
    smtp = support.start_receiver("smtp", smtp_port, tmp_path / "mail", tmp_path / "smtp.log")
    env = dict(
        suite_settings,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        COOP_DELIVERY_POLL_SECONDS="0.3",
        COOP_DELIVERY_RETRY_DELAYS="1,1,2,2,5,5,10",
        COOP_EVENT_RETRY_DELAYS="0.5,1,2,5,10",
        COOP_LOG_FORMAT="plain",
        COOP_MAX_WORKERS="6",
    )  # 7 processes × 8 connections
    for step in (["migrate"], ["topology"]):
        subprocess.run(
            support.coop_command() + step,
            env=support.suite_env(env),
            check=True,
            capture_output=True,
            timeout=120,
        )
    suite = Suite(env, tmp_path)
    for name, count in REPLICAS.items():
        for index in range(count):
            suite.start(name, index)
    amqp = env["AMQP_URI"]
    faults = Counter()
    try:
        wait_until_healthy(amqp, suite, timeout=60, what="the suite")
        world = billing_setup.build(rpc_client)
        salaried(world)
        brucoop_members = rpc_client(world.keys["brucoop"]).members
        brucoop_member = brucoop_members.register_member(
            {"first_name": "Lena", "last_name": "De Smet", "email": "lena@example.org", "language": "nl"}
        )
        brucoop_activity = brucoop_members.add_activity(
            {"member_id": brucoop_member["id"], "name": "Conseil"}
        )
        brucoop_customer = world.brucoop.create_customer(billing_setup.NL_CUSTOMER)
        work = {
            "dies": (world.activity["id"], world.nl_customer["id"]),
            "brucoop": (brucoop_activity["id"], brucoop_customer["id"]),
        }
        issued, payments_sent = {}, {}

        def invoice_and_pay(slug: str, n: int):
            key = world.keys[slug]
            activity_id, customer_id = work[slug]
            draft = until_done(
                lambda: call(
                    amqp,
                    key,
                    "billing",
                    "create_invoice",
                    billing_setup.two_line_invoice(
                        world,
                        activity_id=activity_id,
                        customer_id=customer_id,
                        idempotency_key=f"chaos-{slug}-{n}",
                    ),
                ),
                f"create {slug} {n}",
            )
            invoice = until_done(
                lambda: call(amqp, key, "billing", "issue_invoice", draft["id"]), f"issue {n}"
            )
            issued[(slug, n)] = invoice
            reference = f"PAY-{slug}-{n}"
            payments_sent[(slug, reference)] = invoice["total_incl_vat"]
            until_done(
                lambda: call(
                    amqp,
                    key,
                    "billing",
                    "record_payment",
                    {
                        "amount": invoice["total_incl_vat"],
                        "value_date": invoice["issue_date"],
                        "bank_reference": reference,
                        "structured_communication": invoice["structured_communication"],
                    },
                ),
                f"pay {n}",
            )

        def payroll():
            eventlet.sleep(6)
            run = until_done(
                lambda: call(
                    amqp,
                    world.keys["dies"],
                    "payroll",
                    "prepare_run",
                    {
                        "period": PERIOD,
                        "items": [
                            {
                                "member_id": world.member["id"],
                                "activity_id": world.activity["id"],
                                "mode": "budget",
                                "amount": "4000.00",
                            }
                        ],
                    },
                ),
                "prepare the payroll",
            )
            assert run["problems"] == [], run["problems"]
            return until_done(
                lambda: call(amqp, world.keys["dies"], "payroll", "close_run", run["id"]), "close"
            )

        def inject():
            rng = random.Random(8)
            eventlet.sleep(2)
            for step in range(6):
                name = rng.choice(["billing", "notifications", "members", "payroll", "billing"])
                suite.kill_and_restart(name, rng.randrange(REPLICAS[name]))
                faults[f"kill -9 {name}"] += 1
                eventlet.sleep(1.5)
                if step == 2:
                    restart_rabbitmq()
                    faults["RabbitMQ restart"] += 1
                if step == 4:
                    faults["PostgreSQL connections dropped"] += drop_database_connections(databases)
                    eventlet.sleep(1)

        pool = eventlet.GreenPool(8)
        injector = eventlet.spawn(inject)
        payroll_run = eventlet.spawn(payroll)
        load = [
            pool.spawn(invoice_and_pay, slug, n)
            for n in range(INVOICES_PER_COOPERATIVE)
            for slug in ("dies", "brucoop")
        ]
        for thread in load:
            thread.wait()  # re-raises the first failure of the load
        injector.wait()
        closed = payroll_run.wait()
        print(f"\nfaults injected: {dict(faults)}")

        check_invariants(amqp, env, databases, world, issued, payments_sent, closed, suite, tmp_path, faults)
    finally:
        suite.stop()
        support.stop_process(smtp, grace=5)


def rows(url, query, **params):
    return support.sql(url, query, **params)


def check_invariants(amqp, env, databases, world, issued, payments_sent, closed, suite, folder, faults):
    billing_db, notifications_db = databases["BILLING_DATABASE_URL"], databases["NOTIFICATIONS_DATABASE_URL"]
    wait_until_healthy(amqp, suite, timeout=60, what="the suite after the faults")

    def settled():
        depths = support.queue_depths(amqp)
        busy = {
            q: n
            for q, n in depths.items()
            if n and not q.endswith(".parked") and not q.startswith("rpc.reply")
        }
        backlog = sum(
            support.count(url, "select count(*) from outbox where published_at is null")
            for url in databases.values()
        )
        pending = support.count(notifications_db, "select count(*) from deliveries where status = 'pending'")
        return not busy and backlog == 0 and pending == 0

    support.wait_for(settled, timeout=180, interval=1, message="queues, outboxes and deliveries to drain")

    # 1. Gapless numbers per cooperative and year.
    for _cooperative_id, numbers in _by_cooperative(
        rows(
            billing_db,
            "select cooperative_id, sequence from invoices "
            "where kind = 'invoice' and sequence is not null "
            "order by sequence",
        )
    ).items():
        assert numbers == list(range(1, len(numbers) + 1)), numbers
    assert len(issued) == 2 * INVOICES_PER_COOPERATIVE

    # 2. Every payment booked exactly once.
    booked = rows(billing_db, "select bank_reference, amount from payments")
    assert sorted(r for r, _ in booked) == sorted(r for _, r in payments_sent)
    assert support.count(billing_db, "select count(*) from payment_allocations") == len(payments_sent)
    assert {
        r[0]
        for r in rows(
            billing_db, "select status from invoices where kind = 'invoice' and sequence is not null"
        )
    } == {"paid"}

    # 3. Balances: the account's balance is the sum of its entries, and an independent
    #    recomputation from invoices and payslips gives the same figure.
    payslips = {
        activity: Decimal(cost)
        for activity, cost in rows(
            databases["PAYROLL_DATABASE_URL"],
            "select p.activity_id, sum(p.total_cost) from payslips p join payroll_runs r "
            "on r.id = p.run_id where r.status = 'closed' group by p.activity_id",
        )
    }
    expected = Counter()
    for activity_id, net, rate in rows(
        billing_db,
        "select activity_id, total_excl_vat, contribution_rate from invoices "
        "where kind = 'invoice' and status = 'paid'",
    ):
        expected[activity_id] += Decimal(net) - (Decimal(net) * Decimal(rate)).quantize(CENT, ROUND_HALF_UP)
    for _slug, key in world.keys.items():
        with connect(amqp, key, timeout=30) as rpc:
            for activity_id in {a for (a,) in rows(billing_db, "select distinct activity_id from invoices")}:
                try:
                    account = rpc.billing.get_activity_account({"activity_id": activity_id})
                except CoopError:
                    continue  # the other cooperative's activity
                entries = sum((Decimal(e["amount"]) for e in account["entries"]), Decimal(0))
                assert Decimal(account["balance"]) == entries
                assert Decimal(account["balance"]) == expected[activity_id] - payslips.get(
                    activity_id, Decimal(0)
                )
    assert closed["status"] == "closed" and len(payslips) == 1

    # 4. One delivery per event, channel and recipient; each sent; e-mails caught.
    events = {body["event_id"] for body in support.outbox_bodies(billing_db, "invoice_issued")}
    assert len(events) == 2 * INVOICES_PER_COOPERATIVE  # one event per invoice, whatever the retries
    deliveries = rows(
        notifications_db,
        "select event_id, channel, recipient, status, id from deliveries where event_type = 'invoice_issued'",
    )
    assert Counter(e for e, *_ in deliveries) == Counter({e: 2 for e in events})  # customer and member
    assert {status for *_, status, _ in deliveries} == {"sent"}
    caught = Counter()
    for path in support.received(folder / "mail", ".eml"):
        for line in path.read_bytes().splitlines():
            if line.lower().startswith(b"message-id:"):
                caught[line.split(b"<")[1].split(b"@")[0].decode()] += 1
                break
    delivery_ids = {d for *_, d in deliveries}
    missing = delivery_ids - set(caught)  # the Message-ID is the delivery id
    duplicates = sum(n - 1 for n in caught.values() if n > 1)
    print(
        f"e-mails caught: {sum(caught.values())}, deliveries: {len(delivery_ids)}, "
        f"sent twice (SMTP accepted, then the sender was killed before recording it): {duplicates}"
    )
    assert not missing
    assert duplicates <= faults["kill -9 notifications"]  # ADR 008: at-least-once only across a kill

    # 5. Nothing left on the bus; anything parked was logged when it was parked.
    depths = support.queue_depths(amqp)
    parked = {q: n for q, n in depths.items() if q.endswith(".parked") and n}
    logs = suite.logs()
    for queue in parked:
        assert f"event parked in {queue}" in logs, queue
    assert all(
        n == 0 for q, n in depths.items() if not q.endswith(".parked") and not q.startswith("rpc.reply")
    )
    print(f"parked after all retries: {parked or 'none'}")


def _by_cooperative(pairs):
    grouped = {}
    for cooperative_id, sequence in pairs:
        grouped.setdefault(cooperative_id, []).append(sequence)
    return grouped
