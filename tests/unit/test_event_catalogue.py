"""Every event a service handles is declared, mandatory, and comes from the service it names;
every event a service emits is declared."""

import ast
from pathlib import Path

from coop_cli import suite
from coop_shared.event_catalogue import CATALOGUE
from coop_shared.runtime.topology import event_subscriptions

ROOT = Path(__file__).resolve().parents[2]


def test_every_handled_event_is_declared_mandatory_with_its_source():
    handled = [
        (source, event_type)
        for name in suite.SERVICE_CLASSES
        for source, event_type, _ in event_subscriptions(suite.service_class(name))
    ]
    assert ("members", "member_registered") in handled and ("payroll", "payslip_issued") in handled
    for source, event_type in handled:
        assert CATALOGUE[event_type].source == source
        assert CATALOGUE[event_type].mandatory, f"{event_type} has a consumer: publish it mandatory"


def emitted_event_types(service):
    for path in (ROOT / "services" / service).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "emit" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    yield first.value


def test_every_emitted_event_is_declared_by_its_own_service():
    for service in suite.SERVICE_CLASSES:
        for event_type in emitted_event_types(service):
            assert CATALOGUE[event_type].source == service, (service, event_type)
    assert set(emitted_event_types("billing")) >= {"invoice_issued", "payment_received", "invoice_overdue"}
