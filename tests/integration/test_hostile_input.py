"""Hostile input through the real services, broker and databases (issue 16, points 3, 4 and 8;
docs/adr/020-bounded-templates-webhooks-parsers.md): templates that would exhaust the service,
webhooks aimed inside the network, bank files that lie, names that are markup.

No packet goes to a private or metadata address: the webhooks below are refused by the address
rule at registration, and the only name looked up is `localhost`."""

from __future__ import annotations

import base64
import time
from datetime import date
from decimal import Decimal

import eventlet
import pypdfium2
import pytest

from coop_cli.statement_files import Line, coda
from coop_shared.errors import ValidationError
from tests import support
from tests.fixtures_data import DIES
from tests.integration import billing_setup

HOOK_SECRET = "dies-webhook-secret-0123456789"
FIFTY_MEGABYTES = "{{ 'x' * 50000000 }}"
TEN_TO_THE_TEN = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


def test_webhooks_aimed_inside_the_network_are_refused_by_the_address_rule(start_services, rpc_client):
    start_services("members", "notifications")  # no COOP_WEBHOOK_ALLOWED_NETWORKS
    notifications = rpc_client(support.admin_keys(rpc_client, DIES)["dies"]).notifications
    for url in (
        "http://127.0.0.1:8080/in",
        "https://10.0.0.1/in",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]:8443/in",
        "https://[::ffff:127.0.0.1]/in",
        "https://100.64.0.1/in",
        "https://localhost:8443/in",  # a name resolving to loopback
        "http://93.184.215.14/in",  # public, but not https
    ):
        with pytest.raises(ValidationError) as refused:
            notifications.register_webhook({"url": url, "events": ["invoice_issued"], "secret": HOOK_SECRET})
        assert "url" in refused.value.args[1], url
    assert notifications.list_webhooks()["total"] == 0


def test_a_template_that_would_exhaust_the_service_is_refused_and_the_service_keeps_serving(
    start_services, rpc_client
):
    start_services("members", "notifications")
    admin = support.admin_keys(rpc_client, DIES)["dies"]
    wording = {"event": "invoice_issued", "language": "fr", "subject": "Facture {{ number }}"}

    def save(body):
        return rpc_client(admin).notifications.set_template(dict(wording, body=body))

    with pytest.raises(ValidationError) as refused:
        save(FIFTY_MEGABYTES)
    assert "32 MB" in refused.value.args[0] and "Mo de mémoire" in refused.value.args[0]

    # While a 10**10 loop is being checked, the service answers its other callers at once.
    looping = eventlet.spawn(save, TEN_TO_THE_TEN)
    eventlet.sleep(0.3)
    started = time.monotonic()
    preview = rpc_client(admin).notifications.preview({"event": "invoice_issued", "language": "nl"})
    assert preview["subject"] == "Factuur DIES-2026-00001" and time.monotonic() - started < 1.5
    with pytest.raises(ValidationError) as refused:
        looping.wait()
    assert "exceeds its limits" in refused.value.args[0]

    notifications = rpc_client(admin).notifications
    assert notifications.get_template({"event": "invoice_issued", "language": "fr"})["overridden"] is False
    saved = save("Bonjour,\n\nla facture {{ number }} de {{ total_incl_vat|euros('fr') }}.\n")
    assert saved["overridden"] is True


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing")
    return billing_setup.build(rpc_client)


def test_a_bank_file_with_a_superscript_digit_or_entities_books_nothing(world, suite_settings):
    text = coda(
        "BE05068123456775", "DIES", 1, Decimal("0.00"), [Line(Decimal("121.00"), text="x")], date.today()
    )
    records = text.split("\r\n")
    records[2] = records[2][:32] + "00000000012100²" + records[2][47:]  # the amount of record 2.1
    content = base64.b64encode("\r\n".join(records).encode("latin-1")).decode()
    with pytest.raises(ValidationError) as refused:
        world.dies.import_bank_statement({"format": "coda", "content": content})
    assert refused.value.args[1]["line"] == ["3"] and "amount" in refused.value.args[0]

    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&b;</Document>'
    )
    with pytest.raises(ValidationError, match="DTD, an entity or an external reference"):
        world.dies.import_bank_statement({"format": "camt053", "content": base64.b64encode(laughs).decode()})
    url = suite_settings["BILLING_DATABASE_URL"]
    assert support.count(url, "select count(*) from payments") == 0
    assert support.count(url, "select count(*) from bank_statements") == 0


def test_a_customer_name_with_markup_prints_as_typed_on_the_invoice(world):
    customer = world.dies.create_customer(dict(billing_setup.NL_CUSTOMER, name="Bakkerij <De Zon> & Zonen"))
    draft = world.dies.create_invoice(
        billing_setup.two_line_invoice(
            world,
            customer_id=customer["id"],
            lines=[
                {
                    "description": "Taart <b>groot</b> & klein",
                    "quantity": "1",
                    "unit_price": "10.00",
                    "vat_rate": "0.06",
                }
            ],
        )
    )
    invoice = world.dies.issue_invoice(draft["id"])
    rendered = world.dies.render_invoice({"invoice_id": invoice["id"], "format": "pdf"})
    document = pypdfium2.PdfDocument(base64.b64decode(rendered["content"]))
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
    assert "Bakkerij <De Zon> & Zonen" in text and "Taart <b>groot</b> & klein" in text


def test_a_webhook_whose_host_now_resolves_to_a_refused_address_gets_nothing(
    start_services, rpc_client, tmp_path
):
    """Registered while the operator allowed loopback; the allowance is withdrawn: the call is
    refused at delivery by the address rule, and the receiver on loopback never hears of it."""
    port, folder = support.free_port(), tmp_path / "hooks"
    receiver = support.start_receiver("http", port, folder, tmp_path / "http.log")
    try:
        start_services("members", "billing")
        world = billing_setup.build(rpc_client)
        quiet_mail = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(support.free_port())}
        first = start_services(
            "notifications", settings=dict(quiet_mail, COOP_WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32,::1/128")
        )
        notifications = rpc_client(world.keys["dies"]).notifications
        hook = notifications.register_webhook(
            {"url": f"http://localhost:{port}/coop", "events": ["invoice_issued"], "secret": HOOK_SECRET}
        )
        first.kill()
        start_services("notifications", settings=quiet_mail)  # loopback no longer allowed
        world.dies.issue_invoice(world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"])

        def failed():
            found = notifications.list_deliveries({"channel": "webhook", "limit": 10})["items"]
            return found if found and found[0]["status"] == "failed" else None

        [delivery] = support.wait_for(failed, timeout=30, message="the webhook delivery refused")
        assert delivery["recipient"] == f"webhook:{hook['id']}" and delivery["attempts"] == 1
        assert "loopback" in delivery["last_error"] and "127.0.0.1" not in delivery["last_error"]
        assert support.received(folder, ".json") == []
    finally:
        support.stop_process(receiver, grace=5)
