"""Nothing run twice (docs/adr/021-nothing-run-twice-and-the-trail.md): an RPC request that
RabbitMQ delivers again (a broker restart, a worker killed before its acknowledgement) is the
same message, with the same correlation id and headers. Here every create method's request is
captured off the bus as the client sent it, then published twice more, raw, with kombu: each
method makes one record and answers the copies with its first answer. Another caller's key,
or another caller replaying a captured message, gets a fresh record, never the first caller's.
Payroll pays a member once per period and kind: closing a run re-checks it, and the budget.
"""

import json
import uuid

import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Producer, Queue

from coop_shared.errors import BusinessRuleViolation, Conflict
from tests import support
from tests.fixtures_data import AMINA, DIES
from tests.integration import billing_setup
from tests.integration.payroll_setup import PERIOD, fund_activity, salaried

RPC_EXCHANGE = Exchange("nameko-rpc", type="topic", durable=True)


class Bus:
    """Captures one RPC request as the client put it on the bus, then publishes copies of it."""

    def __init__(self, amqp_uri: str):
        self.connection = Connection(amqp_uri)
        self.channel = self.connection.channel()
        self.replies = Queue(f"test-replies-{uuid.uuid4().hex[:8]}", RPC_EXCHANGE, exclusive=True)
        self.replies.routing_key = self.replies.name
        self.replies(self.channel).declare()

    def close(self):
        self.connection.release()

    def capture(self, call, routing_key: str):
        """Run `call()` (the request goes through the client as usual) and keep its message."""
        capture = Queue(f"test-capture-{uuid.uuid4().hex[:8]}", RPC_EXCHANGE, routing_key=routing_key)
        bound = capture(self.channel)
        bound.declare()
        try:
            answer = call()
            message = support.wait_for(lambda: bound.get(no_ack=True), timeout=10, message="the request")
        finally:
            bound.delete()
        return answer, message

    def redeliver(self, message, times=2, correlation_id=None, **header_changes) -> list:
        """Publish `message` again `times` times at once (same body, correlation id, headers,
        unless told otherwise); the answers."""
        headers = dict(message.headers, **header_changes)
        correlation_id = correlation_id or message.properties["correlation_id"]
        producer = Producer(self.channel)
        for _ in range(times):
            producer.publish(
                message.body,
                exchange=RPC_EXCHANGE,
                routing_key=message.delivery_info["routing_key"],
                headers=headers,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                correlation_id=correlation_id,
                reply_to=self.replies.name,
                delivery_mode=2,
            )
        bound, answers = self.replies(self.channel), []

        def collect():
            reply = bound.get(no_ack=True)
            if reply is not None:
                assert reply.properties["correlation_id"] == correlation_id
                answers.append(json.loads(reply.body))
            return len(answers) == times

        support.wait_for(collect, timeout=20, message=f"{times} replies")
        return answers


@pytest.fixture
def bus(start_services, suite_settings):
    start_services(
        "members",
        "billing",
        "payroll",
        "notifications",
        settings={"COOP_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8"},
    )
    bus = Bus(suite_settings["AMQP_URI"])
    yield bus
    bus.close()


def replayed(bus, client, service: str, method: str, payload, never_stored=()):
    """The first answer, after checking that two redeliveries answer exactly the same (the
    `never_stored` fields, a secret, come back as null)."""
    first, message = bus.capture(
        lambda: getattr(getattr(client, service), method)(payload), f"{service}.{method}"
    )
    for answer in bus.redeliver(message):
        assert answer["error"] is None, answer["error"]
        assert answer["result"] == dict(first, **dict.fromkeys(never_stored)), method
    return first


def rows(url: str, table: str) -> int:
    return support.count(url, f"select count(*) from {table}")


def test_every_create_method_redelivered_makes_one_record(bus, rpc_client, suite_settings):
    db = {name: suite_settings[f"{name.upper()}_DATABASE_URL"] for name in support.SERVICES}
    platform = rpc_client(support.PLATFORM_KEY)

    replayed(bus, platform, "members", "create_cooperative", DIES)
    assert rows(db["members"], "cooperatives") == 1
    admin_key = replayed(
        bus,
        platform,
        "members",
        "issue_api_key",
        {"cooperative": "dies", "role": "admin", "label": "first admin"},
        never_stored=("secret",),
    )
    assert admin_key["secret"].startswith("coop_")
    assert rows(db["members"], "api_keys") == 1
    admin = rpc_client(admin_key["secret"])
    coach = admin.members.issue_api_key({"cooperative": "dies", "role": "staff", "label": "Coach Sarah"})

    member = replayed(bus, admin, "members", "register_member", AMINA)
    assert rows(db["members"], "members") == 1
    activity = replayed(
        bus, admin, "members", "add_activity", {"member_id": member["id"], "name": "Vélo-livraisons"}
    )
    assert activity["code"] == "A0001" and rows(db["members"], "activities") == 1
    replayed(
        bus,
        admin,
        "members",
        "record_document",
        {
            "member_id": member["id"],
            "kind": "residence_card",
            "reference": "B1234567",
            "valid_from": "2025-06-01",
            "valid_until": "2030-06-01",
            "labour_market": "unlimited",
        },
    )
    assert rows(db["members"], "documents") == 1
    programme = replayed(
        bus,
        admin,
        "members",
        "create_programme",
        {
            "name": "Launch 2026",
            "capacity": 20,
            "coach_key_ids": [coach["key_id"]],
            "starts_on": "2026-01-01",
        },
    )
    enrolment = replayed(
        bus,
        admin,
        "members",
        "enrol_member",
        {
            "programme_id": programme["id"],
            "member_id": member["id"],
            "coach_key_id": coach["key_id"],
            "entered_on": "2026-02-01",
            "language": "fr",
            "profile": {"labour_situation": "international_protection_applicant", "languages": ["fr"]},
            "protection_applied_on": "2026-01-10",
        },
    )
    replayed(
        bus,
        admin,
        "members",
        "schedule_appointment",
        {
            "enrolment_id": enrolment["id"],
            "kind": "workshop",
            "title": "Pricing",
            "starts_at": "2026-03-05T14:00:00+01:00",
            "duration_minutes": 120,
        },
    )
    replayed(
        bus, admin, "members", "add_coaching_note", {"enrolment_id": enrolment["id"], "text": "Catering."}
    )
    assert [
        rows(db["members"], t) for t in ("programmes", "enrolments", "appointments", "coaching_notes")
    ] == [
        1,
        1,
        1,
        1,
    ]

    customer = replayed(bus, admin, "billing", "create_customer", billing_setup.NL_CUSTOMER)
    assert rows(db["billing"], "customers") == 1
    world = billing_setup.World(
        admin.billing, admin.members, None, member, activity, customer, {"dies": admin_key["secret"]}
    )
    draft = replayed(bus, admin, "billing", "create_invoice", billing_setup.two_line_invoice(world))
    assert rows(db["billing"], "invoices") == 1
    invoice = admin.billing.issue_invoice(draft["id"])
    replayed(
        bus,
        admin,
        "billing",
        "record_payment",
        {
            "amount": "100.00",
            "value_date": invoice["issue_date"],
            "bank_reference": "REDELIVERED-1",
            "invoice_id": invoice["id"],
        },
    )
    assert rows(db["billing"], "payments") == 1
    note = replayed(
        bus,
        admin,
        "billing",
        "create_credit_note",
        {"invoice_id": invoice["id"], "reason": "Double livraison"},
    )
    assert note["number"].startswith("DIES-") and rows(db["billing"], "invoices") == 2
    replayed(
        bus,
        admin,
        "billing",
        "record_expense",
        {
            "activity_id": activity["id"],
            "date": "2026-11-05",
            "supplier": "Vélo Shop",
            "description": "Pneus",
            "amount_excl_vat": "80.00",
            "vat_amount": "16.80",
        },
    )
    assert rows(db["billing"], "expenses") == 1

    fund_activity(world, "2222.22")
    salaried(world)
    replayed(
        bus,
        admin,
        "payroll",
        "prepare_run",
        {
            "period": PERIOD,
            "items": [
                {
                    "member_id": member["id"],
                    "activity_id": activity["id"],
                    "mode": "budget",
                    "amount": "1000.00",
                }
            ],
        },
    )
    # One run, with its one item once (a payslip, or the problem that stops it: the member is
    # still in an accompaniment track here).
    assert rows(db["payroll"], "payroll_runs") == 1
    assert rows(db["payroll"], "payslips") + rows(db["payroll"], "run_problems") == 1

    replayed(
        bus,
        admin,
        "notifications",
        "register_webhook",
        {"url": "http://127.0.0.1:18080/coop", "events": ["invoice_issued"], "secret": "s" * 32},
    )
    assert rows(db["notifications"], "webhooks") == 1


def test_copies_of_a_new_request_running_at_once_make_one_record(bus, rpc_client, suite_settings):
    """Copies delivered together run in parallel workers: the first to commit wins, the others
    collide (on the kept answer, or on the record's own unique key) and answer with its answer."""
    members_db = suite_settings["MEMBERS_DATABASE_URL"]
    keys = support.admin_keys(rpc_client, DIES)
    admin = rpc_client(keys["dies"])
    _, message = bus.capture(lambda: admin.members.register_member(AMINA), "members.register_member")
    other = dict(AMINA, national_number="85073003328", birth_date="1985-07-30", last_name="Peeters")
    message.body = json.dumps({"args": [other], "kwargs": {}}).encode()
    answers = bus.redeliver(message, times=4, correlation_id=str(uuid.uuid4()))
    assert all(answer["error"] is None for answer in answers), answers
    assert len({answer["result"]["id"] for answer in answers}) == 1
    assert support.count(members_db, "select count(*) from members") == 2  # Amina, and Peeters once


def test_a_replayed_api_key_answer_never_holds_the_secret(bus, rpc_client, suite_settings):
    """The secret is shown once and stored nowhere, not even among the kept answers."""
    platform = rpc_client(support.PLATFORM_KEY)
    platform.members.create_cooperative(DIES)
    first, message = bus.capture(
        lambda: platform.members.issue_api_key({"cooperative": "dies", "role": "staff", "label": "x"}),
        "members.issue_api_key",
    )
    (again,) = bus.redeliver(message, times=1)
    assert again["result"] == dict(first, secret=None)
    stored = support.sql(suite_settings["MEMBERS_DATABASE_URL"], "select answer from idempotency")
    assert first["secret"] not in json.dumps([row[0] for row in stored])


def test_another_callers_key_is_a_fresh_key_for_them(bus, rpc_client, suite_settings):
    members_db = suite_settings["MEMBERS_DATABASE_URL"]
    keys = support.admin_keys(rpc_client, DIES)
    first_admin = rpc_client(keys["dies"]).members
    second_key = first_admin.issue_api_key({"cooperative": "dies", "role": "admin", "label": "second admin"})
    second_admin = rpc_client(second_key["secret"]).members

    mine = first_admin.register_member(dict(AMINA, idempotency_key="candidate-1"))
    assert first_admin.register_member(dict(AMINA, idempotency_key="candidate-1")) == mine
    theirs = second_admin.register_member(
        dict(AMINA, national_number="85073003328", birth_date="1985-07-30", idempotency_key="candidate-1")
    )
    assert theirs["id"] != mine["id"] and theirs["national_number"] != mine["national_number"]
    assert support.count(members_db, "select count(*) from members") == 2

    # The same key with another payload is not answered with a record nobody asked for.
    with pytest.raises(Conflict):
        first_admin.register_member(dict(AMINA, last_name="Autre", idempotency_key="candidate-1"))

    # The first admin's captured request, replayed with the second admin's credential: the
    # second admin gets a record of their own, not the first admin's.
    answer, message = bus.capture(
        lambda: first_admin.add_activity({"member_id": mine["id"], "name": "Ateliers"}),
        "members.add_activity",
    )
    (replay,) = bus.redeliver(message, times=1, **{"nameko.authorization": f"Bearer {second_key['secret']}"})
    assert replay["error"] is None and replay["result"]["id"] != answer["id"]
    assert support.count(members_db, "select count(*) from activities") == 2


@pytest.fixture
def payroll_world(start_services, rpc_client):
    start_services("members", "billing", "payroll")
    world = billing_setup.build(rpc_client)
    fund_activity(world, "4444.44")  # 4,000.00 on the activity (10 % contribution)
    salaried(world)
    return world, rpc_client(world.keys["dies"]).payroll


def budget_run(world, payroll, amount: str) -> dict:
    return payroll.prepare_run(
        {
            "period": PERIOD,
            "items": [
                {
                    "member_id": world.member["id"],
                    "activity_id": world.activity["id"],
                    "mode": "budget",
                    "amount": amount,
                }
            ],
        }
    )


def test_one_member_in_two_runs_of_a_period_is_paid_once(payroll_world, suite_settings):
    world, payroll = payroll_world
    first, second = budget_run(world, payroll, "4000.00"), budget_run(world, payroll, "4000.00")
    assert len(first["payslips"]) == len(second["payslips"]) == 1, second["problems"]  # both drafts
    payroll.close_run(first["id"])
    with pytest.raises(BusinessRuleViolation) as refused:
        payroll.close_run(second["id"])
    assert "already paid" in refused.value.message
    assert refused.value.args[1]["already_paid"] == [world.member["id"]]
    assert payroll.get_run(second["id"])["status"] == "draft"
    paid = support.sql(
        suite_settings["PAYROLL_DATABASE_URL"],
        "select member_id, paid_for, kind from payslips where paid_for is not null",
    )
    assert [tuple(row) for row in paid] == [(world.member["id"], PERIOD, "monthly")]


def test_the_database_refuses_a_second_closed_payslip_whatever_the_handlers_check(
    payroll_world, suite_settings
):
    """The unique (cooperative, member, paid_for, kind) holds even against a write that skips
    close_run's check (two closes racing, a bug)."""
    world, payroll = payroll_world
    first, second = budget_run(world, payroll, "4000.00"), budget_run(world, payroll, "4000.00")
    payroll.close_run(first["id"])
    engine = sa.create_engine(suite_settings["PAYROLL_DATABASE_URL"])
    try:
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(
                sa.text("update payslips set paid_for = period where run_id = :run"), {"run": second["id"]}
            )
    finally:
        engine.dispose()


def test_closing_rechecks_the_budget(payroll_world):
    world, payroll = payroll_world
    run = budget_run(world, payroll, "3000.00")
    assert run["problems"] == [] and run["payslips"][0]["total_cost"] == "3000.00"
    # After the run was prepared, 2,000.00 of the activity's 4,000.00 went on an expense.
    world.dies.record_expense(
        {
            "activity_id": world.activity["id"],
            "date": f"{PERIOD}-02",
            "supplier": "Vélo Shop",
            "description": "Cargo bike",
            "amount_excl_vat": "2000.00",
            "vat_amount": "420.00",
        }
    )
    with pytest.raises(BusinessRuleViolation) as refused:
        payroll.close_run(run["id"])
    assert refused.value.args[1]["activities"] == {
        world.activity["id"]: {"needed": "3000.00", "available": "2000.00"}
    }
    assert payroll.get_run(run["id"])["status"] == "draft"
