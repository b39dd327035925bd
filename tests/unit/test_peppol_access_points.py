"""The access-point contract: the `billit` adapter against a local stand-in of Billit's API on
127.0.0.1 (tests/peppol_provider.py), and the `loopback` network on real files with the real
Peppol validator."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

from coop_billing import peppol
from coop_billing.peppol import DELIVERED, REJECTED, SENT, Environment, NotRegistered, Refused, Unavailable
from coop_billing.peppol.billit import BillitAccessPoint
from coop_billing.peppol.loopback import LoopbackAccessPoint, hand_in
from coop_billing.peppol.validation import validate
from tests import support

EXAMPLE = (Path(__file__).resolve().parents[1] / "data" / "peppol-examples" / "base-example.xml").read_bytes()


def with_buyer(endpoint: str, number: str = "Snippet1") -> bytes:
    """The official Peppol example, addressed to `endpoint` (scheme 0208), numbered `number`."""
    return (
        EXAMPLE.replace(b'<cbc:EndpointID schemeID="0002">FR23342</cbc:EndpointID>', b"")
        .replace(
            b"<cac:AccountingCustomerParty>\n        <cac:Party>", b"<cac:AccountingCustomerParty><cac:Party>"
        )
        .replace(
            b"<cac:AccountingCustomerParty><cac:Party>",
            f'<cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0208">{endpoint}'
            f"</cbc:EndpointID>".encode(),
        )
        .replace(b"<cbc:ID>Snippet1</cbc:ID>", f"<cbc:ID>{number}</cbc:ID>".encode(), 1)
    )


@pytest.fixture(scope="module")
def billit_url(tmp_path_factory):
    port = support.free_port()
    log = tmp_path_factory.mktemp("billit") / "billit.log"
    process = support.start_process([sys.executable, "-m", "tests.peppol_provider", str(port)], {}, log)
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.post(f"{url}/_control/reset", timeout=1).ok
        except requests.ConnectionError:
            return False

    support.wait_for(up, timeout=20, message="the Billit stand-in")
    yield url
    support.stop_process(process, grace=5)


@pytest.fixture
def billit(billit_url):
    requests.post(f"{billit_url}/_control/reset", timeout=5)
    return BillitAccessPoint(
        {"base_url": billit_url, "party_id": "4242", "timeout_seconds": 5},
        {"api_key": "good-key"},
        Environment(data_dir="/nonexistent"),
    )


def script(url: str, *statuses: int) -> None:
    requests.post(f"{url}/_control/next", json={"statuses": list(statuses)}, timeout=5)


def requests_seen(url: str) -> list[dict]:
    """What the stand-in received; header names lower-cased (HTTP headers are case-insensitive)."""
    seen = requests.post(f"{url}/_control/requests", timeout=5).json()
    for request in seen:
        request["headers"] = {k.lower(): v for k, v in request["headers"].items()}
    return seen


def test_both_access_points_are_installed_plugins():
    assert {"loopback", "billit"} <= set(peppol.installed())


def test_billit_looks_up_by_enterprise_number_then_vat_with_its_headers(billit, billit_url):
    assert billit.lookup(["0208:1234567894", "9925:BE1234567894"]) is None  # 404 each: not registered
    assert billit.lookup(["0208:0202239951", "9925:BE0202239951"]) == "0208:0202239951"
    seen = requests_seen(billit_url)
    assert [r["path"] for r in seen] == [
        "/v1/peppol/participantInformation/1234567894",
        "/v1/peppol/participantInformation/BE1234567894",
        "/v1/peppol/participantInformation/0202239951",
    ]
    assert {(r["headers"]["apikey"], r["headers"]["partyid"]) for r in seen} == {("good-key", "4242")}


def test_billit_refuses_a_bad_key_with_a_refusal_not_a_retry(billit_url):
    bad = BillitAccessPoint(
        {"base_url": billit_url, "party_id": "4242"}, {"api_key": "wrong"}, Environment("/x")
    )
    with pytest.raises(Refused, match="401"):
        bad.lookup(["0208:0202239951"])


def test_billit_waits_out_429_then_succeeds_and_a_500_is_worth_a_retry(billit, billit_url):
    script(billit_url, 429, 429)
    assert billit.lookup(["0208:0202239951"]) == "0208:0202239951"
    assert len(requests_seen(billit_url)) == 3
    script(billit_url, 500)
    with pytest.raises(Unavailable, match="500") as down:
        billit.lookup(["0208:0202239951"])
    assert down.value.retry


def test_billit_sends_once_per_invoice_and_reports_delivered_or_rejected(billit, billit_url):
    document = with_buyer("0202239951", "DIES-2026-00007")
    sent = billit.send(document, "invoice-id-7", "0208:0202239951")
    again = billit.send(document, "invoice-id-7", "0208:0202239951")  # a crash before it was recorded
    assert sent.status == SENT and again.message_id == sent.message_id
    posts = [r for r in requests_seen(billit_url) if r["path"] == "/v1/peppol/sendxml"]
    assert len(posts) == 1
    assert (
        posts[0]["body"]["XML"] == document.decode()
        and posts[0]["headers"]["idempotency-key"] == "invoice-id-7"
    )
    assert billit.status(sent.message_id).status == DELIVERED

    refused = billit.send(
        with_buyer(peppol_id := "1234567894", "DIES-2026-00008"), "invoice-id-8", f"0208:{peppol_id}"
    )
    answer = billit.status(refused.message_id)
    assert (answer.status, answer.reason) == (REJECTED, "Rejected by receiver: unknown purchase order")


def test_billit_refuses_a_document_failing_the_peppol_rules_without_sending(billit):
    not_bis3 = with_buyer("0202239951", "DIES-2026-00009").replace(b"poacc:billing:3.0", b"poacc:billing:2.0")
    with pytest.raises(Refused, match="400") as refused:
        billit.send(not_bis3, "invoice-id-9", "0208:0202239951")
    assert "PEPPOL-EN16931-R004" in refused.value.findings[0]["text"]


def test_billit_reads_the_inbox_and_confirms_each_document(billit, billit_url):
    requests.post(f"{billit_url}/_control/inbox", json={"XML": EXAMPLE.decode()}, timeout=5)
    [item] = billit.inbox()
    assert item.content == EXAMPLE and item.sender == "0208:0403170701"
    billit.confirm(item.id)
    assert billit.inbox() == []


def test_billit_reads_a_pushed_order_update():
    [update] = BillitAccessPoint({}, {}, Environment("/x")).ingest(
        {}, b'{"OrderID": 77, "Messages": [{"TransportType": "Peppol", "Success": true}]}'
    )
    assert (update.message_id, update.status) == ("77", DELIVERED)


def loopback(tmp_path, **settings) -> LoopbackAccessPoint:
    return LoopbackAccessPoint(
        settings, {}, Environment(str(tmp_path), own_id="0208:0403170701", validate=validate)
    )


def test_loopback_validates_stores_once_and_answers_like_a_network(tmp_path):
    network = loopback(
        tmp_path, registered=["0208:0202239951"], rejects={"0208:1234567894": "Bon de commande inconnu"}
    )
    assert network.lookup(["9925:BE0202239951", "0208:0202239951"]) == "0208:0202239951"
    document = with_buyer("0202239951")
    assert validate(document).acceptable
    first = network.send(document, "ref-1", "0208:0202239951")
    second = network.send(document, "ref-1", "0208:0202239951")
    assert (first.status, second.status) == (DELIVERED, DELIVERED)
    sent = tmp_path / "peppol-loopback" / "sent" / "0208_0403170701"
    assert sorted(p.name for p in sent.iterdir()) == ["ref-1.json", "ref-1.xml"]
    # The receiver finds it in its inbox.
    receiver = LoopbackAccessPoint({}, {}, Environment(str(tmp_path), own_id="0208:0202239951"))
    [item] = receiver.inbox()
    assert item.content == document
    receiver.confirm(item.id)
    assert receiver.inbox() == []

    rejected = network.send(with_buyer("1234567894"), "ref-2", "0208:1234567894")
    assert (rejected.status, rejected.reason) == (REJECTED, "Bon de commande inconnu")
    assert network.status("ref-2").reason == "Bon de commande inconnu"  # read from the Invoice Response
    assert b"<cbc:ResponseCode>RE</cbc:ResponseCode>" in (sent / "ref-2.response.xml").read_bytes()

    with pytest.raises(NotRegistered):
        network.send(with_buyer("0455555550"), "ref-3", "0208:0455555550")
    with pytest.raises(Refused) as refused:
        network.send(document.replace(b"<cbc:IssueDate>", b"<cbc:IssueDate>x", 1), "ref-4", "0208:0202239951")
    assert refused.value.findings
    assert not (sent / "ref-3.xml").exists() and not (sent / "ref-4.xml").exists()


def test_a_document_handed_in_reaches_the_participant_inbox(tmp_path):
    hand_in(tmp_path / "peppol-loopback", "0208:0403170701", EXAMPLE, "supplier--1")
    [item] = loopback(tmp_path).inbox()
    assert (item.id, item.content) == ("supplier--1", EXAMPLE)
