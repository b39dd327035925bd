"""Invoices delivered and received over Peppol through the `loopback` access point, with the
real broker, PostgreSQL, a real SMTP server (aiosmtpd) and the real Peppol validator
(docs/adr/011-peppol-delivery.md)."""

from __future__ import annotations

import base64
import email
import email.policy
from pathlib import Path

import pytest

from coop_shared.errors import BusinessRuleViolation, NotFound, ValidationError
from tests import support
from tests.integration import billing_setup

DIES_ID = "0208:0403170701"
BRUCOOP_ID = "0208:0202239951"  # also Bakkerij Peeters' number in billing_setup.NL_CUSTOMER
REJECTING = {
    "name": "Menuiserie Lambert SRL",
    "kind": "company",
    "vat_number": "BE1234567894",
    "email": "compta@lambert.example",
    "language": "fr",
    "address": {"street": "Rue du Bois 3", "postal_code": "1050", "city": "Ixelles", "country": "BE"},
}
NOT_ON_PEPPOL = dict(
    REJECTING,
    name="Atelier Janssens BV",
    vat_number="BE0455555550",
    email="info@janssens.example",
    language="nl",
)


@pytest.fixture
def smtp(tmp_path):
    port, folder = support.free_port(), tmp_path / "mail"
    process = support.start_receiver("smtp", port, folder, tmp_path / "smtp.log")
    yield port, folder
    support.stop_process(process, grace=5)


def mails(folder: Path, to: str) -> list:
    found = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in support.received(folder, ".eml")
    ]
    return [m for m in found if m["To"] == to]


def settings_for(smtp_port: int) -> dict:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "COOP_MAIL_FROM": "factures@coop.example",
        "COOP_DELIVERY_POLL_SECONDS": "0.2",
        "COOP_PEPPOL_POLL_SECONDS": "0.2",
        "COOP_PEPPOL_RETRY_DELAYS": "0.2,0.2",
    }


def one_line(world, customer_id: str, amount: str = "500.00") -> dict:
    return {
        "activity_id": world.activity["id"],
        "customer_id": customer_id,
        "vat_regime": "standard",
        "lines": [
            {"description": "Étagères sur mesure", "quantity": "1", "unit_price": amount, "vat_rate": "0.21"}
        ],
    }


def test_b2b_invoices_go_over_peppol_consumers_and_unregistered_customers_by_email_rejections_reach_the_office(
    start_services, rpc_client, suite_settings, smtp
):
    smtp_port, mail = smtp
    start_services("members", "billing", "notifications", settings=settings_for(smtp_port))
    world = billing_setup.build(rpc_client)
    dies = world.dies
    rejecting = dies.create_customer(REJECTING)
    unregistered = dies.create_customer(NOT_ON_PEPPOL)
    person = dies.create_customer(billing_setup.FR_PERSON)

    with pytest.raises(ValidationError) as refused:
        dies.set_peppol_settings({"access_point": "loopback", "api_key": "x"})
    assert "api_key" in refused.value.fields
    settings = dies.set_peppol_settings(
        {
            "access_point": "loopback",
            "registered": [BRUCOOP_ID],
            "rejects": {"0208:1234567894": "Commande inconnue : référence d'achat manquante"},
        }
    )
    assert settings["access_point"] == "loopback"
    assert settings["settings"]["participant_id"] == DIES_ID

    def issue(customer_id, amount="500.00"):
        return dies.issue_invoice(dies.create_invoice(one_line(world, customer_id, amount))["id"])

    delivered = issue(world.nl_customer["id"], "800.00")
    rejected = issue(rejecting["id"])
    fallback = issue(unregistered["id"])
    consumer = issue(person["id"])

    def delivery(invoice):
        return dies.get_invoice(invoice["id"])["delivery"]

    support.wait_for(lambda: delivery(delivered)["status"] == "delivered", message="delivered over Peppol")
    support.wait_for(lambda: delivery(rejected)["status"] == "rejected", message="rejected by the receiver")
    got = delivery(delivered)
    assert (got["channel"], got["receiver"], got["access_point"]) == ("peppol", BRUCOOP_ID, "loopback")
    assert got["sent_at"] and got["delivered_at"]
    assert delivery(rejected)["reason"] == "Commande inconnue : référence d'achat manquante"
    assert delivery(fallback) == dict(
        delivery(fallback),
        channel="email",
        status="emailed",
        reason="The customer is not registered on Peppol (0208:0455555550, 9925:BE0455555550).",
    )
    assert delivery(consumer)["channel"] == "email"
    assert "consumer" in delivery(consumer)["reason"]

    # The loopback network keeps the document it validated and delivered, once.
    sent = Path(suite_settings["COOP_DATA_DIR"]) / "peppol-loopback" / "sent" / "0208_0403170701"
    stored = sorted(p.name for p in sent.glob("*.xml") if not p.name.endswith(".response.xml"))
    assert stored == sorted([f"{delivered['id']}.xml", f"{rejected['id']}.xml"])
    assert (
        f"<cbc:ID>{delivered['number']}</cbc:ID>".encode() in (sent / f"{delivered['id']}.xml").read_bytes()
    )
    response = (sent / f"{rejected['id']}.response.xml").read_text()
    assert "<cbc:ResponseCode>RE</cbc:ResponseCode>" in response

    # list_invoices filters on the delivery status.
    listed = dies.list_invoices({"delivery_status": "delivered"})["items"]
    assert [i["number"] for i in listed] == [delivered["number"]]
    assert {i["number"] for i in dies.list_invoices({"delivery_status": "emailed"})["items"]} == {
        fallback["number"],
        consumer["number"],
    }

    # Over Peppol the customer's e-mail is a copy saying so; otherwise it is the invoice.
    [copy] = support.wait_for(lambda: mails(mail, "boekhouding@peeters.example"), message="the copy")
    assert copy["Subject"] == f"Kopie — factuur {delivered['number']}"
    assert "Kopie — de factuur werd u via Peppol bezorgd." in copy.get_body(("plain",)).get_content()
    [invoice_mail] = support.wait_for(lambda: mails(mail, "info@janssens.example"), message="the e-mail")
    assert invoice_mail["Subject"] == f"Factuur {fallback['number']}"
    # The rejection reaches the office, in the cooperative's first language (French).
    [office] = support.wait_for(lambda: mails(mail, "bureau@dies.example"), message="the office's e-mail")
    assert office["Subject"] == f"Peppol : la facture {rejected['number']} n'a pas été remise"
    text = office.get_body(("plain",)).get_content()
    assert "Menuiserie Lambert SRL a été refusée par le destinataire" in text
    assert "Commande inconnue : référence d'achat manquante" in text
    events = support.outbox_bodies(suite_settings["BILLING_DATABASE_URL"], "invoice_delivery_failed")
    assert [(e["payload"]["number"], e["payload"]["status"]) for e in events] == [
        (rejected["number"], "rejected")
    ]
    delivered_events = support.outbox_bodies(suite_settings["BILLING_DATABASE_URL"], "invoice_delivered")
    assert [e["payload"]["number"] for e in delivered_events] == [delivered["number"]]
    issued = support.outbox_bodies(suite_settings["BILLING_DATABASE_URL"], "invoice_issued")
    assert {e["payload"]["number"]: e["payload"]["delivery_channel"] for e in issued} == {
        delivered["number"]: "peppol",
        rejected["number"]: "peppol",
        fallback["number"]: "email",
        consumer["number"]: "email",
    }

    # A credit note goes the same way.
    note = dies.create_credit_note({"invoice_id": delivered["id"], "reason": "Erreur de prix"})
    support.wait_for(lambda: delivery(note)["status"] == "delivered", message="the credit note delivered")

    # Billit's credentials are secrets: set, never shown.
    shown = dies.set_peppol_settings(
        {"access_point": "billit", "base_url": "http://127.0.0.1:9", "party_id": "42", "api_key": "sk-live-1"}
    )
    assert shown["secrets_set"] == ["api_key"] and "sk-live-1" not in repr(shown)
    assert "sk-live-1" not in repr(dies.get_peppol_settings())


def test_a_received_supplier_invoice_becomes_an_expense_once_and_an_invalid_one_is_kept_and_flagged(
    start_services, rpc_client, suite_settings
):
    start_services("members", "billing", settings={"COOP_PEPPOL_POLL_SECONDS": "0.2"})
    world = billing_setup.build(rpc_client)
    dies, brucoop = world.dies, world.brucoop
    # Dies sends an invoice to Bakkerij Peeters, whose number is BRUCOOP's on this network:
    # BRUCOOP receives it as a supplier invoice.
    dies.set_peppol_settings({"access_point": "loopback", "registered": [BRUCOOP_ID]})
    brucoop.set_peppol_settings({"access_point": "loopback", "registered": [DIES_ID]})
    invoice = dies.issue_invoice(dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    support.wait_for(lambda: dies.get_invoice(invoice["id"])["delivery"]["status"] == "delivered")

    # An invalid one arrives too: the same document with its totals tampered with.
    from coop_billing.peppol.loopback import hand_in

    ubl = base64.b64decode(dies.render_invoice({"invoice_id": invoice["id"], "format": "ubl"})["content"])
    broken = ubl.replace(b">1180.01</cbc:PayableAmount>", b">1180.02</cbc:PayableAmount>")
    assert broken != ubl
    folder = Path(suite_settings["COOP_DATA_DIR"]) / "peppol-loopback"
    hand_in(folder, BRUCOOP_ID, broken, "supplier-x--broken-1")

    fetched = brucoop.fetch_purchase_documents()
    assert fetched == {"received": 2, "stored": 1, "invalid": 1, "duplicates": 0}
    assert brucoop.fetch_purchase_documents()["received"] == 0  # confirmed: gone from the inbox
    hand_in(folder, BRUCOOP_ID, broken, "supplier-x--broken-again")
    assert brucoop.fetch_purchase_documents() == {"received": 1, "stored": 0, "invalid": 0, "duplicates": 1}

    waiting = brucoop.list_purchase_documents({"status": "waiting"})["items"]
    [doc] = waiting
    assert (doc["number"], doc["supplier_name"], doc["supplier_endpoint"]) == (
        invoice["number"],
        "Dies",
        DIES_ID,
    )
    assert (doc["total_excl_vat"], doc["total_vat"], doc["total_incl_vat"]) == (
        "1000.01",
        "180.00",
        "1180.01",
    )
    pdf = brucoop.render_purchase_document({"id": doc["id"], "format": "pdf"})
    assert base64.b64decode(pdf["content"]).startswith(b"%PDF")
    as_sent = (folder / "sent" / "0208_0403170701" / f"{invoice['id']}.xml").read_bytes()
    received = brucoop.render_purchase_document({"id": doc["id"], "format": "ubl"})
    assert base64.b64decode(received["content"]) == as_sent
    assert dies.list_purchase_documents({})["total"] == 0  # not Dies' documents
    for call in (dies.get_purchase_document, dies.accept_purchase_document):
        with pytest.raises(NotFound):
            call(doc["id"])
    with pytest.raises(NotFound):
        dies.assign_purchase_document({"id": doc["id"], "activity_id": world.activity["id"]})

    [invalid] = brucoop.list_purchase_documents({"status": "invalid"})["items"]
    assert any(f["rule"] == "BR-CO-16" for f in invalid["findings"]), invalid["findings"]

    members = rpc_client(world.keys["brucoop"]).members
    member = members.register_member(
        {"first_name": "Jonas", "last_name": "Peeters", "email": "jonas@example.org", "language": "nl"}
    )
    activity = members.add_activity({"member_id": member["id"], "name": "Consultance"})
    assigned = brucoop.assign_purchase_document({"id": doc["id"], "activity_id": activity["id"]})
    again = brucoop.assign_purchase_document({"id": doc["id"], "activity_id": activity["id"]})
    assert assigned["status"] == "assigned" and again["expense_id"] == assigned["expense_id"]
    account = brucoop.get_activity_account(activity["id"])
    assert account["balance"] == "-1000.01"  # the amount excluding VAT, once
    assert [e["amount"] for e in account["entries"]] == ["-1000.01"]

    with pytest.raises(BusinessRuleViolation):
        brucoop.assign_purchase_document({"id": invalid["id"], "activity_id": activity["id"]})
    accepted = brucoop.accept_purchase_document(invalid["id"])
    assert accepted["status"] == "waiting" and accepted["accepted_by"]
    brucoop.assign_purchase_document({"id": invalid["id"], "activity_id": activity["id"]})
    assert brucoop.get_activity_account(activity["id"])["balance"] == "-2000.02"
