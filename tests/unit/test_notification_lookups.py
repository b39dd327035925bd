"""What notifications asks other services per message (issue 18): an issued invoice's PDF once
for its two recipients, the same bytes attached to both; the cooperative read once for several
events, and again after COOPERATIVE_SECONDS; a member or customer read once, then again when
its owner announces a change, an erasure forgets it, or CONTACT_SECONDS passed, so a corrected
address reaches the next message (docs/adr/008-notifications-delivery.md, docs/adr/028)."""

import base64
from types import SimpleNamespace

import pytest

from coop_notifications import contacts
from coop_notifications.handlers import compose, privacy, reactions
from coop_notifications.orm import Base
from coop_notifications.repository import NotificationsRepository
from coop_notifications.settings import DeliverySettings
from coop_shared.kept import Kept
from tests.unit.fake_uow import FakeUnitOfWork

DIES_ID, BRUCOOP_ID = "c0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-000000000002"
SETTINGS = DeliverySettings(
    retry_delays=(60.0,), poll_seconds=5, batch=50, forbidden_webhook_ports=frozenset()
)
PDF = b"%PDF-1.7 invoice DIES-2026-00001"


class Counted:
    """members and billing as fakes that count what they are asked."""

    def __init__(self):
        self.calls = []
        self.members = SimpleNamespace(member=self._member, cooperative=self._cooperative)
        self.billing = SimpleNamespace(customer=self._customer, invoice_pdf=self._invoice_pdf)

    def _member(self, member_id):
        self.calls.append(("member", member_id))
        return {"first_name": "Amina", "last_name": "Diallo", "email": "amina@example.org", "language": "fr"}

    def _cooperative(self, slug):
        self.calls.append(("cooperative", slug))
        return {"name": slug.upper(), "email": f"bureau@{slug}.example", "languages": ["fr"]}

    def _customer(self, customer_id):
        self.calls.append(("customer", customer_id))
        return {"name": "Brasserie Zinneke", "email": "compta@zinneke.example", "language": "nl"}

    def _invoice_pdf(self, invoice_id):
        self.calls.append(("invoice_pdf", invoice_id))
        return {
            "filename": "DIES-2026-00001.pdf",
            "content_type": "application/pdf",
            "content": base64.b64encode(PDF).decode(),
        }

    def count(self, what):
        return sum(1 for kind, _ in self.calls if kind == what)


class Channel:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return "250 accepted"


@pytest.fixture(autouse=True)
def no_cooperative_kept(monkeypatch):
    monkeypatch.setattr(compose, "COOPERATIVES", Kept(compose.COOPERATIVE_SECONDS))


@pytest.fixture
def services():
    return Counted()


def _react(event, channel, services):
    uow = FakeUnitOfWork(Base.metadata, repository=NotificationsRepository)
    planned = reactions.react(uow, event, {"email": channel}, lambda cooperative_id, slug: services, SETTINGS)
    uow.commit()
    return planned


def _event(n, event_type, payload, cooperative=("dies", DIES_ID)):
    return {
        "event_id": f"e0000000-0000-4000-8000-{n:012d}",
        "event_type": event_type,
        "cooperative": cooperative[0],
        "cooperative_id": cooperative[1],
        "occurred_at": "2026-11-26T10:00:00+00:00",
        "payload": payload,
    }


def _payment(n, cooperative=("dies", DIES_ID)):
    payload = {
        "member_id": "m1",
        "amount": "10.00",
        "contribution": "1.00",
        "revenue": "9.00",
        "invoice_number": "DIES-2026-00001",
    }
    return _event(n, "payment_received", payload, cooperative)


def test_an_invoice_pdf_is_fetched_once_for_its_two_recipients_and_attached_alike(services):
    channel = Channel()
    payload = {
        "invoice_id": "i1",
        "customer_id": "cu1",
        "member_id": "m1",
        "number": "DIES-2026-00001",
        "total_incl_vat": "1180.01",
        "due_date": "2026-12-26",
        "structured_communication": "+++260/0000/00170+++",
    }
    assert _react(_event(1, "invoice_issued", payload), channel, services) == 2

    assert services.count("invoice_pdf") == 1
    assert sorted(m.address for m in channel.sent) == ["amina@example.org", "compta@zinneke.example"]
    attached = [[(a.filename, a.content_type, a.content) for a in m.attachments] for m in channel.sent]
    assert attached == [[("DIES-2026-00001.pdf", "application/pdf", PDF)]] * 2


def test_the_cooperative_and_the_member_are_read_once_for_many_payment_notes(services):
    channel = Channel()
    for n in range(1, 6):
        assert _react(_payment(n), channel, services) == 1

    assert len(channel.sent) == 5
    assert services.count("cooperative") == 1
    assert services.count("member") == 1
    assert {m.address for m in channel.sent} == {"amina@example.org"}
    assert {(m.sender_name, m.reply_to) for m in channel.sent} == {("DIES", "bureau@dies.example")}


def test_each_cooperative_is_read_for_itself(services):
    channel = Channel()
    _react(_payment(1), channel, services)
    _react(_payment(2, cooperative=("brucoop", BRUCOOP_ID)), channel, services)

    assert [c for c in services.calls if c[0] == "cooperative"] == [
        ("cooperative", "dies"),
        ("cooperative", "brucoop"),
    ]
    assert [m.sender_name for m in channel.sent] == ["DIES", "BRUCOOP"]


@pytest.mark.parametrize(
    "keeper, name, asked", [(compose, "COOPERATIVES", "cooperative"), (contacts, "CONTACTS", "member")]
)
def test_what_is_kept_is_read_again_once_kept_long_enough(services, monkeypatch, keeper, name, asked):
    clock = [1000.0]
    kept = getattr(keeper, name)
    monkeypatch.setattr(kept, "clock", lambda: clock[0])
    channel = Channel()
    _react(_payment(1), channel, services)
    clock[0] += kept.seconds - 1
    _react(_payment(2), channel, services)
    assert services.count(asked) == 1
    clock[0] += 2
    _react(_payment(3), channel, services)
    assert services.count(asked) == 2


def test_a_payment_note_costs_six_statements_and_three_commits_after_the_first(services):
    """Planning (event, webhooks, delivery), the lease (one UPDATE … RETURNING) with the
    cooperative's own wordings, and the outcome: no statement to read back the delivery just
    planned, none per message for its template, no commit of the address before the send
    (fifteen round trips before issue 18)."""
    import sqlalchemy as sa

    uow = FakeUnitOfWork(Base.metadata, repository=NotificationsRepository)
    channel = Channel()

    def react(n):
        reactions.react(uow, _payment(n), {"email": channel}, lambda cooperative_id, slug: services, SETTINGS)
        uow.commit()

    react(1)  # the cooperative is read once, then kept
    statements, commits = [], []
    sa.event.listen(
        uow.engine, "before_cursor_execute", lambda c, cursor, sql, *rest: statements.append(sql.split()[0])
    )
    sa.event.listen(uow.engine, "commit", lambda connection: commits.append(connection))
    react(2)

    assert statements == ["INSERT", "SELECT", "INSERT", "UPDATE", "SELECT", "UPDATE"]
    assert len(commits) == 3
    assert [m.address for m in channel.sent] == ["amina@example.org"] * 2
    assert [c for c in services.calls if c[0] in ("cooperative", "member")] == [
        ("cooperative", "dies"),
        ("member", "m1"),
    ]


def _invoice(n, customer="cu1", cooperative=("dies", DIES_ID)):
    payload = {
        "invoice_id": f"i{n}",
        "customer_id": customer,
        "member_id": "m1",
        "number": f"DIES-2026-{n:05d}",
        "total_incl_vat": "1180.01",
        "due_date": "2026-12-26",
        "structured_communication": "+++260/0000/00170+++",
    }
    return _event(n, "invoice_issued", payload, cooperative)


class Corrected(Counted):
    """members and billing whose answers change when told: an address corrected meanwhile."""

    def __init__(self):
        super().__init__()
        self.member_email, self.customer_email = "amina@example.org", "compta@zinneke.example"

    def _member(self, member_id):
        return dict(super()._member(member_id), email=self.member_email)

    def _customer(self, customer_id):
        return dict(super()._customer(customer_id), email=self.customer_email)


def test_a_rectified_customer_or_member_is_read_again_once_the_change_is_announced():
    services, channel = Corrected(), Channel()
    _react(_invoice(1), channel, services)
    services.customer_email, services.member_email = "factures@zinneke.example", "amina.d@example.org"
    _react(_invoice(2), channel, services)  # no change announced yet: the kept contacts
    assert sorted(m.address for m in channel.sent[2:]) == ["amina@example.org", "compta@zinneke.example"]

    # what service.py's broadcast handlers do with customer_details_changed and member_details_changed
    contacts.CONTACTS.forget(contacts.key(DIES_ID, contacts.CUSTOMER, "cu1"))
    contacts.CONTACTS.forget(contacts.key(DIES_ID, contacts.MEMBER, "m1"))
    _react(_invoice(3), channel, services)

    assert sorted(m.address for m in channel.sent[4:]) == ["amina.d@example.org", "factures@zinneke.example"]
    assert (services.count("customer"), services.count("member")) == (2, 2)


def test_an_answer_asked_for_before_a_change_was_announced_is_not_kept():
    """The change is announced while members' answer is on its way: that answer (perhaps the
    old address) serves its own message but is not kept for the next."""
    services, channel = Corrected(), Channel()
    answer = services._member

    def announced_meanwhile(member_id):
        found = answer(member_id)
        contacts.CONTACTS.forget(contacts.key(DIES_ID, contacts.MEMBER, member_id))
        services.member_email = "amina.d@example.org"
        return found

    services.members.member = announced_meanwhile
    _react(_payment(1), channel, services)
    services.members.member = answer
    _react(_payment(2), channel, services)

    assert [m.address for m in channel.sent] == ["amina@example.org", "amina.d@example.org"]


def test_an_erasure_forgets_the_member_this_instance_kept(services):
    from datetime import date

    from coop_shared.credentials import ADMIN, Identity

    channel = Channel()
    uow = FakeUnitOfWork(Base.metadata, repository=NotificationsRepository)
    reactions.react(uow, _payment(1), {"email": channel}, lambda cooperative_id, slug: services, SETTINGS)
    uow.commit()
    assert contacts.CONTACTS.get(contacts.key(DIES_ID, contacts.MEMBER, "m1"))["email"] == "amina@example.org"

    admin = Identity(cooperative="dies", role=ADMIN, cooperative_id=DIES_ID)
    privacy.erase_person_data(
        uow,
        admin,
        {"member_id": "m1", "activity_ids": [], "emails": ["amina@example.org"]},
        date(2026, 12, 1),
    )

    assert contacts.CONTACTS.get(contacts.key(DIES_ID, contacts.MEMBER, "m1")) is None


def test_a_contact_kept_for_one_cooperative_is_not_another_cooperatives(services):
    channel = Channel()
    _react(_payment(1), channel, services)
    _react(_payment(2, cooperative=("brucoop", BRUCOOP_ID)), channel, services)

    assert services.count("member") == 2  # "m1" of each cooperative, each asked of its own
    assert contacts.CONTACTS.get(contacts.key(BRUCOOP_ID, contacts.MEMBER, "m1")) is not None
