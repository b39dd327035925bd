"""Webhooks: the event as JSON, POSTed and signed (domain/signing.py). Any 2xx is a delivery.

Every call re-resolves the host, checks every address with the address rule
(domain/webhook_urls.py: no loopback, private, link-local, metadata, multicast, CGNAT or cluster
address unless the operator allows its network) and connects to the address it checked: the
name is never resolved a second time, so DNS rebinding cannot swap the address between the
check and the connection. TLS still verifies the certificate against the host name (SNI).
Redirects are not followed (http.client never follows them), so a registered URL cannot bounce
the call to another host or port. No proxy from the environment is used.

What staff read in the delivery log says what went wrong in the suite's words ("connection
refused", "no answer within 10 s"), never what answered: no body, no banner, no certificate
subject, no resolved address (the full detail goes to the service log, for the operator).
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
from urllib.parse import urlsplit

from coop_notifications.channels import DeliveryError, Message
from coop_notifications.domain.webhook_urls import (
    ALLOWED_SETTING,
    CLUSTER_SETTING,
    Reach,
    check_addresses,
    reach,
)
from coop_shared.errors import ValidationError
from coop_shared.settings import lookup

log = logging.getLogger(__name__)


class Unresolved(LookupError):
    """The host name has no address (now)."""


def resolve(host: str, port: int) -> list[str]:
    """The addresses of `host`: an address literal as itself (no lookup), a name through the
    system resolver."""
    literal = host.strip("[]")
    try:
        return [str(ipaddress.ip_address(literal.split("%", 1)[0]))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(literal, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Unresolved(str(exc)) from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def reach_of(config) -> Reach:
    """COOP_WEBHOOK_ALLOWED_NETWORKS and COOP_CLUSTER_NETWORKS, read when the service starts."""
    return reach(lookup(config, ALLOWED_SETTING, ""), lookup(config, CLUSTER_SETTING, ""))


def checked_addresses(url: str, reach: Reach, resolver=resolve) -> list:
    """Resolve the URL's host and check every address (ValidationError naming `url`)."""
    parts = urlsplit(url.strip())
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = resolver(parts.hostname or "", port)
    except Unresolved:
        message = "The webhook's host does not resolve to any address."
        raise ValidationError(message, {"url": [message]}) from None
    return check_addresses(url, found, reach)


class _Pinned:
    """Connects to the addresses checked, in the resolver's order, instead of resolving `host`
    again (as socket.create_connection would)."""

    def __init__(self, host, port, addresses, timeout, **kwargs):
        super().__init__(host, port, timeout=timeout, **kwargs)
        self._addresses = [str(a) for a in addresses]
        self.address = None  # the one that answered, for the service log

    def _open(self):
        failure = None
        for address in self._addresses:
            try:
                self.sock = socket.create_connection((address, self.port), self.timeout)
                self.address = address
                return
            except OSError as exc:
                failure = exc
        raise failure


class PinnedHTTPConnection(_Pinned, http.client.HTTPConnection):
    def connect(self):
        self._open()


class PinnedHTTPSConnection(_Pinned, http.client.HTTPSConnection):
    def connect(self):
        self._open()
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


def _what_failed(exc: BaseException, timeout: float) -> str:
    """The suite's words for a failed call; never the far end's (ADR 020)."""
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "the receiver's TLS certificate was not accepted"
    if isinstance(exc, ssl.SSLError):
        return "the TLS handshake failed"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)):
        return "the receiver closed the connection"
    if isinstance(exc, http.client.HTTPException):
        return "the receiver's answer is not HTTP"
    return "the receiver could not be reached"


class WebhookChannel:
    key = "webhook"
    resolver = staticmethod(resolve)  # a test replaces it, so that no name is looked up

    def configure(self, config: dict) -> None:
        self.timeout = float(lookup(config, "COOP_WEBHOOK_TIMEOUT_SECONDS", "10"))
        self.reach = reach_of(config)
        self.tls = ssl.create_default_context()

    def send(self, message: Message) -> str:
        parts = urlsplit(message.address)
        shown = f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"  # the query may hold a token
        try:
            addresses = checked_addresses(message.address, self.reach, self.resolver)
        except ValidationError as exc:
            # The host now resolves to an address webhooks may not call (or to none): refused
            # before any packet leaves. Permanent: retrying would only ask the same question.
            raise DeliveryError(f"{shown}: {exc.message}", permanent=True) from None
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if parts.scheme == "https":
            connection = PinnedHTTPSConnection(
                parts.hostname, port, addresses, self.timeout, context=self.tls
            )
        else:
            connection = PinnedHTTPConnection(parts.hostname, port, addresses, self.timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "coop-notifications/1",
            **message.headers,
        }
        try:
            connection.request("POST", target, body=message.body, headers=headers)
            status = connection.getresponse().status  # the body is never read
        except (OSError, http.client.HTTPException) as exc:
            where = connection.address or ", ".join(map(str, addresses))
            log.warning("webhook %s (%s): %s: %s", shown, where, type(exc).__name__, exc)
            raise DeliveryError(f"{shown}: {_what_failed(exc, self.timeout)}") from None
        finally:
            connection.close()
        if 300 <= status < 400:
            raise DeliveryError(f"HTTP {status} from {shown}: redirects are not followed")
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status} from {shown}")
        return f"HTTP {status}"
