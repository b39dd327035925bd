"""Who may have published an event: the broker user of the service that owns its type.

RabbitMQ refuses a message whose `user_id` property is not the user of the connection that
publishes it (https://www.rabbitmq.com/docs/validated-user-id), so `user_id` names the publisher
beyond doubt. The outbox relay sets it on every event; each consumer compares it with the broker
user of the service the catalogue names as the event's source (`event_catalogue.py`) and parks
anything else: a `payslip_issued` from any user but payroll's is never booked
(docs/adr/019-broker-least-privilege-and-service-claims.md).

Per-service users are named `<COOP_BROKER_USER_PREFIX><service>` (`coop-billing`...). A service
whose own user follows that naming expects each source's events from that source's user; a
service running as any other user (one shared user, as on a developer's machine and in most
tests) expects every event from that same user: there everyone able to publish is the suite.
"""

from __future__ import annotations

import urllib.parse

from coop_shared.event_catalogue import CATALOGUE

RETRY_HEADER = "x-coop-retries"
PUBLISHER_HEADER = "x-coop-publisher"


def broker_user(amqp_uri: str) -> str:
    """The user an AMQP URI logs in as (kombu's default, guest, when it names none)."""
    return urllib.parse.unquote(urllib.parse.urlsplit(amqp_uri).username or "guest")


def per_service(settings) -> bool:
    return broker_user(settings.amqp_uri) == settings.broker_user_prefix + settings.service


def expected_publisher(settings, event_type: str, handler_source: str) -> str:
    """The broker user whose `event_type` events this service accepts."""
    if not per_service(settings):
        return broker_user(settings.amqp_uri)
    declared = CATALOGUE.get(event_type)
    return settings.broker_user_prefix + (declared.source if declared else handler_source)


def refusal(properties: dict, headers: dict, settings, event_type: str, handler_source: str) -> str | None:
    """Why an event message must not be handled, or None when its publisher is the owner.

    The service's own retry copies (coop_shared.runtime.entrypoints) carry its own user and the
    retry header: it republishes only messages it had accepted."""
    user_id = (properties or {}).get("user_id")
    expected = expected_publisher(settings, event_type, handler_source)
    if user_id == expected:
        return None
    if user_id == broker_user(settings.amqp_uri) and RETRY_HEADER in (headers or {}):
        return None
    return (
        f"'{event_type}' published by broker user {user_id!r}, not by {expected!r} "
        f"(the publisher of the events of {handler_source})"
    )
