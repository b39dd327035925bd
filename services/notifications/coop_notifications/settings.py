"""Settings of the notifications service (read once per container when it starts, config first,
then the environment)."""

from __future__ import annotations

from dataclasses import dataclass

from coop_notifications.domain.retries import DEFAULT_DELAYS_SECONDS
from coop_notifications.domain.webhook_urls import (
    ALLOWED_SETTING,
    CLUSTER_SETTING,
    Reach,
    ports_of_urls,
    reach,
)
from coop_shared import link_sealing
from coop_shared.personal_data import KeyRing
from coop_shared.settings import SERVICES, delays, lookup, service_key

# A delivery being sent is leased to one worker this long; a worker killed mid-send leaves it
# to be picked up again after the lease (at-least-once for the few seconds of an SMTP dialogue).
LEASE_SECONDS = 120


@dataclass(frozen=True)
class DeliverySettings:
    retry_delays: tuple[float, ...]
    poll_seconds: float
    batch: int
    forbidden_webhook_ports: frozenset[int]
    # The address rule's exceptions and additions (domain/webhook_urls.py), checked at registration.
    webhook_reach: Reach = Reach()
    # Opens the links of people's invitations and resets (coop_shared.link_sealing).
    link_ring: KeyRing | None = None

    @classmethod
    def of(cls, container) -> DeliverySettings:
        """The settings of a running container, read once when it starts and kept on it, like
        `coop_shared.settings.Settings.of` (several containers may share one process in tests,
        each with its own config)."""
        settings = getattr(container, "_coop_delivery_settings", None)
        if settings is None:
            settings = cls.load(container.config)
            container._coop_delivery_settings = settings
        return settings

    @classmethod
    def load(cls, config=None) -> DeliverySettings:
        retry_text = lookup(
            config, "COOP_DELIVERY_RETRY_DELAYS", ",".join(str(int(d)) for d in DEFAULT_DELAYS_SECONDS)
        )
        infrastructure = [lookup(config, "AMQP_URI")] + [
            lookup(config, f"{s.upper()}_DATABASE_URL") for s in SERVICES
        ]
        return cls(
            retry_delays=delays(retry_text),
            poll_seconds=float(lookup(config, "COOP_DELIVERY_POLL_SECONDS", "5")),
            batch=int(lookup(config, "COOP_DELIVERY_BATCH", "50")),
            forbidden_webhook_ports=frozenset(ports_of_urls(infrastructure)),
            webhook_reach=reach(lookup(config, ALLOWED_SETTING, ""), lookup(config, CLUSTER_SETTING, "")),
            link_ring=link_sealing.ring(service_key(config), lookup(config, "COOP_SERVICE_KEY_PREVIOUS")),
        )
