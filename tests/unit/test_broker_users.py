"""The broker users' permissions, read as RabbitMQ will match them (its regexes are PCRE, which
Python's `re` matches identically for these patterns), and the committed definitions file."""

import json
import re
import uuid
from pathlib import Path

import pytest

from coop_cli import broker_commands, suite
from coop_shared.runtime.broker_users import (
    check_client_name,
    client_grant,
    password_hash,
    service_grant,
    subscriptions,
    web_grant,
)
from coop_shared.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "deploy" / "rabbitmq" / "definitions.json"


def allows(pattern: str, name: str) -> bool:
    return re.search(pattern, name) is not None


def topic(grant, exchange):
    return next(t for t in grant.topics if t.exchange == exchange)


def reply(name: str) -> str:
    return f"rpc.reply-{name}-{uuid.uuid4()}"


def test_an_integrator_reads_its_own_reply_queues_only():
    grant = client_grant("acme")
    assert allows(grant.read, reply("acme")) and allows(grant.configure, reply("acme"))
    for other in (
        reply("acme-two"),
        reply("billing"),
        reply("standalone_rpc_proxy"),
        "rpc-members",
        "rpc-billing",
    ):
        assert not allows(grant.read, other), other
        assert not allows(grant.configure, other), other
    for exchange in ("payroll.events", "members.events", "billing.events", "amq.default", "coop.dead-letter"):
        assert not allows(grant.write, exchange) and not allows(grant.read, exchange), exchange
    rpc = topic(grant, "nameko-rpc")
    assert allows(rpc.write, "members.get_member") and allows(rpc.write, "billing.create_invoice")
    assert not allows(rpc.write, str(uuid.uuid4()))  # no forged reply to another caller
    assert allows(rpc.read, str(uuid.uuid4()))  # its reply binding
    for key in ("#", "*.*", "members.*", "members.get_member"):
        assert not allows(rpc.read, key), key  # never a copy of the requests


def test_the_web_gateway_is_a_caller_only_under_its_own_name():
    grant = web_grant("coop-web")
    # the queues coop_shared.client.connect names for it, and nobody else's
    assert allows(grant.read, reply("coop-web")) and allows(grant.configure, reply("coop-web"))
    for other in (reply("coop-web-two"), reply("coop-members"), reply("members"), "rpc-members", "rpc-web"):
        assert not allows(grant.read, other) and not allows(grant.configure, other), other
    # no event: it neither publishes on nor binds to any events exchange
    assert [t.exchange for t in grant.topics] == ["nameko-rpc"]
    for service in SERVICES:
        assert not allows(grant.write, f"{service}.events") and not allows(grant.read, f"{service}.events")
    rpc = topic(grant, "nameko-rpc")
    assert allows(rpc.write, "members.whoami") and allows(rpc.write, "accounting.health")
    assert not allows(rpc.write, "web.anything") and not allows(rpc.write, str(uuid.uuid4()))
    assert allows(rpc.read, str(uuid.uuid4())) and not allows(rpc.read, "members.*")


def test_topology_declares_the_web_user_from_web_amqp_uri(monkeypatch):
    declared = []

    class Recording:
        def __init__(self, base_url):
            pass

        def declare(self, grant, vhost, password, tags=""):
            declared.append((grant, vhost, password))

    monkeypatch.setattr("coop_shared.runtime.broker_users.Management", Recording)
    config = {
        "COOP_RABBIT_MANAGEMENT": "http://op:pw@127.0.0.1:15672",
        "WEB_AMQP_URI": "amqps://coop-web:s3-web-pw@127.0.0.1:5671/coop",
    }
    assert suite.declare_broker_users(config) == ["coop-web"]
    ((grant, vhost, password),) = declared
    assert (grant, vhost, password) == (web_grant("coop-web"), "coop", "s3-web-pw")
    with pytest.raises(Exception, match="coop-web"):
        suite.declare_broker_users(dict(config, WEB_AMQP_URI="amqps://acme:pw@127.0.0.1:5671/coop"))


@pytest.mark.parametrize(
    "name", ["billing", "coop-billing", "guest", "a", "Acme", "acme.*", "acme|x", "x" * 64]
)
def test_an_integrators_name_cannot_be_a_service_or_a_pattern(name):
    with pytest.raises(ValueError):
        check_client_name(name)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_consumes_its_own_queues_and_publishes_its_own_events(service):
    grant = service_grant(service, f"coop-{service}", suite.service_class(service))
    assert allows(grant.read, f"rpc-{service}") and allows(grant.read, reply(service))
    for other in SERVICES:
        if other != service:
            assert not allows(grant.read, f"rpc-{other}") and not allows(grant.read, reply(other))
            assert not allows(grant.write, f"{other}.events")
            assert not allows(grant.read, f"evt-{service}-x--{other}.on_x"), other
    own = topic(grant, f"{service}.events")
    assert allows(grant.write, f"{service}.events")
    assert not allows(own.write, "payslip_issued") or service == "payroll"
    for source, event_types in subscriptions(suite.service_class(service)).items():
        read = topic(grant, f"{source}.events").read
        assert all(allows(read, kind) for kind in event_types)
        assert not allows(read, "#") and not allows(read, "*")


def test_the_committed_definitions_are_what_the_code_generates_and_hold_no_shared_admin(tmp_path):
    copy = tmp_path / "definitions.json"
    copy.write_text(DEFINITIONS.read_text())
    broker_commands.write_definitions(copy, "coop")
    assert json.loads(copy.read_text()) == json.loads(DEFINITIONS.read_text()), (
        "regenerate: coop broker-users --definitions deploy/rabbitmq/definitions.json"
    )
    committed = json.loads(DEFINITIONS.read_text())
    assert sorted(u["name"] for u in committed["users"]) == sorted(f"coop-{s}" for s in (*SERVICES, "web"))
    assert all(u["tags"] == "" and u["password_hash"] == "" for u in committed["users"])  # no password
    assert "guest" not in DEFINITIONS.read_text()
    assert all(p["configure"] != ".*" and p["read"] != ".*" for p in committed["permissions"])


def test_password_hashes_are_rabbitmqs_salted_sha256():
    # RabbitMQ's documented example: salt 908D C60A, password "test12".
    assert (
        password_hash("test12", salt=bytes.fromhex("908DC60A"))
        == "kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR"
    )
