"""Which webhook URLs a cooperative may register (webhooks, tenant rules).

Only http(s), with a host. A URL aimed at the suite's own broker or database ports is refused:
a webhook POST must never become a way to talk to RabbitMQ or PostgreSQL from inside.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from coop_shared.errors import ValidationError

# Ports of the broker and databases in their standard setup, refused even when the settings
# name others: AMQP, AMQPS, RabbitMQ management, Erlang distribution, epmd, PostgreSQL.
INFRASTRUCTURE_PORTS = frozenset({5671, 5672, 15672, 25672, 4369, 5432})


def ports_of_urls(urls) -> set[int]:
    """The ports named by connection URLs (AMQP_URI, *_DATABASE_URL) that have a host."""
    ports = set()
    for url in urls:
        if not url:
            continue
        try:
            parts = urlsplit(str(url))
            if parts.hostname and parts.port:
                ports.add(parts.port)
        except ValueError:
            continue
    return ports


def check_url(url: str, forbidden_ports: set[int] | frozenset[int]) -> str:
    def refuse(message):
        raise ValidationError(message, {"url": [message]})

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        refuse("The URL cannot be read.")
    if parts.scheme not in ("http", "https"):
        refuse("A webhook URL must start with http:// or https://.")
    if not parts.hostname:
        refuse("A webhook URL needs a host.")
    if parts.username or parts.password:
        refuse("Put no credentials in a webhook URL: the signature authenticates the calls.")
    effective = port or (443 if parts.scheme == "https" else 80)
    if effective in (INFRASTRUCTURE_PORTS | set(forbidden_ports)):
        refuse(f"Port {effective} belongs to the suite's broker or databases.")
    return url.strip()
