"""Notifications against a real SMTP server (aiosmtpd) and a real HTTP receiver on loopback,
with the real broker and databases (notifications by e-mail and webhook, end to end)."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pypdfium2
import pytest
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from coop_shared.errors import Forbidden, NotFound, ValidationError
from coop_shared.formatting import amount_text
from tests import support
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.integration import billing_setup
from tests.integration.payroll_setup import PERIOD, fund_activity, salaried

HOOK_SECRET = "dies-webhook-secret-0123456789"


@dataclass
class Receivers:
    smtp_port: int
    http_port: int
    mail: Path
    hooks: Path
    folder: Path
    smtp: object = None
    http: object = None

    def start_smtp(self):
        self.smtp = support.start_receiver("smtp", self.smtp_port, self.mail, self.folder / "smtp.log")

    def start_http(self):
        self.http = support.start_receiver("http", self.http_port, self.hooks, self.folder / "http.log")

    def mails(self, to: str | None = None, subject: str | None = None) -> list:
        messages = [
            email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in support.received(self.mail, ".eml")
        ]
        return [m for m in messages if to in (None, m["To"]) and subject in (None, m["Subject"])]

    def calls(self) -> list[dict]:
        return [json.loads(p.read_text()) for p in support.received(self.hooks, ".json")]


@pytest.fixture
def receivers(tmp_path):
    found = Receivers(
        support.free_port(), support.free_port(), tmp_path / "mail", tmp_path / "hooks", tmp_path
    )
    yield found
    for process in (found.smtp, found.http):
        if process is not None:
            support.stop_process(process, grace=5)


def mail_settings(receivers, **extra) -> dict:
    return dict(
        {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(receivers.smtp_port),
            "COOP_MAIL_FROM": "factures@coop.example",
            "COOP_DELIVERY_POLL_SECONDS": "0.2",
            "COOP_DELIVERY_RETRY_DELAYS": "0.5,1,2",
            # The local receiver: loopback is refused to webhooks unless the operator allows it.
            "COOP_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
        },
        **extra,
    )


def deliveries_of(notifications, **filters) -> list[dict]:
    return notifications.list_deliveries(dict(filters, limit=500))["items"]


def test_a_dutch_invoice_is_mailed_once_with_its_pdf_and_one_signed_webhook_whatever_the_redeliveries(
    start_services, rpc_client, suite_settings, receivers
):
    receivers.start_smtp()
    receivers.start_http()
    start_services("members", "billing", "notifications", settings=mail_settings(receivers))
    world = billing_setup.build(rpc_client)
    notifications = rpc_client(world.keys["dies"]).notifications
    hook = notifications.register_webhook(
        {
            "url": f"http://127.0.0.1:{receivers.http_port}/coop/events",
            "events": ["invoice_issued"],
            "secret": HOOK_SECRET,
        }
    )

    invoice = world.dies.issue_invoice(world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    customer_mail = support.wait_for(
        lambda: receivers.mails(to="boekhouding@peeters.example"),
        message="the invoice e-mail to the customer",
    )[0]
    support.wait_for(receivers.calls, message="the webhook call")

    # The customer's e-mail: Dutch, from the cooperative, the PDF of this invoice attached.
    assert customer_mail["Subject"] == f"Factuur {invoice['number']}"
    assert customer_mail["From"] == "Dies <factures@coop.example>"
    assert customer_mail["Reply-To"] == "bureau@dies.example"
    text = customer_mail.get_body(preferencelist=("plain",)).get_content()
    assert "In bijlage vindt u factuur" in text
    assert invoice["total_incl_vat"] == "1180.01"
    assert "van 1.180,01 €, te betalen uiterlijk op " + invoice["due_date"] in text
    assert invoice["structured_communication"] in text
    [attachment] = list(customer_mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{invoice['number']}.pdf"
    pdf = pypdfium2.PdfDocument(attachment.get_content())
    assert invoice["number"] in pdf[0].get_textpage().get_text_range()

    # The member's copy: the same e-mail in the member's own language (French), PDF included.
    member_mail = support.wait_for(
        lambda: receivers.mails(to=AMINA["email"], subject=f"Facture {invoice['number']}"),
        message="the member's copy",
    )[0]
    member_text = member_mail.get_body(preferencelist=("plain",)).get_content()
    assert "Veuillez trouver ci-joint la facture" in member_text and "1\u202f180,01 €" in member_text
    assert [a.get_filename() for a in member_mail.iter_attachments()] == [f"{invoice['number']}.pdf"]

    # The webhook: the event, signed with the secret chosen at registration.
    [call] = receivers.calls()
    body = base64.b64decode(call["body"])
    headers = {k.lower(): v for k, v in call["headers"].items()}
    expected = hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-coop-signature"], expected)
    event = json.loads(body)
    assert call["path"] == "/coop/events"
    assert event["event_type"] == "invoice_issued" and event["payload"]["number"] == invoice["number"]
    assert headers["x-coop-event-id"] == event["event_id"]

    # The same event twice more on the bus (a second relay, a redelivery after a crash).
    [published] = support.outbox_bodies(suite_settings["BILLING_DATABASE_URL"], "invoice_issued")
    assert published["event_id"] == event["event_id"]
    for _ in range(2):
        support.publish_raw(suite_settings["AMQP_URI"], "billing", "invoice_issued", published)
    queue = "evt-billing-invoice_issued--notifications.on_invoice_issued"
    support.wait_for(
        lambda: support.queue_depths(suite_settings["AMQP_URI"]).get(queue) == 0,
        message="the duplicates consumed",
    )
    time.sleep(1.5)  # several dispatcher rounds: any second send would have happened by now

    assert len(receivers.mails(to="boekhouding@peeters.example")) == 1
    assert len(receivers.mails(to=AMINA["email"], subject=member_mail["Subject"])) == 1
    assert len(receivers.calls()) == 1
    log = deliveries_of(notifications, event_id=event["event_id"])
    assert sorted((d["channel"], d["recipient"].split(":")[0], d["status"], d["attempts"]) for d in log) == [
        ("email", "customer", "sent", 1),
        ("email", "member", "sent", 1),
        ("webhook", "webhook", "sent", 1),
    ]
    assert {d["address"] for d in log} == {
        "boekhouding@peeters.example",
        AMINA["email"],
        f"http://127.0.0.1:{receivers.http_port}/coop/events",
    }
    assert [d["language"] for d in log if d["channel"] == "email"] == ["nl", "fr"]
    assert any(d["recipient"] == f"webhook:{hook['id']}" for d in log)


def plain(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def test_a_corrected_customer_address_gets_the_next_invoice_though_notifications_keeps_contacts(
    start_services, rpc_client, suite_settings, receivers
):
    """notifications keeps a customer's address between messages (contacts.py); billing's
    customer_details_changed, broadcast to every instance, makes it read the new one."""
    receivers.start_smtp()
    start_services("members", "billing", "notifications", settings=mail_settings(receivers))
    world = billing_setup.build(rpc_client)
    payload = billing_setup.two_line_invoice(world)
    first = world.dies.issue_invoice(world.dies.create_invoice(payload)["id"])
    support.wait_for(
        lambda: receivers.mails(to="boekhouding@peeters.example"), message="the first invoice's e-mail"
    )
    changed = world.dies.update_customer(
        {"customer_id": world.nl_customer["id"], "email": "facturen@peeters.example"}
    )
    assert changed["changed"] == ["email"]

    def forgotten():  # the broadcast of the change reached notifications and was handled
        depths = support.queue_depths(suite_settings["AMQP_URI"])
        queues = [n for n in depths if "notifications.forget_changed_customer" in n]
        return (
            queues
            and all(depths[n] == 0 for n in queues)
            and not support.count(
                suite_settings["BILLING_DATABASE_URL"],
                "select count(*) from outbox where published_at is null",
            )
        )

    support.wait_for(forgotten, message="the change announced to notifications")
    second = world.dies.issue_invoice(world.dies.create_invoice(payload)["id"])
    mail = support.wait_for(
        lambda: receivers.mails(to="facturen@peeters.example"), message="the second invoice's e-mail"
    )[0]

    assert mail["Subject"] == f"Factuur {second['number']}"
    assert [m["Subject"] for m in receivers.mails(to="boekhouding@peeters.example")] == [
        f"Factuur {first['number']}"
    ]


def test_every_reaction_reaches_its_reader_in_their_language(start_services, rpc_client, receivers):
    receivers.start_smtp()
    start_services("members", "billing", "payroll", "notifications", settings=mail_settings(receivers))
    world = billing_setup.build(rpc_client)
    customer, member, office = "boekhouding@peeters.example", AMINA["email"], DIES["email"]

    # Overdue: the Dutch-speaking customer is reminded of what is due and of the legal terms.
    long_ago = (date.today() - timedelta(days=50)).isoformat()
    late = world.dies.issue_invoice(
        world.dies.create_invoice(billing_setup.two_line_invoice(world, issue_date=long_ago))["id"]
    )
    assert world.dies.run_overdue_check()["reminders"] == 2  # 1 and 15 days late
    reminders = support.wait_for(
        lambda: (
            len(found := receivers.mails(to=customer, subject=f"Herinnering: factuur {late['number']}")) == 2
            and found
        ),
        message="two reminders",
    )
    assert "nog 1.180,01 € open" in plain(reminders[0])
    # Law of 2 August 2002: the rate of its art. 5, the interest to date and the flat €40 (art. 6).
    assert "(10.50 % per jaar, 6,79 € tot vandaag) en de forfaitaire vergoeding van 40,00 €" in plain(
        reminders[0]
    )
    assert "+++260/0000/" in plain(reminders[0]) and "BE05068123456775" in plain(reminders[0])

    # A payment: the member (French) is told what their activity was credited.
    fund_activity(world, "4444.44")
    [paid] = support.wait_for(
        lambda: receivers.mails(to=member, subject="Paiement reçu : DIES-2026-00002"),
        message="the payment note",
    )
    assert "Le client a payé 5\u202f377,77 € sur la facture DIES-2026-00002" in plain(paid)
    assert "créditée de 4\u202f444,44 € (contribution 444,44 €)" in plain(paid)

    # A payslip: the amounts are in the mail body.
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
                    "amount": "4000.00",
                }
            ],
        }
    )
    payroll.close_run(run["id"])
    slip = run["payslips"][0]
    [payslip] = support.wait_for(
        lambda: receivers.mails(to=member, subject=f"Votre fiche de paie {PERIOD}"),
        message="the payslip note",
    )
    assert (
        f"brut 2\u202f912,56 €, net à payer {amount_text(slip['net_to_pay'], 'fr')}, coût total pour "
        f"l'activité 4\u202f000,00 €"
    ) in plain(payslip)
    # The payslip itself is attached, in the member's language, with its mandatory mentions.
    [attached] = list(payslip.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    text = pypdfium2.PdfDocument(attached.get_content())[0].get_textpage().get_text_range()
    assert "Fiche de paie" in text and "Numéro d'entreprise" in text and "Commission paritaire" in text
    assert PERIOD in text and "Date de paiement" in text

    # A work authorisation about to expire: the member and the cooperative's office are told.
    world.dies_members.record_document(
        {
            "member_id": world.member["id"],
            "kind": "work_authorisation",
            "reference": "WA-20",
            "valid_until": (date.today() + timedelta(days=20)).isoformat(),
        }
    )
    assert world.dies_members.run_document_check()["reminders"] == 1
    [to_member] = support.wait_for(
        lambda: receivers.mails(to=member, subject="Document à renouveler : WA-20"),
        message="the member's reminder",
    )
    [to_office] = support.wait_for(
        lambda: receivers.mails(to=office, subject="Document de Amina Diallo à renouveler"),
        message="the office's reminder",
    )
    assert "(dans 20 jours)" in plain(to_member) and "Sans document valide" in plain(to_office)

    log = deliveries_of(rpc_client(world.keys["dies"]).notifications, channel="email")
    assert {d["status"] for d in log} == {"sent"}
    assert sorted(d["template"] for d in log) == sorted(
        ["member_registered"]
        + ["invoice_issued"] * 4
        + ["invoice_overdue"] * 2
        + ["payment_received", "payslip_issued", "document_expiring", "document_expiring_staff"]
    )


def test_with_the_mail_server_down_mail_waits_is_retried_and_leaves_once_it_is_back(
    start_services, rpc_client, receivers
):
    start_services(
        "members",
        "notifications",
        settings=mail_settings(receivers, COOP_DELIVERY_RETRY_DELAYS=",".join(["0.5"] * 40)),
    )
    key = support.admin_keys(rpc_client, DIES)["dies"]
    member = rpc_client(key).members.register_member(AMINA)
    notifications = rpc_client(key).notifications

    def welcome():
        found = deliveries_of(notifications, event="member_registered", recipient=f"member:{member['id']}")
        return found[0] if found else None

    waiting = support.wait_for(
        lambda: (w := welcome()) and w["attempts"] >= 2 and w, message="two failed tries"
    )
    assert waiting["status"] == "pending"
    assert "Connection refused" in waiting["last_error"] or "ConnectionRefused" in waiting["last_error"]
    assert receivers.mails() == []

    receivers.start_smtp()
    sent = support.wait_for(
        lambda: (w := welcome())["status"] == "sent" and w, message="the welcome e-mail sent"
    )
    assert sent["attempts"] >= 3 and sent["last_error"] is None
    [mail] = receivers.mails(to=AMINA["email"])
    assert mail["Subject"] == "Bienvenue chez Dies"
    assert "Bonjour Amina" in mail.get_body(preferencelist=("plain",)).get_content()


def test_after_the_last_retry_the_delivery_is_failed_and_delivery_failed_crosses_the_bus(
    start_services, rpc_client, suite_settings, receivers
):
    # An integrator listening for failures, bound before anything happens.
    failures = Queue(
        "integrator-delivery-failed",
        exchange=get_event_exchange("notifications", {}),
        routing_key="delivery_failed",
        durable=True,
    )
    with Connection(suite_settings["AMQP_URI"]) as connection:
        failures(connection.default_channel).declare()
    start_services(
        "members", "notifications", settings=mail_settings(receivers, COOP_DELIVERY_RETRY_DELAYS="0.3,0.3")
    )
    key = support.admin_keys(rpc_client, DIES)["dies"]
    member = rpc_client(key).members.register_member(AMINA)
    notifications = rpc_client(key).notifications

    failed = support.wait_for(
        lambda: deliveries_of(notifications, status="failed"), message="the failed delivery"
    )
    assert [(d["recipient"], d["attempts"]) for d in failed] == [(f"member:{member['id']}", 3)]
    assert failed[0]["address"] == AMINA["email"]

    with Connection(suite_settings["AMQP_URI"]) as connection:
        message = support.wait_for(
            lambda: failures(connection.default_channel).get(no_ack=True),
            message="delivery_failed on the bus",
        )
    event = message.payload
    assert event["event_type"] == "delivery_failed" and event["cooperative"] == "dies"
    assert event["payload"]["delivery_id"] == failed[0]["id"]
    assert event["payload"]["attempts"] == 3 and "refused" in event["payload"]["last_error"].lower()

    # Staff send it again once the server is back: one e-mail, the delivery sent.
    receivers.start_smtp()
    notifications.resend(failed[0]["id"])
    support.wait_for(lambda: receivers.mails(to=AMINA["email"]), message="the resent e-mail")
    assert support.wait_for(lambda: deliveries_of(notifications, status="sent"))[0]["id"] == failed[0]["id"]
    assert len(receivers.mails()) == 1


def test_brucoops_own_template_changes_brucoops_mail_only_and_each_sees_only_its_own(
    start_services, rpc_client, receivers
):
    receivers.start_smtp()
    start_services("members", "notifications", settings=mail_settings(receivers))
    keys = support.admin_keys(rpc_client, DIES, BRUCOOP)
    brucoop = rpc_client(keys["brucoop"]).notifications
    dies = rpc_client(keys["dies"]).notifications

    # A template that would fail when sending is refused when saved, and nothing is saved.
    with pytest.raises(ValidationError) as refused:
        brucoop.set_template(
            {
                "event": "member_registered",
                "language": "fr",
                "subject": "Bienvenue",
                "body": "Bonjour {{ prenom }}",
            }
        )
    assert "body" in refused.value.args[1]
    assert brucoop.get_template({"event": "member_registered", "language": "fr"})["overridden"] is False

    saved = brucoop.set_template(
        {
            "event": "member_registered",
            "language": "fr",
            "subject": "{{ first_name }}, bienvenue à BRUCOOP",
            "body": "Bonjour {{ first_name }},\n\nVotre accompagnement commence & "
            "nous portons l'administration.\n",
        }
    )
    assert saved["overridden"] is True
    preview = brucoop.preview({"event": "member_registered", "language": "fr"})
    assert preview["subject"] == "Amina, bienvenue à BRUCOOP"
    # Values are escaped in the HTML part (autoescape) and shown as typed in the text part.
    hostile = brucoop.preview(
        {"event": "member_registered", "language": "fr", "data": {"first_name": "<b>A&B</b>"}}
    )
    assert "Bonjour &lt;b&gt;A&amp;B&lt;/b&gt;," in hostile["html"]
    assert hostile["text"].startswith("Bonjour <b>A&B</b>,") and hostile["subject"].startswith("<b>A&B</b>, ")
    assert dies.get_template({"event": "member_registered", "language": "fr"})["overridden"] is False

    rpc_client(keys["brucoop"]).members.register_member(
        dict(AMINA, first_name="Yonas", email="yonas@example.org")
    )
    rpc_client(keys["dies"]).members.register_member(AMINA)
    support.wait_for(lambda: len(receivers.mails()) == 2, message="both welcome e-mails")
    [brucoop_mail] = receivers.mails(to="yonas@example.org")
    [dies_mail] = receivers.mails(to=AMINA["email"])
    assert brucoop_mail["Subject"] == "Yonas, bienvenue à BRUCOOP"
    assert "commence & nous portons" in brucoop_mail.get_body(preferencelist=("plain",)).get_content()
    assert dies_mail["Subject"] == "Bienvenue chez Dies"

    # Each cooperative sees and acts on its own deliveries only.
    [brucoop_delivery] = deliveries_of(brucoop)
    [dies_delivery] = deliveries_of(dies)
    assert brucoop_delivery["address"] == "yonas@example.org" and dies_delivery["address"] == AMINA["email"]
    with pytest.raises(NotFound):
        dies.resend(brucoop_delivery["id"])


def test_webhook_urls_and_roles_are_checked_at_registration(start_services, rpc_client, suite_settings):
    start_services("members", "notifications")
    admin = support.admin_keys(rpc_client, DIES)["dies"]
    staff = rpc_client(admin).members.issue_api_key({"cooperative": "dies", "role": "staff", "label": "desk"})
    notifications = rpc_client(admin).notifications

    refused_urls = [
        "ftp://hooks.example/x",
        "http://127.0.0.1:5672/",
        "http://localhost:15672/api",
        "https://db.internal:5432/",
        "http://user:pw@hooks.example/",
    ]
    for url in refused_urls:
        with pytest.raises(ValidationError) as refused:
            notifications.register_webhook({"url": url, "events": ["invoice_issued"], "secret": HOOK_SECRET})
        assert "url" in refused.value.args[1], url
    with pytest.raises(ValidationError) as refused:
        notifications.register_webhook(
            {"url": "https://hooks.example/x", "events": ["api_key_revoked"], "secret": HOOK_SECRET}
        )
    assert "events" in refused.value.args[1]
    with pytest.raises(Forbidden):
        rpc_client(staff["secret"]).notifications.register_webhook(
            {"url": "https://hooks.example/x", "events": ["invoice_issued"], "secret": HOOK_SECRET}
        )
    assert notifications.list_webhooks()["total"] == 0

    # A public address literal: accepted without any lookup, and no call is made (no invoice).
    hook = notifications.register_webhook(
        {"url": "https://93.184.215.14/coop", "events": ["invoice_issued"], "secret": HOOK_SECRET}
    )
    assert "secret" not in hook
    assert notifications.remove_webhook(hook["id"])["active"] is False
