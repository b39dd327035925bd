"""One RabbitMQ user per service and per integrator client, each allowed only its part of the bus
(docs/adr/019-broker-least-privilege-and-service-claims.md).

RabbitMQ checks three regular expressions per user and vhost (https://www.rabbitmq.com/docs/access-control):
*configure* (declare or delete a queue or exchange), *write* (publish to an exchange; bind a
queue, which also needs *read* on the exchange it is bound from) and *read* (consume from a
queue), and, on topic exchanges, *topic permissions*: the routing key of a publish must match the
user's write pattern and the binding key of a `queue.bind` its read pattern.

What nameko 2.14 names, and so what the patterns below bind to:

- RPC requests go to the topic exchange `nameko-rpc` with the key `<service>.<method>`; a service
  consumes `rpc-<service>`, bound with `<service>.*`.
- A caller's replies come to `rpc.reply-<name>-<uuid>`, bound to `nameko-rpc` with `<uuid>`:
  `<name>` is the service for a service, and for an integrator the broker user itself
  (`coop_shared.client.connect` names it so). The uuid is anchored in every pattern, so user
  `acme` never matches the queues of user `acme-two`.
- Events go to `<source>.events` with the event type as key; the consumer's queue is
  `evt-<source>-<event type>--<service>.<method>` (and `.retry`, `.parked`, or a broadcast suffix).

So a service may consume only its own queues, publish only its own event types on its own
exchange, call any service and reply to any caller; an integrator may publish requests to the
five services and consume its own reply queues, and nothing else: it cannot read a service's
`rpc-*` queue (other callers' credentials travel in those messages), bind anything on an events
exchange, publish an event, or bind `nameko-rpc` with another key than a reply uuid.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import os
import re
import secrets
import urllib.parse
from dataclasses import dataclass

import requests
from nameko.events import EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from coop_shared.event_catalogue import CATALOGUE
from coop_shared.settings import SERVICES

RPC_EXCHANGE = "nameko-rpc"
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# An integrator's user names its reply queues: no regex character, no service's name.
CLIENT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")
RESERVED_CLIENT_NAMES = set(SERVICES) | {"standalone_rpc_proxy", "guest"}


@dataclass(frozen=True)
class TopicGrant:
    exchange: str
    write: str
    read: str


@dataclass(frozen=True)
class Grant:
    """The permissions of one broker user on the suite's vhost."""

    user: str
    configure: str
    write: str
    read: str
    topics: tuple[TopicGrant, ...]


def _any_of(names) -> str:
    return "^(" + "|".join(re.escape(n) for n in sorted(names)) + ")$" if names else "^$"


def _either(*patterns: str) -> str:
    """One anchored pattern matching any of `patterns` (each already anchored ^...$)."""
    return "^(" + "|".join(p[1:-1] for p in patterns) + ")$"


def reply_queue_pattern(name: str) -> str:
    return f"^rpc\\.reply-{re.escape(name)}-{UUID}$"


def event_queue_pattern(service: str) -> str:
    """Every queue nameko (and the retry / parking lot) names for `service`'s event handlers."""
    return f"^evt-[a-z0-9_]+-[a-z0-9_]+--{re.escape(service)}\\.[A-Za-z0-9_.-]+$"


def subscriptions(service_cls) -> dict[str, set[str]]:
    """{source service: {event types}} that `service_cls` handles, broadcasts included."""
    found: dict[str, set[str]] = {}
    for _, method in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, EventHandler):
                found.setdefault(entrypoint.source_service, set()).add(entrypoint.event_type)
    return found


def owned_event_types(service: str) -> set[str]:
    return {name for name, event in CATALOGUE.items() if event.source == service}


def service_grant(service: str, user: str, service_cls) -> Grant:
    """What the broker user of `service` may do: its queues, its events, any RPC."""
    consumed = subscriptions(service_cls)
    own_exchange = f"{service}.events"
    own_queues = _either(
        f"^rpc-{re.escape(service)}$",
        reply_queue_pattern(service),
        # The reply queue of the project's client (`coop health` in the service's container)
        # is named after the broker user (coop_shared.client.UserReplyListener).
        reply_queue_pattern(user),
        event_queue_pattern(service),
    )
    topics = [
        TopicGrant(RPC_EXCHANGE, write=".*", read=_either(f"^{re.escape(service)}\\.\\*$", f"^{UUID}$"))
    ]
    own_consumed = consumed.get(service, set())  # a service may handle its own events too
    topics.append(
        TopicGrant(own_exchange, write=_any_of(owned_event_types(service)), read=_any_of(own_consumed))
    )
    for source, event_types in sorted(consumed.items()):
        if source != service:
            topics.append(TopicGrant(f"{source}.events", write="^$", read=_any_of(event_types)))
    exchanges_read = {RPC_EXCHANGE} | {f"{source}.events" for source in consumed}
    return Grant(
        user=user,
        # nameko declares `nameko-rpc` (no passive option in 2.14) and the service's queues;
        # the events exchanges are declared by `coop topology` (DECLARE_EVENT_EXCHANGES false).
        configure=_either(own_queues, f"^{RPC_EXCHANGE}$"),
        # Publish: requests and replies, its own events, and the retry / parking-lot copies of
        # its failed events through the default exchange (their user_id is its own: consumers
        # accept those only as its own retries, coop_shared.runtime.event_origin).
        write=_either(own_queues, _any_of({RPC_EXCHANGE, own_exchange, "amq.default"})),
        read=_either(own_queues, _any_of(exchanges_read)),
        topics=tuple(topics),
    )


def client_grant(user: str) -> Grant:
    """What an integrator's broker user may do: ask the services, read its own replies."""
    check_client_name(user)
    return rpc_caller_grant(user)


# The HTTP gateway (services/web, docs/adr/023-http-api.md) is a caller only, like an
# integrator: it has no RPC queue and handles and publishes no event. Its user is named like a
# service's (`coop-web`, declared by `coop topology` from WEB_AMQP_URI), which an integrator's
# name may never be; no consumer accepts an event from it (coop_shared.runtime.event_origin).
WEB = "web"


def web_grant(user: str) -> Grant:
    """What the web gateway's broker user may do: an integrator's grant, under its own name."""
    return rpc_caller_grant(user)


def rpc_caller_grant(user: str) -> Grant:
    """Publish requests to the five services, consume and bind only `rpc.reply-<user>-<uuid>`
    (the queues `coop_shared.client.connect` names)."""
    replies = reply_queue_pattern(user)
    return Grant(
        user=user,
        configure=replies,
        write=_either(replies, f"^{RPC_EXCHANGE}$"),
        read=_either(replies, f"^{RPC_EXCHANGE}$"),
        topics=(
            TopicGrant(
                RPC_EXCHANGE,
                write="^(" + "|".join(SERVICES) + ")\\.[a-z_]+$",
                read=f"^{UUID}$",
            ),
        ),
    )


def check_client_name(user: str, prefix: str = "coop-") -> None:
    if not CLIENT_NAME.match(user) or user in RESERVED_CLIENT_NAMES or user.startswith(prefix):
        raise ValueError(
            f"'{user}' cannot name an integrator's broker user: lower-case letters, digits, '-' or '_', "
            f"2 to 63 characters, not a service's name and not starting with '{prefix}'."
        )


def service_user(service: str, prefix: str = "coop-") -> str:
    return f"{prefix}{service}"


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's stored form (`rabbit_password_hashing_sha256`): base64(salt + sha256(salt +
    password)) with a 4-byte salt, so a definitions file never holds a password."""
    salt = salt if salt is not None else os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode()


def new_password() -> str:
    return secrets.token_urlsafe(32)


def definitions_entries(grant: Grant, vhost: str, password: str | None, tags: str = "") -> dict:
    """The `users`, `permissions` and `topic_permissions` entries of a definitions file."""
    return {
        "users": [
            {
                "name": grant.user,
                # Empty: the user cannot log in until `coop broker-users` sets its password.
                "password_hash": password_hash(password) if password else "",
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": tags,
            }
        ],
        "permissions": [
            {
                "user": grant.user,
                "vhost": vhost,
                "configure": grant.configure,
                "write": grant.write,
                "read": grant.read,
            }
        ],
        "topic_permissions": [
            {"user": grant.user, "vhost": vhost, "exchange": t.exchange, "write": t.write, "read": t.read}
            for t in grant.topics
        ],
    }


class Management:
    """The few calls of RabbitMQ's management HTTP API that declare users and permissions."""

    def __init__(self, base_url: str, timeout: float = 10):
        parts = urllib.parse.urlsplit(base_url)
        self.auth = (urllib.parse.unquote(parts.username or ""), urllib.parse.unquote(parts.password or ""))
        port = f":{parts.port}" if parts.port else ""
        self.base = f"{parts.scheme}://{parts.hostname}{port}/api"
        self.timeout = timeout

    def _put(self, path: str, body: dict) -> None:
        answer = requests.put(f"{self.base}/{path}", json=body, auth=self.auth, timeout=self.timeout)
        answer.raise_for_status()

    def declare(self, grant: Grant, vhost: str, password: str, tags: str = "") -> None:
        """Create or update the user, replace its permissions on `vhost`, set its topic grants."""
        user, vh = urllib.parse.quote(grant.user, safe=""), urllib.parse.quote(vhost, safe="")
        self._put(f"users/{user}", {"password": password, "tags": tags})
        self._put(
            f"permissions/{vh}/{user}",
            {"configure": grant.configure, "write": grant.write, "read": grant.read},
        )
        existing = requests.get(
            f"{self.base}/topic-permissions/{vh}/{user}", auth=self.auth, timeout=self.timeout
        )
        wanted = {t.exchange for t in grant.topics}
        if existing.ok:
            for old in existing.json():
                if old["exchange"] not in wanted:  # a subscription removed since: its grant goes too
                    requests.delete(
                        f"{self.base}/topic-permissions/{vh}/{user}",
                        json={"exchange": old["exchange"]},
                        auth=self.auth,
                        timeout=self.timeout,
                    )
        for topic in grant.topics:
            self._put(
                f"topic-permissions/{vh}/{user}",
                {"exchange": topic.exchange, "write": topic.write, "read": topic.read},
            )

    def delete_user(self, user: str) -> None:
        requests.delete(
            f"{self.base}/users/{urllib.parse.quote(user, safe='')}", auth=self.auth, timeout=self.timeout
        )


def uri_user_and_password(amqp_uri: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(amqp_uri)
    return urllib.parse.unquote(parts.username or "guest"), urllib.parse.unquote(parts.password or "guest")


def uri_vhost(amqp_uri: str) -> str:
    path = urllib.parse.urlsplit(amqp_uri).path
    return urllib.parse.unquote(path[1:]) if path not in ("", "/") else "/"


def with_credentials(amqp_uri: str, user: str, password: str) -> str:
    """`amqp_uri` with another user and password (host, port and vhost kept)."""
    parts = urllib.parse.urlsplit(amqp_uri)
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    credentials = f"{urllib.parse.quote(user, safe='')}:{urllib.parse.quote(password, safe='')}"
    return urllib.parse.urlunsplit((parts.scheme, f"{credentials}@{host}", parts.path, parts.query, ""))
