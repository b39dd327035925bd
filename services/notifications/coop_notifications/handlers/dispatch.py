"""Send what is due, record what happened, retry with backoff, give up loudly.

Each due delivery is leased (committed) before it is attempted, so two replicas never send it
together; its outcome commits right after the attempt. A failure waits the next delay of
`COOP_DELIVERY_RETRY_DELAYS`; after the last one the delivery is `failed` and
`delivery_failed` is emitted in the same transaction (retries of notifications).

`uow.commit()` ends the transaction and the session opens a new one on its next use: the
dispatcher commits before every call to another service, a mail server or a webhook, so no
database connection is held while they work (README "Operating it"; tests/chaos).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from coop_notifications.channels import DeliveryError
from coop_notifications.domain.deliveries import FAILED, PENDING, SENT
from coop_notifications.domain.retries import next_delay
from coop_notifications.handlers.compose import Composer
from coop_notifications.settings import LEASE_SECONDS
from coop_shared.storage.types import utcnow

log = logging.getLogger(__name__)
SKIPPED, RETRY = "skipped", "retry"


def deliver_due(uow, channels: dict, clients_for, settings, only=None) -> Counter:
    """Send what is due (the timer), or at once the deliveries an event just planned (`only`);
    returns how many were sent, retried, failed or skipped."""
    limit = settings.batch if only is None else len(only)
    ids = uow.repo.lease_due(utcnow(), LEASE_SECONDS, limit, only)
    overrides = uow.repo.overrides_for(ids)  # in the lease's transaction: no query per message
    uow.commit()
    outcomes = Counter()
    composer = Composer(uow, clients_for, getattr(settings, "link_ring", None), overrides)
    for delivery_id in ids:
        outcomes[attempt(uow, channels, composer, settings, delivery_id)] += 1
    return outcomes


def attempt(uow, channels: dict, composer: Composer, settings, delivery_id: str) -> str:
    """One try of one leased delivery; returns its outcome."""
    delivery = uow.repo.leased_delivery(delivery_id)
    if delivery is None or delivery.status != PENDING:
        return SKIPPED
    uow.commit()  # the lease is ours: give the connection back while other services and the mail server work
    try:
        message = composer.message(delivery)
        # Written with the outcome below, in its commit: the composer gave the connection back
        # after its last read, and objects stay loaded after a commit, so nothing here opens a
        # transaction while the channel works (one UPDATE and COMMIT fewer per message, issue 18).
        delivery.address, delivery.language = message.address, message.language
        channel = channels.get(delivery.channel)
        if channel is None:
            raise DeliveryError(f"No channel '{delivery.channel}' is installed.")
        response = channel.send(message)
    except DeliveryError as exc:
        return _failed(uow, delivery, str(exc), exc.permanent, settings)
    except Exception as exc:  # a service down, a timeout: worth another try
        log.warning("delivery %s: %s: %s", delivery.id, type(exc).__name__, exc)
        return _failed(uow, delivery, f"{type(exc).__name__}: {exc}", False, settings)
    delivery.status, delivery.sent_at, delivery.last_response = SENT, utcnow(), response[:1000]
    delivery.attempts += 1
    delivery.failures_in_row, delivery.last_error, delivery.lease_until = 0, None, None
    uow.commit()
    return SENT


def _failed(uow, delivery, error: str, permanent: bool, settings) -> str:
    delivery.attempts += 1
    delivery.failures_in_row += 1
    delivery.last_error, delivery.lease_until = error[:2000], None
    delay = None if permanent else next_delay(delivery.failures_in_row, settings.retry_delays)
    if delay is not None:
        delivery.next_attempt_at = utcnow() + timedelta(seconds=delay)
        uow.commit()
        return RETRY
    delivery.status = FAILED
    uow.emit(
        "delivery_failed",
        delivery.cooperative_id,
        delivery.cooperative,
        {
            "delivery_id": delivery.id,
            "event_id": delivery.event_id,
            "event_type": delivery.event_type,
            "channel": delivery.channel,
            "recipient": delivery.recipient,
            "address": delivery.address,
            "attempts": delivery.attempts,
            "last_error": delivery.last_error,
        },
    )
    uow.commit()
    log.error("delivery %s failed for good after %d attempts: %s", delivery.id, delivery.attempts, error)
    return FAILED
