"""The web service's settings, from the given config first and the environment second
(coop_shared.settings.lookup), with the defaults of docs/adr/023-http-api.md."""

from __future__ import annotations

from dataclasses import dataclass

from coop_shared.settings import DEFAULT_AMQP_URI, amqp_ssl, lookup


@dataclass(frozen=True)
class WebSettings:
    amqp_uri: str
    amqp_ssl: dict | None
    host: str
    port: int
    rate_limit: str  # Flask-Limiter's notation, per key: "300 per minute"
    address_rate_limit: str  # per client address, every key together
    rpc_pool_size: int
    rpc_timeout_seconds: float
    # The session pages (docs/adr/023-http-api.md, "Sessions"): the key that signs the CSRF
    # token's cookie, and whether cookies are `Secure` (off only for plain-http loopback).
    secret_key: str | None
    cookie_secure: bool
    # How many reverse proxies stand in front (an ingress controller, a load balancer): each
    # appends the address it received from to X-Forwarded-For. 0 (the default) trusts no such
    # header, since a client could write any address in it; behind N proxies the N-th address
    # from the end is the client's, and the throttles per address (sign-in, reset e-mails,
    # the rate limit) count people, not the proxy.
    trusted_proxies: int

    @classmethod
    def load(cls, config=None) -> WebSettings:
        return cls(
            # its own broker user once issue 16's deployment gives it one, like every service
            amqp_uri=lookup(config, "WEB_AMQP_URI") or lookup(config, "AMQP_URI", DEFAULT_AMQP_URI),
            amqp_ssl=amqp_ssl(config),
            # loopback unless told: a container sets 0.0.0.0 (deploy/compose.yaml)
            host=lookup(config, "COOP_HTTP_HOST", "127.0.0.1"),
            port=int(lookup(config, "COOP_HTTP_PORT", "8000")),
            rate_limit=lookup(config, "COOP_HTTP_RATE_LIMIT", "300 per minute"),
            # an office behind one address is many people: several keys' worth
            address_rate_limit=lookup(config, "COOP_HTTP_ADDRESS_RATE_LIMIT", "1200 per minute"),
            rpc_pool_size=int(lookup(config, "COOP_HTTP_RPC_POOL", "10")),
            rpc_timeout_seconds=float(lookup(config, "COOP_HTTP_RPC_TIMEOUT_SECONDS", "30")),
            # unset: a random key per process (CSRF tokens then hold for that process only)
            secret_key=lookup(config, "COOP_WEB_SECRET_KEY") or None,
            cookie_secure=lookup(config, "COOP_WEB_COOKIE_SECURE", "true").strip().lower()
            not in ("false", "0", "no", "off"),
            trusted_proxies=int(lookup(config, "COOP_HTTP_TRUSTED_PROXIES", "0")),
        )
