"""Which webhook URLs a cooperative may register, and which addresses a webhook call may reach
(webhooks, tenant rules; docs/adr/020-bounded-templates-webhooks-parsers.md).

Only http(s), with a host. A URL aimed at the suite's own broker or database ports is refused:
a webhook POST must never become a way to talk to RabbitMQ or PostgreSQL from inside.

The address rule (server-side request forgery): a cooperative's admin chooses the URL, the
suite's process makes the call from inside the operator's network. So the host is resolved at
registration and again at every delivery, and every address it resolves to must be a public
unicast address: loopback, private (RFC 1918, fc00::/7), link-local (169.254.0.0/16 with the
cloud metadata address 169.254.169.254, fe80::/10), multicast, unspecified, shared address
space (CGNAT, 100.64.0.0/10, RFC 6598), reserved and documentation ranges, and the cluster's
own networks (`COOP_CLUSTER_NETWORKS`) are refused. IPv4 addresses carried inside IPv6
(::ffff:0:0/96, 6to4, Teredo, NAT64 64:ff9b::/96) are judged by the IPv4 address they carry.
Only the networks the operator allows (`COOP_WEBHOOK_ALLOWED_NETWORKS`) are exempt; outside
them the URL must be https. The call then connects to the address checked, never resolving
the name a second time (channels/webhook.py), so a DNS answer that changes between the check
and the connection (DNS rebinding) cannot aim it elsewhere.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from coop_shared.errors import ValidationError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

METADATA_ADDRESS = ipaddress.ip_address("169.254.169.254")
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598, carrier-grade NAT
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052, the well-known NAT64 prefix

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


def hostname_of(url: str) -> str:
    return urlsplit(url.strip()).hostname or ""


def networks(text: str | None, setting: str = "COOP_WEBHOOK_ALLOWED_NETWORKS") -> tuple[Network, ...]:
    """A comma-separated CIDR list (`127.0.0.1/32, 10.8.0.0/16`); a bad entry stops the
    service at start rather than silently allowing or refusing something else."""
    found = []
    for item in str(text or "").split(","):
        if item.strip():
            try:
                found.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                raise ValueError(f"{setting}: '{item.strip()}' is not a network (CIDR)") from None
    return tuple(found)


@dataclass(frozen=True)
class Reach:
    """The operator's exceptions and additions to the address rule."""

    allowed: tuple[Network, ...] = ()  # COOP_WEBHOOK_ALLOWED_NETWORKS: reachable, http allowed
    cluster: tuple[Network, ...] = ()  # COOP_CLUSTER_NETWORKS: the suite's own, refused even if public


ALLOWED_SETTING, CLUSTER_SETTING = "COOP_WEBHOOK_ALLOWED_NETWORKS", "COOP_CLUSTER_NETWORKS"


def reach(allowed: str | None, cluster: str | None) -> Reach:
    """The Reach of the two settings' values (comma-separated CIDR lists)."""
    return Reach(networks(allowed, ALLOWED_SETTING), networks(cluster, CLUSTER_SETTING))


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if address.version != 6:
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]  # the client's address (the server's is public by design)
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: Address, reach: Reach) -> str | None:
    """Why a webhook may not call `address`, or None if it may. The operator's allowed
    networks win; the cluster's own networks are refused even when public."""
    if any(address in network for network in reach.allowed if network.version == address.version):
        return None
    if any(address in network for network in reach.cluster if network.version == address.version):
        return "one of the cluster's own networks"
    inner = _embedded_ipv4(address)
    if inner is not None:
        reason = refusal(inner, reach)
        return f"an IPv6 form of {reason}" if reason else None
    if address == METADATA_ADDRESS:
        return "the cloud metadata address"
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.version == 4 and address in SHARED_ADDRESS_SPACE, "shared address space (CGNAT)"),
        (address.is_private, "private"),
        (not address.is_global, "reserved, not a public address"),
    )
    return next((f"a {name} address" for failed, name in checks if failed), None)


def check_addresses(url: str, addresses, reach: Reach) -> list[Address]:
    """The addresses a webhook to `url` may use, or ValidationError: every address the host
    resolves to must pass (one private address among public ones is refused, else a second
    answer could pick it), and plain http only inside the operator's allowed networks."""

    def refuse(message):
        raise ValidationError(message, {"url": [message]})

    checked = [ipaddress.ip_address(str(a).split("%", 1)[0]) for a in addresses]
    if not checked:
        refuse("The webhook's host does not resolve to any address.")
    for address in checked:
        reason = refusal(address, reach)
        if reason:
            # The address itself is not repeated: what an internal name resolves to is the
            # operator's to know, not a cooperative's.
            refuse(
                f"The webhook's host resolves to {reason}: webhooks only call public addresses "
                f"(or a network the operator allows)."
            )
    scheme = urlsplit(url.strip()).scheme
    inside = all(any(a in n for n in reach.allowed if n.version == a.version) for a in checked)
    if scheme != "https" and not inside:
        refuse("A webhook URL must use https:// (plain http only inside a network the operator allows).")
    return checked
