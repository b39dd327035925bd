"""Peppol delivery rules and the delivery worker on the shared fake unit of work, with an
access point that answers what each test needs (docs/adr/011-peppol-delivery.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from coop_billing.domain import delivery as rules
from coop_billing.handlers import deliveries
from coop_billing.orm import Base, Customer, Invoice, PeppolSettings
from coop_billing.peppol import DELIVERED, REJECTED, SENT, NotRegistered, Refused, Sent, Status, Unavailable
from coop_billing.repository import BillingRepository
from coop_shared.money import Money
from coop_shared.storage.types import utcnow
from tests.unit.fake_uow import FakeUnitOfWork

COOP = "11111111-1111-1111-1111-111111111111"
BUYER = {"name": "Bakkerij Peeters BV", "vat_number": "BE0202239951", "enterprise_number": "0202239951"}


def test_participants_are_looked_up_by_peppol_id_then_enterprise_number_then_vat():
    assert rules.participant_candidates(dict(BUYER, peppol_id="9925:BE0202239951")) == [
        "9925:BE0202239951",
        "0208:0202239951",
    ]
    assert rules.participant_candidates({"vat_number": "BE0403170701"}) == [
        "0208:0403170701",
        "9925:BE0403170701",
    ]
    assert rules.participant_candidates({"vat_number": "DE136695976"}) == []  # no Belgian identifier
    assert rules.participant_candidates({"name": "Claire Dubois"}) == []


def test_retries_wait_each_delay_then_stop():
    assert [rules.next_delay(n, (1, 5, 30)) for n in (1, 2, 3, 4)] == [1.0, 5.0, 30.0, None]


@dataclass
class StubAccessPoint:
    registered: tuple = ("0208:0202239951",)
    send_answers: list = field(default_factory=list)  # an exception or a Sent, in order
    status_answer: Status = Status(DELIVERED)
    sent: list = field(default_factory=list)
    lookups: int = 0
    lookup_error: Exception | None = None

    def lookup(self, identifiers):
        self.lookups += 1
        if self.lookup_error:
            raise self.lookup_error
        return next((i for i in identifiers if i in self.registered), None)

    def send(self, ubl, reference, receiver):
        self.sent.append((reference, receiver))
        answer = self.send_answers.pop(0) if self.send_answers else Sent(reference, DELIVERED)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def status(self, message_id):
        return self.status_answer


@dataclass
class StubNetwork:
    access: StubAccessPoint
    batch: int = 10
    lease_seconds: float = 120
    retry_delays: tuple = (0.0, 0.0)
    status_poll_seconds: float = 0.0
    lookup_timeout: float = 2.0

    def access_point(self, row):
        return self.access


@pytest.fixture
def uow(monkeypatch):
    monkeypatch.setattr(deliveries, "ubl_of", lambda uow, invoice: b"<Invoice/>")
    fake = FakeUnitOfWork(Base.metadata, BillingRepository)
    fake.repo.add(PeppolSettings(cooperative_id=COOP, access_point="stub", settings={}, secrets={}))
    fake.repo.add(
        Customer(
            id="c1",
            cooperative_id=COOP,
            name=BUYER["name"],
            kind="company",
            address={},
            language="nl",
            vat_number=BUYER["vat_number"],
        )
    )
    fake.commit()
    return fake


def issued(uow, network, buyer=BUYER, number="DIES-2026-00001") -> Invoice:
    """An issued invoice with its delivery decided and recorded, as issuing does."""
    invoice = Invoice(
        cooperative_id=COOP,
        cooperative_slug="dies",
        kind="invoice",
        activity_id="a1",
        member_id="m1",
        customer_id="c1",
        status="issued",
        vat_regime="standard",
        number=number,
        total_excl_vat=Money.of("100.00"),
        total_vat=Money.of("21.00"),
        total_incl_vat=Money.of("121.00"),
        buyer=buyer,
    )
    uow.repo.add(invoice)
    uow.repo.flush()
    deliveries.record(uow, network, invoice, deliveries.decide(uow, network, COOP, buyer))
    return invoice


def state(uow, invoice):
    row = uow.repo.leased_delivery(invoice.id)
    return row.channel, row.status, row.reason


def test_a_registered_customer_is_sent_right_after_the_issue_commits_and_delivered(uow):
    network = StubNetwork(StubAccessPoint())
    invoice = issued(uow, network)
    assert network.access.sent == []  # nothing leaves before the commit
    uow.commit()
    assert network.access.sent == [(invoice.id, "0208:0202239951")]
    assert state(uow, invoice) == ("peppol", "delivered", None)
    [event] = uow.events_of("invoice_delivered")
    assert (event["number"], event["receiver"]) == ("DIES-2026-00001", "0208:0202239951")


def test_a_consumer_or_an_unregistered_customer_gets_the_email_with_the_reason(uow):
    network = StubNetwork(StubAccessPoint(registered=()))
    consumer = issued(uow, network, buyer={"name": "Claire Dubois"}, number="DIES-2026-00002")
    unregistered = issued(uow, network, number="DIES-2026-00003")
    uow.commit()
    assert state(uow, consumer) == ("email", "emailed", rules.NOT_A_BUSINESS)
    assert state(uow, unregistered) == (
        "email",
        "emailed",
        "The customer is not registered on Peppol (0208:0202239951, 9925:BE0202239951).",
    )
    assert network.access.sent == []


def test_without_an_access_point_the_email_is_the_channel(uow):
    invoice = issued(uow, None)
    uow.commit()
    assert state(uow, invoice) == ("email", "emailed", rules.NO_ACCESS_POINT)


def test_a_lookup_that_cannot_be_done_at_issue_is_done_again_before_sending(uow):
    access = StubAccessPoint(lookup_error=Unavailable("down"))
    network = StubNetwork(access)
    decision = deliveries.decide(uow, network, COOP, BUYER)
    assert (decision.channel, decision.announced) == ("peppol", "pending")
    access.lookup_error = None
    invoice = issued(uow, network)
    uow.repo.leased_delivery(invoice.id).receiver = None  # as if the issue-time lookup had failed
    uow.commit()
    assert state(uow, invoice) == ("peppol", "delivered", None)


def test_unavailable_is_retried_then_failed_with_the_event(uow):
    network = StubNetwork(
        StubAccessPoint(send_answers=[Unavailable("503"), Unavailable("503"), Unavailable("503")])
    )
    invoice = issued(uow, network)
    uow.commit()  # the first try, right after the issue
    assert state(uow, invoice)[1] == "queued"
    deliveries.send_due(uow, network)
    deliveries.send_due(uow, network)
    channel, status, reason = state(uow, invoice)
    assert (status, reason) == ("failed", "Unavailable: 503")
    assert len(network.access.sent) == 3
    [event] = uow.events_of("invoice_delivery_failed")
    assert (event["status"], event["attempts"]) == ("failed", 3)


def test_a_refusal_fails_at_once_and_a_rejection_carries_the_receivers_reason(uow):
    refused = Refused("The document fails 1 Peppol rule(s).", [{"rule": "BR-CO-16", "text": "totals"}])
    network = StubNetwork(StubAccessPoint(send_answers=[refused, Sent("m2", REJECTED, "Unknown order")]))
    first = issued(uow, network, number="DIES-2026-00004")
    second = issued(uow, network, number="DIES-2026-00005")
    uow.commit()
    assert state(uow, first) == ("peppol", "failed", "The document fails 1 Peppol rule(s). BR-CO-16: totals")
    assert state(uow, second) == ("peppol", "rejected", "Unknown order")
    assert [e["status"] for e in uow.events_of("invoice_delivery_failed")] == ["failed", "rejected"]


def test_not_registered_at_send_time_fails_and_tells_the_office(uow):
    network = StubNetwork(StubAccessPoint(send_answers=[NotRegistered("gone")]))
    invoice = issued(uow, network)
    uow.commit()
    assert state(uow, invoice)[1:] == ("failed", "gone")


def test_a_sent_document_is_asked_for_its_status_until_the_receiver_answers(uow):
    access = StubAccessPoint(send_answers=[Sent("order-9", SENT)], status_answer=Status(SENT))
    network = StubNetwork(access)
    invoice = issued(uow, network)
    uow.commit()
    assert state(uow, invoice)[1] == "sent"
    deliveries.send_due(uow, network)
    assert state(uow, invoice)[1] == "sent"
    access.status_answer = Status(DELIVERED)
    deliveries.send_due(uow, network)
    assert state(uow, invoice)[1] == "delivered" and len(access.sent) == 1


def test_a_leased_row_is_not_sent_by_another_worker(uow):
    network = StubNetwork(StubAccessPoint())
    invoice = issued(uow, network)
    uow.repo.leased_delivery(invoice.id).lease_until = utcnow() + timedelta(seconds=60)
    uow._after_commit.clear()
    uow.commit()
    assert dict(deliveries.send_due(uow, network)) == {}
    assert network.access.sent == []


def test_a_send_that_outlasts_its_lease_is_announced_once_by_whoever_records_it_first(uow):
    """The access point took longer than the lease: another replica leased the row, sent it
    (the access point keeps one document per id) and recorded it delivered while this worker
    still waited. This worker's answer then records nothing and announces nothing."""
    import sqlalchemy as sa

    from coop_billing.orm import InvoiceDelivery

    class SlowAccessPoint(StubAccessPoint):
        def send(self, ubl, reference, receiver):
            answer = super().send(ubl, reference, receiver)
            # meanwhile, the other replica's record of the same document
            uow.repo.session.execute(
                sa.update(InvoiceDelivery)
                .where(InvoiceDelivery.invoice_id == reference)
                .values(status="delivered", message_id="other-replica", lease_until=None)
            )
            uow.commit()
            return answer

    network = StubNetwork(SlowAccessPoint())
    invoice = issued(uow, network)
    uow._after_commit.clear()
    uow.commit()

    assert dict(deliveries.send_due(uow, network)) == {"skipped": 1}
    row = uow.repo.leased_delivery(invoice.id)
    assert (row.status, row.message_id, row.attempts) == ("delivered", "other-replica", 0)
    assert uow.events_of("invoice_delivered") == []
