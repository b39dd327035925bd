"""The caller dependency: resolves `authorization` context data to an `Identity`.

Credentials are verified lazily, inside the entrypoint (`self.caller.require(...)`): an
exception raised in `get_dependency` would kill the whole service process
(docs/nameko-delivery.md). Every service but members asks members once (`whoami`, which
receives the same forwarded context data) and caches the answer for a few seconds; members'
`api_key_revoked` broadcast (a durable queue per instance) clears the cache at once, so a
revoked key is refused everywhere within the time the event takes to cross the bus, and at
worst after the cache period.
"""

from __future__ import annotations

import time

from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy

from coop_shared.credentials import (
    PLATFORM,
    Identity,
    bearer_secret,
    hash_secret,
    is_service_claim,
    matches_key,
    require_role,
    verify_service_claim,
)
from coop_shared.errors import Forbidden
from coop_shared.runtime.observability import set_cooperative
from coop_shared.runtime.resilient_rpc import bounded
from coop_shared.settings import Settings


def entrypoint_target(worker_ctx) -> str:
    """'<service>.<method>' of the entrypoint a worker runs: what a service claim is bound to."""
    return f"{worker_ctx.container.service_name}.{worker_ctx.entrypoint.method_name}"


class CallerContext:
    """What an entrypoint sees as `self.caller`."""

    def __init__(self, provider: Caller, worker_ctx):
        self._provider = provider
        self._worker_ctx = worker_ctx
        self._identity: Identity | None = None

    @property
    def identity(self) -> Identity:
        if self._identity is None:
            self._identity = self._provider.resolve(self._worker_ctx)
            set_cooperative(self._identity.cooperative)
        return self._identity

    @property
    def context_data(self) -> dict:
        """The worker's context data (the request id of coop_shared.runtime.idempotency among it)."""
        return self._worker_ctx.data

    def require(self, *roles: str) -> Identity:
        """The caller's identity if its role is one of `roles`, else Forbidden."""
        return require_role(self.identity, *roles)

    def forget(self, key_id: str) -> None:
        self._provider.forget(key_id)


class Caller(DependencyProvider):
    """Verifies credentials; `fetch_identity` is overridden by members, which owns them."""

    rpc_reply_listener = ReplyListener()

    def setup(self):
        settings = Settings.of(self.container)
        self.platform_key = settings.platform_key
        self.service_keys = (settings.service_key, settings.previous_service_key)
        self.cache_seconds = settings.credential_cache_seconds
        self.call_timeout = settings.service_call_timeout_seconds
        self._cache: dict[str, tuple[Identity, float]] = {}

    def get_dependency(self, worker_ctx):
        return CallerContext(self, worker_ctx)

    def resolve(self, worker_ctx) -> Identity:
        secret = bearer_secret(worker_ctx.data.get("authorization"))
        if matches_key(secret, self.platform_key):
            return Identity(role=PLATFORM)
        if is_service_claim(secret):
            # Bound to the one method it was signed for (coop_shared.credentials).
            return verify_service_claim(secret, self.service_keys, entrypoint_target(worker_ctx), time.time())
        digest = hash_secret(secret)
        cached = self._cache.get(digest)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        identity = self.fetch_identity(worker_ctx, secret)
        if self.cache_seconds > 0:
            self._cache[digest] = (identity, time.monotonic() + self.cache_seconds)
        return identity

    def fetch_identity(self, worker_ctx, secret: str) -> Identity:
        """Ask members; the credential travels in the forwarded context data."""
        answer = bounded(
            ServiceProxy(worker_ctx, "members", self.rpc_reply_listener), self.call_timeout
        ).whoami()
        if not answer or answer.get("role") in (None, PLATFORM):
            raise Forbidden("Unknown credential.")
        return Identity.from_dict(answer)

    def forget(self, key_id: str) -> None:
        for digest, (identity, _) in list(self._cache.items()):
            if identity.key_id == key_id:
                self._cache.pop(digest, None)
