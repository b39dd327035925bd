"""notifications use cases with the shared fake unit of work, fake clients and a fake channel:
who is written to, in which language, once; retries and the final failure; tenancy."""

import base64
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy.exc

from coop_notifications.channels import DeliveryError
from coop_notifications.handlers import deliveries, dispatch, reactions, templates, webhooks
from coop_notifications.orm import Base
from coop_notifications.repository import NotificationsRepository
from coop_notifications.schemas import ListDeliveriesSchema, RegisterWebhookSchema, SetTemplateSchema
from coop_notifications.settings import DeliverySettings
from coop_shared.credentials import ADMIN, AUDITOR, STAFF, Identity
from coop_shared.errors import Forbidden, NotFound
from coop_shared.storage.types import utcnow
from tests.unit.fake_uow import FakeUnitOfWork

DIES_ID, BRUCOOP_ID = "c0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-000000000002"
DIES_ADMIN = Identity(role=ADMIN, cooperative_id=DIES_ID, cooperative="dies", key_id="k-dies")
BRUCOOP_ADMIN = Identity(role=ADMIN, cooperative_id=BRUCOOP_ID, cooperative="brucoop", key_id="k-bru")
SETTINGS = DeliverySettings(
    retry_delays=(60.0, 300.0), poll_seconds=5, batch=50, forbidden_webhook_ports=frozenset()
)
PDF = b"%PDF-1.7 invoice DIES-2026-00001"


def public_resolver(host, port):
    """hooks.example as a public address: no name is ever looked up in a unit test."""
    return ["93.184.215.14"]


def invoice_issued(event_id="e0000000-0000-4000-8000-000000000001", cooperative=("dies", DIES_ID)):
    slug, cooperative_id = cooperative
    return {
        "event_id": event_id,
        "event_type": "invoice_issued",
        "cooperative_id": cooperative_id,
        "cooperative": slug,
        "occurred_at": "2026-11-26T10:00:00+00:00",
        "payload": {
            "invoice_id": "i1",
            "customer_id": "cu1",
            "member_id": "m1",
            "number": "DIES-2026-00001",
            "total_incl_vat": "1180.01",
            "due_date": "2026-12-26",
            "structured_communication": "+++260/0000/00170+++",
        },
    }


class FakeMembers:
    def __init__(self, members):
        self.members = members

    def member(self, member_id):
        if member_id not in self.members:
            raise NotFound(f"No member '{member_id}'.")
        return self.members[member_id]

    def cooperative(self, slug):
        return {
            "dies": {"name": "Dies", "email": "bureau@dies.example", "languages": ["fr", "nl"]},
            "brucoop": {"name": "BRUCOOP SC", "email": "admin@brucoop.example", "languages": ["fr"]},
        }[slug]


class FakeBilling:
    def customer(self, customer_id):
        return {"name": "Brasserie Zinneke", "email": "compta@zinneke.example", "language": "nl"}

    def invoice_pdf(self, invoice_id):
        content = base64.b64encode(PDF).decode()
        return {"filename": "DIES-2026-00001.pdf", "content_type": "application/pdf", "content": content}


class FakeChannel:
    """Records what it sends; raises `failure` instead when one is set."""

    def __init__(self, failure=None):
        self.failure = failure
        self.sent = []

    def send(self, message):
        if self.failure:
            raise self.failure
        self.sent.append(message)
        return "250 accepted"


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=NotificationsRepository)


@pytest.fixture
def members():
    return FakeMembers(
        {"m1": {"first_name": "Amina", "last_name": "Diallo", "email": "amina@example.org", "language": "fr"}}
    )


@pytest.fixture
def clients_for(members):
    asked = []

    def build(cooperative_id, cooperative):
        asked.append(cooperative)
        return SimpleNamespace(members=members, billing=FakeBilling())

    build.asked = asked
    return build


def react(uow, event, channel, clients_for):
    """What the event handler does: plan with the inbox claim, send once that commits."""
    planned = reactions.react(uow, event, {"email": channel, "webhook": channel}, clients_for, SETTINGS)
    uow.commit()
    return planned


def log(uow, identity=DIES_ADMIN, **filters):
    return deliveries.list_deliveries(uow, identity, ListDeliveriesSchema().load(filters))["items"]


def test_an_issued_invoice_goes_to_the_customer_in_their_language_and_a_copy_to_the_member(uow, clients_for):
    channel = FakeChannel()
    assert react(uow, invoice_issued(), channel, clients_for) == 2

    customer, member = channel.sent
    assert (customer.address, customer.language, customer.subject) == (
        "compta@zinneke.example",
        "nl",
        "Factuur DIES-2026-00001",
    )
    # The member's copy is in the member's own language (French), the same invoice attached.
    assert (member.address, member.language, member.subject) == (
        "amina@example.org",
        "fr",
        "Facture DIES-2026-00001",
    )
    assert [a.filename for a in member.attachments] == ["DIES-2026-00001.pdf"]
    assert "factuur DIES-2026-00001 van 1.180,01 €" in customer.text
    assert [(a.filename, a.content) for a in customer.attachments] == [("DIES-2026-00001.pdf", PDF)]
    assert customer.sender_name == "Dies" and customer.reply_to == "bureau@dies.example"
    assert sorted((d["recipient"], d["status"], d["attempts"]) for d in log(uow)) == [
        ("customer:cu1", "sent", 1),
        ("member:m1", "sent", 1),
    ]
    assert clients_for.asked and set(clients_for.asked) == {"dies"}


def test_the_same_event_twice_plans_nothing_new(uow, clients_for):
    channel = FakeChannel()
    react(uow, invoice_issued(), channel, clients_for)
    # The inbox refuses a redelivered event before the handler runs; were it bypassed, the
    # unique (event, channel, recipient) key refuses the second plan.
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        react(uow, invoice_issued(), channel, clients_for)
    uow.rollback()
    assert len(log(uow)) == 2
    assert len(channel.sent) == 2


def test_a_failing_channel_retries_at_the_configured_delays_then_fails_and_says_so(
    uow, clients_for, monkeypatch
):
    clock = [utcnow()]
    for module in (reactions, dispatch):  # planning and sending read the same clock
        monkeypatch.setattr(module, "utcnow", lambda: clock[0])
    channel = FakeChannel(DeliveryError("SMTP localhost:25: ConnectionRefusedError"))
    event = dict(invoice_issued(), event_type="payment_received")
    event["payload"] = {"member_id": "m1", "invoice_number": "DIES-2026-00001", "amount": "500.00"}
    event["payload"].update(revenue="423.73", contribution="42.37")
    react(uow, event, channel, clients_for)
    (delivery,) = log(uow)
    assert (delivery["status"], delivery["attempts"]) == ("pending", 1)
    assert delivery["next_attempt_at"] == (clock[0] + timedelta(seconds=60)).isoformat()

    clock[0] += timedelta(seconds=59)
    assert dispatch.deliver_due(uow, {"email": channel}, clients_for, SETTINGS) == {}
    clock[0] += timedelta(seconds=1)
    assert dispatch.deliver_due(uow, {"email": channel}, clients_for, SETTINGS) == {"retry": 1}
    assert log(uow)[0]["next_attempt_at"] == (clock[0] + timedelta(seconds=300)).isoformat()
    assert uow.events_of("delivery_failed") == []

    clock[0] += timedelta(seconds=300)
    assert dispatch.deliver_due(uow, {"email": channel}, clients_for, SETTINGS) == {"failed": 1}
    (failed,) = log(uow)
    assert (failed["status"], failed["attempts"], failed["next_attempt_at"]) == ("failed", 3, None)
    (notice,) = uow.events_of("delivery_failed")
    assert notice == {
        "delivery_id": failed["id"],
        "event_id": event["event_id"],
        "event_type": "payment_received",
        "channel": "email",
        "recipient": "member:m1",
        "address": "amina@example.org",
        "attempts": 3,
        "last_error": "SMTP localhost:25: ConnectionRefusedError",
    }


def test_a_recipient_who_does_not_exist_fails_at_once_without_retries(uow, members, clients_for):
    members.members.clear()
    channel = FakeChannel()
    event = dict(invoice_issued(), event_type="member_registered", payload={"member_id": "m1"})
    react(uow, event, channel, clients_for)
    (failed,) = log(uow)
    assert (failed["status"], failed["attempts"]) == ("failed", 1)
    assert failed["last_error"] == "members.get_member: No member 'm1'."
    assert channel.sent == []


def test_a_template_saved_for_one_cooperative_does_not_change_another(uow, clients_for):
    wording = {"event": "invoice_issued", "language": "nl", "subject": "Uw factuur {{ number }}"}
    wording["body"] = "Beste,\n\nFactuur {{ number }} van {{ cooperative }}.\n"
    saved = templates.set_template(uow, DIES_ADMIN, SetTemplateSchema().load(wording))
    assert (saved["overridden"], saved["subject"]) == (True, "Uw factuur {{ number }}")

    ref = {"event": "invoice_issued", "channel": "email", "language": "nl"}
    theirs = templates.get_template(uow, BRUCOOP_ADMIN, ref)
    assert (theirs["overridden"], theirs["subject"]) == (False, "Factuur {{ number }}")
    with pytest.raises(NotFound):
        templates.reset_template(uow, BRUCOOP_ADMIN, ref)

    channel = FakeChannel()
    react(uow, invoice_issued(), channel, clients_for)
    react(uow, invoice_issued("e2", ("brucoop", BRUCOOP_ID)), channel, clients_for)
    assert [m.subject for m in channel.sent] == [  # the customer (nl), then the member (fr)
        "Uw factuur DIES-2026-00001",
        "Facture DIES-2026-00001",
        "Factuur DIES-2026-00001",
        "Facture DIES-2026-00001",
    ]


def test_only_operators_change_templates_and_only_admins_register_webhooks(uow):
    auditor = Identity(role=AUDITOR, cooperative_id=DIES_ID, cooperative="dies")
    staff = Identity(role=STAFF, cooperative_id=DIES_ID, cooperative="dies")
    wording = {"event": "member_registered", "language": "fr", "subject": "Bienvenue", "body": "Bonjour"}
    with pytest.raises(Forbidden):
        templates.set_template(uow, auditor, SetTemplateSchema().load(wording))
    hook = {"url": "https://hooks.example/in", "events": ["invoice_issued"], "secret": "s" * 20}
    with pytest.raises(Forbidden):
        webhooks.register_webhook(uow, staff, RegisterWebhookSchema().load(hook), SETTINGS)


def test_a_webhook_receives_its_cooperative_events_signed_and_no_other(uow, clients_for):
    hook = {
        "url": "https://hooks.example/in",
        "events": ["invoice_issued"],
        "secret": "dies-secret-0123456789",
    }
    registered = webhooks.register_webhook(
        uow, DIES_ADMIN, RegisterWebhookSchema().load(hook), SETTINGS, resolver=public_resolver
    )
    assert "secret" not in registered
    channel = FakeChannel()
    react(uow, invoice_issued(), channel, clients_for)
    react(uow, invoice_issued("e2", ("brucoop", BRUCOOP_ID)), channel, clients_for)

    calls = [m for m in channel.sent if m.address == "https://hooks.example/in"]
    assert len(calls) == 1
    assert calls[0].headers["X-Coop-Event-Id"] == invoice_issued()["event_id"]
    assert len(calls[0].headers["X-Coop-Signature"]) == 64
    assert [d["recipient"] for d in log(uow, channel="webhook")] == [f"webhook:{registered['id']}"]
    assert log(uow, BRUCOOP_ADMIN, channel="webhook") == []

    removed = webhooks.remove_webhook(uow, DIES_ADMIN, {"id": registered["id"]})
    assert removed["active"] is False
    react(uow, invoice_issued("e3"), channel, clients_for)
    assert len([m for m in channel.sent if m.address == "https://hooks.example/in"]) == 1
