"""The bus behind least privilege, on the real broker: each service runs as its own broker user,
an integrator as its own, and what the review found possible with one shared administrator is
refused (docs/adr/019-broker-least-privilege-and-service-claims.md).

Users are made through the management API on 127.0.0.1:15672 with names unique to the test
(RabbitMQ users are not per vhost) and deleted afterwards."""

from __future__ import annotations

import uuid

import amqp.exceptions
import pytest
from kombu import Connection, Exchange, Producer, Queue

from coop_cli import broker_commands, suite
from coop_shared.events import make_event
from coop_shared.runtime.broker_users import Management, with_credentials
from coop_shared.settings import SERVICES
from tests import support
from tests.integration import billing_setup

REFUSED = (amqp.exceptions.AccessRefused, amqp.exceptions.NotAllowed)


@pytest.fixture
def bus(suite_settings):
    """Per-service broker users and one integrator's, on the test's vhost."""
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    operator = suite_settings["AMQP_URI"]  # guest: administrator of the test broker only
    passwords = {name: uuid.uuid4().hex for name in SERVICES}
    service_uris = {
        f"{name.upper()}_AMQP_URI": with_credentials(operator, prefix + name, passwords[name])
        for name in SERVICES
    }
    settings = dict(suite_settings, COOP_BROKER_USER_PREFIX=prefix, **service_uris)
    suite.declare_topology(settings)
    client_name = f"{prefix}acme".replace("-", "x")  # an integrator never carries the services' prefix
    client_uri = broker_commands.declare_client(client_name, settings)
    management = Management(suite.management_api(settings))
    try:
        yield type(
            "Bus",
            (),
            {"settings": settings, "prefix": prefix, "client": client_name, "client_uri": client_uri},
        )
    finally:
        for user in [prefix + name for name in SERVICES] + [client_name]:
            management.delete_user(user)


def reply_queue(user: str) -> Queue:
    key = str(uuid.uuid4())
    return Queue(
        f"rpc.reply-{user}-{key}",
        exchange=Exchange("nameko-rpc", type="topic", durable=True, passive=True),
        routing_key=key,
        queue_arguments={"x-expires": 300000},
    )


def refused(uri: str, action) -> bool:
    """True when the broker refuses `action(channel)` (the channel is closed with 403/530)."""
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        try:
            action(channel)
            channel.basic_qos(0, 1, False)  # a round trip: an asynchronous refusal arrives first
        except REFUSED:
            return True
        return False


def test_an_integrator_reads_only_its_own_replies_and_publishes_only_requests(bus):
    operator = bus.settings["AMQP_URI"]
    # Queues of others, declared as the suite would: a service's RPC queue and another caller's
    # reply queue (other callers' credentials travel in the first, their answers in the second).
    theirs = reply_queue("someone")
    with Connection(operator) as connection:
        channel = connection.channel()
        Queue(
            "rpc-members",
            exchange=Exchange("nameko-rpc", type="topic", durable=True),
            routing_key="members.*",
            durable=True,
        )(channel).declare()
        theirs(channel).declare()

    mine = reply_queue(bus.client)
    assert not refused(bus.client_uri, lambda ch: mine(ch).declare())  # its own reply queue: allowed

    def consume(name):
        return lambda ch: ch.basic_consume(name, callback=lambda m: None)

    assert refused(bus.client_uri, consume("rpc-members"))
    assert refused(bus.client_uri, consume(theirs.name))
    assert not refused(bus.client_uri, consume(mine.name))
    # Binding `#` (or any service's key) to collect every event or every request is refused.
    for exchange, key in (
        ("payroll.events", "#"),
        ("members.events", "#"),
        ("nameko-rpc", "#"),
        ("nameko-rpc", "members.*"),
    ):
        assert refused(bus.client_uri, lambda ch, e=exchange, k=key: ch.queue_bind(mine.name, e, k)), (
            exchange,
            key,
        )
    # Publishing an event, or a forged reply to another caller's uuid, is refused.
    slip = make_event("payslip_issued", None, None, {})
    assert refused(
        bus.client_uri,
        lambda ch: Producer(ch).publish(slip, exchange="payroll.events", routing_key="payslip_issued"),
    )
    assert refused(
        bus.client_uri,
        lambda ch: Producer(ch).publish({}, exchange="nameko-rpc", routing_key=theirs.routing_key),
    )
    # A request to a service is what it may publish.
    assert not refused(
        bus.client_uri,
        lambda ch: Producer(ch).publish({}, exchange="nameko-rpc", routing_key="members.whoami"),
    )


def queue_of(service: str, source: str, event_type: str) -> str:
    from coop_shared.runtime.topology import event_subscriptions

    return next(
        queue
        for src, kind, queue in event_subscriptions(suite.service_class(service))
        if (src, kind) == (source, event_type)
    )


def test_only_payrolls_broker_user_can_have_a_payslip_booked(bus, start_services):
    start_services("members", "billing", "accounting", settings=bus.settings)

    def integrator(secret=None, timeout=20):  # the whole story over the integrator's own user
        from coop_shared.client import connect

        return connect(bus.client_uri, secret, timeout=timeout).start()

    world = billing_setup.build(integrator)
    invoice = world.dies.issue_invoice(world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    world.dies.record_payment(
        {
            "amount": invoice["total_incl_vat"],
            "value_date": invoice["issue_date"],
            "bank_reference": "PAY-1",
            "invoice_id": invoice["id"],
        }
    )
    operator = bus.settings["AMQP_URI"]
    # The relay publishes as billing's own user, and the broker vouches for it.
    with Connection(operator) as connection:
        issued = support.wait_for(
            lambda: Queue(queue_of("notifications", "billing", "invoice_issued"))(
                connection.default_channel
            ).get(no_ack=True),
            message="invoice_issued on the bus",
        )
    assert issued.properties["user_id"] == bus.prefix + "billing"

    def slip(event_id):
        return make_event(
            "payslip_issued",
            world.dies_members.get_cooperative("dies")["id"],
            "dies",
            {
                "payslip_id": f"slip-{event_id[:8]}",
                "activity_id": world.activity["id"],
                "member_id": world.member["id"],
                "gross": "600.00",
                "net_to_pay": "450.00",
                "total_cost": "750.00",
                "period": "2026-11",
            },
            event_id=event_id,
        )

    forged_by_another_user, forged_without_user = slip(str(uuid.uuid4())), slip(str(uuid.uuid4()))
    support.publish_raw(operator, "payroll", "payslip_issued", forged_by_another_user)  # user_id: guest
    support.publish_raw(operator, "payroll", "payslip_issued", forged_without_user, user_id=None)
    genuine = slip(str(uuid.uuid4()))
    payroll_uri = bus.settings["PAYROLL_AMQP_URI"]
    support.publish_raw(payroll_uri, "payroll", "payslip_issued", genuine)

    def payroll_entries():
        entries = world.dies.get_activity_account(world.activity["id"])["entries"]
        return [e for e in entries if e["kind"] == "payroll"]

    assert [e["amount"] for e in support.wait_for(payroll_entries, message="the genuine payslip booked")] == [
        "-750.00"
    ]
    for service in ("billing", "accounting"):
        parked = queue_of(service, "payroll", "payslip_issued") + ".parked"
        support.wait_for(
            lambda parked=parked: support.queue_depths(operator).get(parked) == 2,
            message=f"two forged payslips parked by {service}",
        )
        with Connection(operator) as connection:
            bodies = [Queue(parked)(connection.default_channel).get(no_ack=True) for _ in range(2)]
        assert {m.payload["event_id"] for m in bodies} == {
            forged_by_another_user["event_id"],
            forged_without_user["event_id"],
        }
        assert all("not by" in m.headers["x-coop-error"] for m in bodies)
    claimed = {
        row[0] for row in support.sql(bus.settings["BILLING_DATABASE_URL"], "select event_id from inbox")
    } | {row[0] for row in support.sql(bus.settings["ACCOUNTING_DATABASE_URL"], "select event_id from inbox")}
    assert (
        forged_by_another_user["event_id"] not in claimed and forged_without_user["event_id"] not in claimed
    )
    accounting_claims = support.sql(bus.settings["ACCOUNTING_DATABASE_URL"], "select event_id from inbox")
    assert genuine["event_id"] in {row[0] for row in accounting_claims}  # booked there too
    assert len(payroll_entries()) == 1
