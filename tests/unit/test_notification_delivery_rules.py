"""Who receives what, when a failed delivery is retried, how webhooks are signed and which URLs
they may target (notifications by e-mail and webhook). Pure functions: no broker, no database."""

import hashlib
import hmac
import json

import pytest

from coop_cli import suite
from coop_notifications.domain import reactions, retries, signing, webhook_urls
from coop_shared.errors import ValidationError
from coop_shared.runtime.topology import event_subscriptions

EVENT = {
    "event_id": "e1",
    "event_type": "invoice_issued",
    "cooperative_id": "c1",
    "cooperative": "dies",
    "payload": {"invoice_id": "i1", "customer_id": "cu1", "member_id": "m1"},
}


def test_an_issued_invoice_goes_to_the_customer_with_its_pdf_and_a_copy_to_the_member():
    planned = reactions.recipients_for(EVENT)
    assert [(key, r.attach_invoice, r.language_of) for key, r in planned] == [
        ("customer:cu1", True, None),
        ("member:m1", True, None),  # the member's copy is in the member's language
    ]


def test_an_expiring_document_is_told_to_the_member_and_to_the_cooperative_staff():
    event = dict(EVENT, event_type="document_expiring", payload={"member_id": "m1", "document_id": "d1"})
    assert [(key, r.template) for key, r in reactions.recipients_for(event)] == [
        ("member:m1", "document_expiring"),
        ("cooperative:c1", "document_expiring_staff"),
    ]


def test_events_without_an_email_plan_none():
    assert reactions.recipients_for(dict(EVENT, event_type="payroll_closed")) == []


def test_the_service_listens_to_every_event_a_webhook_may_subscribe_to_and_to_no_other():
    handled = {event_type for _, event_type, _ in event_subscriptions(suite.service_class("notifications"))}
    assert handled == set(reactions.WEBHOOK_EVENTS) | set(reactions.EMAIL_ONLY_EVENTS)
    assert not set(reactions.WEBHOOK_EVENTS) & set(reactions.EMAIL_ONLY_EVENTS)
    assert set(reactions.EMAIL_REACTIONS) <= handled
    assert "api_key_revoked" not in handled and "delivery_failed" not in handled


def test_retries_follow_the_delays_then_stop():
    delays = (60.0, 300.0, 1800.0, 7200.0)
    assert [retries.next_delay(n, delays) for n in range(1, 6)] == [60.0, 300.0, 1800.0, 7200.0, None]
    with pytest.raises(ValueError):
        retries.next_delay(0, delays)


def test_a_receiver_verifies_the_signature_over_the_exact_body():
    body = signing.body_of({"b": "é", "a": 1})
    assert body == '{"a":1,"b":"é"}'.encode()
    expected = hmac.new(b"s3cret-s3cret-s3cret", body, hashlib.sha256).hexdigest()
    assert signing.signature("s3cret-s3cret-s3cret", body) == expected
    assert signing.verify("s3cret-s3cret-s3cret", body, expected)
    assert not signing.verify("s3cret-s3cret-s3cret", body + b" ", expected)
    assert json.loads(body) == {"a": 1, "b": "é"}


@pytest.mark.parametrize(
    "url", ["https://hooks.example/coop", "http://127.0.0.1:8080/events", "http://hooks.example"]
)
def test_ordinary_http_urls_are_accepted(url):
    assert webhook_urls.check_url(url, {6543}) == url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example/",
        "file:///etc/passwd",
        "http:///path",
        "javascript:x",
        "http://127.0.0.1:5672/",
        "https://mq:15672/",
        "http://db:5432/",
        "http://db:6543/",
        "http://a:b@hooks.example/",
        "http://h:99999/",
    ],
)
def test_other_schemes_and_the_suites_own_ports_are_refused(url):
    with pytest.raises(ValidationError) as refused:
        webhook_urls.check_url(url, {6543})
    assert "url" in refused.value.fields


def test_the_ports_of_the_suites_settings_are_read_from_its_urls():
    assert webhook_urls.ports_of_urls(
        [
            "amqp://guest:guest@rabbit:5673/",
            "postgresql://pg:6543/billing",
            "sqlite:////var/coop/members.db",
            None,
        ]
    ) == {5673, 6543}
