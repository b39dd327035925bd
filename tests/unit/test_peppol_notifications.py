"""Notifications for invoices delivered over Peppol: the customer's e-mail becomes a copy saying
so, a rejection or a failure is mailed to the office (fr/nl/en)."""

import pytest

from coop_notifications.domain.reactions import recipients_for
from coop_notifications.domain.templates import SAMPLES, default, render


def event(channel: str) -> dict:
    return {
        "event_type": "invoice_issued",
        "cooperative_id": "coop-1",
        "payload": {"customer_id": "c1", "member_id": "m1", "delivery_channel": channel},
    }


def test_over_peppol_the_customer_and_the_member_get_the_copy():
    assert [(key, r.template) for key, r in recipients_for(event("peppol"))] == [
        ("customer:c1", "invoice_issued_copy"),
        ("member:m1", "invoice_issued_copy"),
    ]


@pytest.mark.parametrize("channel", ["email", "pending"])
def test_by_email_or_when_the_channel_is_not_known_yet_the_email_is_the_invoice(channel):
    assert [r.template for _, r in recipients_for(event(channel))] == ["invoice_issued", "invoice_issued"]


def test_a_delivery_failure_goes_to_the_cooperative():
    failed = {"event_type": "invoice_delivery_failed", "cooperative_id": "coop-1", "payload": {}}
    assert [(key, r.template) for key, r in recipients_for(failed)] == [
        ("cooperative:coop-1", "invoice_delivery_failed")
    ]


def test_the_copy_says_it_was_sent_over_peppol_in_each_language():
    said = {
        language: render(default("invoice_issued_copy", language), SAMPLES["invoice_issued_copy"]).body
        for language in ("fr", "nl", "en")
    }
    assert "Copie — la facture vous a été transmise par Peppol." in said["fr"]
    assert "Kopie — de factuur werd u via Peppol bezorgd." in said["nl"]
    assert "Copy — the invoice was sent to you over Peppol." in said["en"]


def test_the_office_reads_why_in_its_language():
    failed = dict(SAMPLES["invoice_delivery_failed"], status="failed", reason="Unavailable: 503")
    nl = render(default("invoice_delivery_failed", "nl"), failed)
    assert nl.subject == "Peppol: factuur DIES-2026-00001 werd niet bezorgd"
    assert "kon niet via Peppol worden verzonden: Unavailable: 503" in nl.body
