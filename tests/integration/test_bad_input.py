"""Bad input and other cooperatives' ids, on every public RPC method.

Hypothesis sends thousands of malformed payloads: random JSON, and the contract's field names
with values of every wrong kind. Each must come back as a typed error of the contract
(coop_shared.errors), never a generic one, and the four databases must be exactly as they were.
Then every method that takes an id is called by BRUCOOP with Dies' ids: each answers NotFound.
"""

from __future__ import annotations

import inspect
import time

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.rpc import Rpc

from coop_cli import suite
from coop_shared.errors import CoopError, NotFound
from tests import support
from tests.integration import billing_setup
from tests.integration.payroll_setup import PERIOD, fund_activity, salaried

# Commands whose empty payload is a legitimate order (run today's checks now): not "bad input".
LEGITIMATE_WITHOUT_PAYLOAD = {
    ("billing", "run_overdue_check"),
    ("billing", "get_billing_settings"),  # a read without a payload
    ("members", "run_document_check"),
}
FIELDS = [
    "id",
    "member_id",
    "activity_id",
    "customer_id",
    "invoice_id",
    "payment_id",
    "amount",
    "lines",
    "vat_regime",
    "email",
    "first_name",
    "last_name",
    "language",
    "period",
    "items",
    "format",
    "content",
    "event",
    "subject",
    "body",
    "url",
    "events",
    "secret",
    "status",
    "on",
    "from",
    "to",
    "kind",
    "reference",
    "valid_until",
    "parameters",
    "status_model",
    "valid_from",
    "name",
    "address",
    "slug",
    "role",
    "label",
    "cooperative",
    "limit",
    "offset",
    "q",
    "value_date",
    "bank_reference",
    "mode",
    "structured_communication",
    "reason",
    "date",
    "supplier",
    "amount_excl_vat",
    "vat_amount",
    "data",
    "channel",
    "recipient",
    "iban",
    "national_number",
    "vat_number",
    "contribution_rate",
    "languages",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=24),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
payloads = st.one_of(json_values, st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6))


def public_methods():
    for name in support.SERVICES + ("payroll",):
        cls = suite.service_class(name)
        for method, function in inspect.getmembers(cls, inspect.isfunction):
            if any(isinstance(e, Rpc) for e in getattr(function, ENTRYPOINT_EXTENSIONS_ATTR, ())) and (
                method not in ("health", "whoami", "list_status_models")
                and (name, method) not in LEGITIMATE_WITHOUT_PAYLOAD
            ):
                yield name, method


METHODS = sorted(set(public_methods()))


@pytest.fixture(scope="module")
def suite_world(tmp_path_factory):
    """The four services with Dies' data (invoices, a payment, a closed payroll), for the module."""
    with support.suite_in_process(
        COOP_DATA_DIR=str(tmp_path_factory.mktemp("var")), COOP_EVENT_RETRY_DELAYS="0.2"
    ) as running:
        rpc_client = running.client
        world = billing_setup.build(rpc_client)
        fund_activity(world, "4444.44")
        salaried(world)
        payroll = rpc_client(world.keys["dies"]).payroll
        run = payroll.prepare_run(
            {
                "period": PERIOD,
                "items": [
                    {
                        "member_id": world.member["id"],
                        "activity_id": world.activity["id"],
                        "mode": "budget",
                        # a budget whose gross is above the minimum wage (docs/domain/payroll-employees.md)
                        "amount": "4000.00",
                    }
                ],
            }
        )
        payroll.close_run(run["id"])
        yield {"world": world, "run": run, "rpc_client": rpc_client, "databases": running.databases}


def row_counts(databases: dict) -> dict:
    counts = {}
    for name, url in databases.items():
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                for table in sa.inspect(conn).get_table_names():
                    counts[(name, table)] = conn.execute(
                        sa.text(f'select count(*) from "{table}"')
                    ).scalar_one()
        finally:
            engine.dispose()
    return counts


def settled_row_counts(databases: dict) -> dict:
    """The row counts once nothing is on its way: an event an earlier call put in an outbox lands
    in another service's inbox (or audit trail) a moment later, and must not be counted as this
    call's doing. No outbox row left to relay, then two readings a tenth of a second apart agree."""

    def unrelayed() -> int:
        total = 0
        for url in databases.values():
            engine = sa.create_engine(url)
            try:
                with engine.connect() as conn:
                    total += conn.execute(
                        sa.text("select count(*) from outbox where published_at is null")
                    ).scalar_one()
            finally:
                engine.dispose()
        return total

    support.wait_for(lambda: unrelayed() == 0, timeout=20, message="every outbox relayed")
    counts = row_counts(databases)
    for _ in range(100):
        time.sleep(0.1)
        again = row_counts(databases)
        if again == counts:
            return counts
        counts = again
    raise AssertionError("the databases kept changing with nothing sent")


@pytest.mark.parametrize("service, method", METHODS, ids=[f"{s}.{m}" for s, m in METHODS])
def test_malformed_payloads_get_a_typed_error_and_change_nothing(suite_world, service, method):
    client = suite_world["rpc_client"](suite_world["world"].keys["dies"], timeout=30)
    call = getattr(getattr(client, service), method)
    before = settled_row_counts(suite_world["databases"])
    refused = []

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(payload=payloads)
    def check(payload):
        try:
            call(payload)
        except CoopError as error:  # the contract's typed errors, with a stable code
            refused.append(error.code)
            return
        # A malformed payload that is accepted must at least be a read (the row counts say so below).

    check()
    assert refused, f"{service}.{method} accepted every malformed payload"
    assert row_counts(suite_world["databases"]) == before


def test_every_method_with_an_id_answers_not_found_to_another_cooperative(suite_world):
    world, run = suite_world["world"], suite_world["run"]
    dies = world.dies
    invoice = dies.list_invoices({"status": "paid"})["items"][0]
    payment_id = (
        dies.list_unmatched_payments()["items"] and dies.list_unmatched_payments()["items"][0]["payment_id"]
    )
    payslip_id = run["payslips"][0]["id"]
    member_id, activity_id, customer_id = world.member["id"], world.activity["id"], world.nl_customer["id"]
    calls = {
        ("members", "get_member"): member_id,
        ("members", "get_members"): {"ids": [member_id]},
        ("members", "get_activity"): activity_id,
        ("members", "add_activity"): {"member_id": member_id, "name": "x"},
        ("members", "set_status_model"): {
            "member_id": member_id,
            "status_model": "be_director",
            "valid_from": f"{PERIOD}-01",
            "parameters": {},
        },
        ("members", "change_lifecycle"): {
            "member_id": member_id,
            "to": "suspended",
            "effective_on": f"{PERIOD}-01",
        },
        ("members", "record_document"): {"member_id": member_id, "kind": "id_card", "reference": "X1"},
        ("members", "check_right_to_work"): {"member_id": member_id, "on": f"{PERIOD}-01"},
        ("members", "update_member_identity"): {"member_id": member_id, "last_name": "x"},
        ("members", "update_member_address"): {"member_id": member_id, "address": None},
        ("members", "update_member_iban"): {"member_id": member_id, "iban": None},
        ("members", "list_member_changes"): {"member_id": member_id},
        ("members", "list_member_documents"): {"member_id": member_id},
        ("members", "list_member_enrolments"): {"member_id": member_id},
        ("members", "export_member_data"): {"member_id": member_id},
        ("members", "erase_member"): {"member_id": member_id},
        ("billing", "update_customer"): {"customer_id": customer_id, "name": "x"},
        ("billing", "list_customer_changes"): {"customer_id": customer_id},
        ("billing", "get_customer"): customer_id,
        ("billing", "get_invoice"): invoice["id"],
        ("billing", "issue_invoice"): invoice["id"],
        ("billing", "delete_invoice"): invoice["id"],
        ("billing", "render_invoice"): {"invoice_id": invoice["id"], "format": "pdf"},
        ("billing", "create_credit_note"): {"invoice_id": invoice["id"], "reason": "x"},
        ("billing", "create_invoice"): billing_setup.two_line_invoice(world),
        ("billing", "record_expense"): {
            "activity_id": activity_id,
            "date": f"{PERIOD}-01",
            "supplier": "x",
            "description": "x",
            "amount_excl_vat": "1.00",
            "vat_amount": "0.21",
        },
        ("billing", "get_activity_account"): {"activity_id": activity_id},
        ("billing", "record_payment"): {
            "amount": "1.00",
            "value_date": f"{PERIOD}-01",
            "bank_reference": "T-1",
            "invoice_id": invoice["id"],
        },
        ("payroll", "get_run"): run["id"],
        ("payroll", "close_run"): run["id"],
        ("payroll", "export_sepa"): run["id"],
        ("payroll", "get_payslip"): payslip_id,
        ("payroll", "render_payslip"): payslip_id,
        ("payroll", "get_individual_account"): {"member_id": member_id, "year": int(PERIOD[:4])},
        ("payroll", "prepare_run"): {
            "period": PERIOD,
            "items": [
                {"member_id": member_id, "activity_id": activity_id, "mode": "budget", "amount": "10.00"}
            ],
        },
    }
    if payment_id:
        calls[("billing", "match_payment")] = {"payment_id": payment_id, "invoice_id": invoice["id"]}
    brucoop = suite_world["rpc_client"](world.keys["brucoop"])
    answered = {}
    for (service, method), payload in calls.items():
        try:
            getattr(getattr(brucoop, service), method)(payload)
            answered[f"{service}.{method}"] = "accepted"
        except NotFound:
            continue
        except CoopError as error:
            answered[f"{service}.{method}"] = error.code
    assert answered == {}, answered
