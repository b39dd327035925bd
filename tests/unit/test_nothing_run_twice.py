"""Nothing run twice, the parts that need no bus (docs/adr/021-nothing-run-twice-and-the-trail.md):
whose key a request is recognised by, what is kept of its answer, and what closing a payroll run
checks again."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from marshmallow import Schema, fields
from sqlalchemy.orm import Session

from coop_payroll.domain import closing
from coop_shared.credentials import ADMIN, PLATFORM, SERVICE, Identity
from coop_shared.errors import BusinessRuleViolation, Conflict
from coop_shared.money import Money
from coop_shared.runtime import idempotency
from coop_shared.storage.messaging_tables import idempotency_table


def test_the_scope_is_the_callers_key_or_its_cooperative_for_a_service():
    assert idempotency.scope_of(Identity(role=ADMIN, cooperative_id="c1", key_id="k1")) == "key:k1"
    assert idempotency.scope_of(Identity(role=SERVICE, cooperative_id="c1")) == "service:c1"
    assert idempotency.scope_of(Identity(role=PLATFORM)) == "platform"
    assert idempotency.scope_of(None) == "public"


def test_the_clients_key_wins_over_the_correlation_id_and_leaves_the_payload():
    data = {"name": "x", "idempotency_key": "order-42"}
    assert idempotency.request_key(data, {idempotency.REQUEST_ID: "corr-1"}) == "client:order-42"
    assert data == {"name": "x"}  # the handler never sees the key
    assert idempotency.request_key({"name": "x"}, {idempotency.REQUEST_ID: "corr-1"}) == "message:corr-1"
    assert idempotency.request_key({"name": "x"}, {}) is None


def test_the_fingerprint_ignores_the_key_but_not_the_payload():
    first = idempotency.request_hash({"name": "x", "idempotency_key": "a"})
    assert first == idempotency.request_hash({"idempotency_key": "b", "name": "x"})
    assert first != idempotency.request_hash({"name": "y"})


def test_a_create_schema_gains_an_optional_key_unless_it_has_one():
    class Plain(Schema):
        name = fields.String(required=True)

    class Own(Schema):
        idempotency_key = fields.String()

    augmented = idempotency.with_key_field(Plain)
    assert augmented.__name__ == "Plain" and augmented().load({"name": "a"}) == {
        "name": "a",
        "idempotency_key": None,
    }
    assert augmented().load({"name": "a", "idempotency_key": "k"})["idempotency_key"] == "k"
    assert idempotency.with_key_field(Own) is Own


@pytest.fixture
def answers():
    metadata = sa.MetaData()
    table = idempotency_table(metadata)
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        yield idempotency.Answers(table), session
    engine.dispose()


def test_an_answer_is_kept_without_its_secret_and_refused_for_another_payload(answers):
    table, session = answers
    assert table.recorded(session, "key:k1", "issue_api_key", "message:c1", "h1") is None
    table.record(
        session,
        "key:k1",
        "issue_api_key",
        "message:c1",
        "h1",
        {"key_id": "x", "secret": "coop_s"},
        ("secret",),
    )
    assert table.recorded(session, "key:k1", "issue_api_key", "message:c1", "h1") == {
        "key_id": "x",
        "secret": None,
    }
    assert table.recorded(session, "key:k2", "issue_api_key", "message:c1", "h1") is None  # another caller
    with pytest.raises(Conflict) as refused:
        table.recorded(session, "key:k1", "issue_api_key", "message:c1", "h2")
    assert refused.value.args[1] == {"idempotency_key": "c1"}


def test_the_request_id_is_the_delivered_messages_correlation_id_never_the_callers_claim():
    entrypoint = idempotency.RequestRpc.__new__(idempotency.RequestRpc)
    message = SimpleNamespace(
        headers={"nameko.authorization": "Bearer x", f"nameko.{idempotency.REQUEST_ID}": "forged"},
        properties={"correlation_id": "c0ffee"},
    )
    data = entrypoint.unpack_message_headers(message)
    assert data[idempotency.REQUEST_ID] == "c0ffee" and data["authorization"] == "Bearer x"
    message.properties = {}
    assert idempotency.REQUEST_ID not in entrypoint.unpack_message_headers(message)


def slip(member="m1", activity="a1", kind="monthly", spends="1000.00"):
    return closing.ClosingSlip(member, activity, "2026-11", kind, Money.of(spends))


def test_closing_refuses_a_member_paid_in_another_run_or_twice_in_this_one():
    closing.check_not_paid_twice([slip(), slip(member="m2")], {("m3", "2026-11", "monthly")})
    closing.check_not_paid_twice([slip(kind="exit_holiday_pay")], {("m1", "2026-11", "monthly")})
    with pytest.raises(BusinessRuleViolation) as refused:
        closing.check_not_paid_twice([slip(), slip(member="m2")], {("m2", "2026-11", "monthly")})
    assert refused.value.args[1] == {"already_paid": ["m2"]}
    with pytest.raises(BusinessRuleViolation):
        closing.check_not_paid_twice([slip(activity="a1"), slip(activity="a2")], set())


def test_closing_refuses_what_the_activity_no_longer_holds():
    two = [slip(spends="1000.00"), slip(member="m2", spends="500.00")]
    closing.check_budget(two, {"a1": Money.of("1500.00")}, {})
    with pytest.raises(BusinessRuleViolation) as refused:
        closing.check_budget(two, {"a1": Money.of("2000.00")}, {"a1": Money.of("600.00")})
    assert refused.value.args[1] == {"activities": {"a1": {"needed": "1500.00", "available": "1400.00"}}}
    closing.check_budget([slip(spends="0.00")], {}, {})  # a payslip paid from a provision takes nothing
