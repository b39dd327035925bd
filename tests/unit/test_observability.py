"""Log lines operators can index, and the status table they read (docs/adr/010-containers-and-operations.md)."""

import json
import logging

from coop_cli.status_report import table
from coop_shared.runtime import observability


def test_a_log_line_is_one_json_object_with_service_call_id_and_cooperative():
    observability._context.service, observability._context.call_id = "billing", "billing.issue_invoice.42"
    observability.set_cooperative("dies")
    try:
        record = logging.LogRecord(
            "coop.access", logging.INFO, __file__, 1, "rpc %s ok", ("billing.issue_invoice",), None
        )
        observability.ContextFilter().filter(record)
        line = json.loads(observability.JsonFormatter().format(record))
    finally:
        observability._context.service = observability._context.call_id = (
            observability._context.cooperative
        ) = None
    assert (line["service"], line["call_id"], line["cooperative"], line["message"]) == (
        "billing",
        "billing.issue_invoice.42",
        "dies",
        "rpc billing.issue_invoice ok",
    )
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_the_status_table_sums_each_services_queues_and_shows_parked_messages():
    healths = {
        "billing": {"status": "ok", "version": "0.1.0", "database": "ok", "outbox_backlog": 0},
        "notifications": {"status": "unreachable"},
    }
    queues = [
        {"name": "rpc-billing", "ready": 2, "unacked": 1, "consumers": 3},
        {
            "name": "evt-payroll-payslip_issued--billing.on_payslip_issued",
            "ready": 5,
            "unacked": 0,
            "consumers": 3,
        },
        {
            "name": "evt-payroll-payslip_issued--billing.on_payslip_issued.parked",
            "ready": 1,
            "unacked": 0,
            "consumers": 0,
        },
        {
            "name": "evt-members-member_registered--notifications.on_member_registered",
            "ready": 7,
            "unacked": 0,
            "consumers": 0,
        },
    ]
    lines = table(healths, queues).splitlines()
    assert lines[0].split() == [
        "service",
        "status",
        "version",
        "database",
        "outbox",
        "queued",
        "unacked",
        "parked",
        "consumers",
    ]
    assert lines[1].split() == ["billing", "ok", "0.1.0", "ok", "0", "7", "1", "1", "3"]
    assert lines[2].split() == ["notifications", "unreachable", "-", "-", "-", "7", "0", "0", "0"]
