"""RPC made by a service on behalf of one cooperative, outside any caller's request.

An event handler or a timer has no caller credential to forward, yet notifications must read
the member's address or the invoice's PDF at send time. It calls with a claim signed with the
suite's service key, naming the cooperative and the one method called, valid for a minute
(`coop_shared.credentials.sign_service_claim`): the callee resolves a read-only identity of that
cooperative, so its tenancy rules still apply, and only methods declared
`@rpc(..., service_may_call=True)` accept it. The key itself never travels.

nameko's proxies wait for a reply without limit; a service that is down would block the worker
for ever, so each call here is bounded (`COOP_SERVICE_CALL_TIMEOUT_SECONDS`).
"""

from __future__ import annotations

import copy
import time

from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy

from coop_shared.credentials import service_context
from coop_shared.errors import Forbidden
from coop_shared.runtime.resilient_rpc import bounded
from coop_shared.settings import Settings


class ClaimingProxy:
    """`proxy.method(...)` on one service, each call carrying a fresh claim for that method."""

    def __init__(
        self, worker_ctx, service_name, reply_listener, service_key, cooperative_id, cooperative, timeout
    ):
        self._worker_ctx, self._service_name, self._reply_listener = worker_ctx, service_name, reply_listener
        self._key, self._cooperative = service_key, (cooperative_id, cooperative)
        self._timeout = timeout

    def __getattr__(self, method):
        ctx = copy.copy(self._worker_ctx)
        target = f"{self._service_name}.{method}"
        ctx.data = service_context(self._key, target, *self._cooperative, now=time.time())
        proxy = ServiceProxy(ctx, self._service_name, self._reply_listener)
        return getattr(bounded(proxy, self._timeout), method)


class CooperativeServices:
    """`services.members.get_member(id)` as the suite acting for one cooperative."""

    def __init__(self, provider: CooperativeRpc, worker_ctx, cooperative_id: str, cooperative: str):
        if not provider.service_key:
            raise Forbidden("No service credential: set COOP_SERVICE_KEY.")
        self._provider, self._worker_ctx = provider, worker_ctx
        self._cooperative = (cooperative_id, cooperative)

    def __getattr__(self, service_name):
        provider = self._provider
        return ClaimingProxy(
            self._worker_ctx,
            service_name,
            provider.rpc_reply_listener,
            provider.service_key,
            *self._cooperative,
            provider.timeout,
        )


class CooperativeRpc(DependencyProvider):
    """Injects `for_cooperative(cooperative_id, slug) -> CooperativeServices`."""

    rpc_reply_listener = ReplyListener()

    def setup(self):
        settings = Settings.of(self.container)
        self.service_key = settings.service_key
        self.timeout = settings.service_call_timeout_seconds

    def get_dependency(self, worker_ctx):
        def for_cooperative(cooperative_id: str, cooperative: str) -> CooperativeServices:
            return CooperativeServices(self, worker_ctx, cooperative_id, cooperative)

        return for_cooperative
