"""RPC made by a service on behalf of one cooperative, outside any caller's request.

An event handler or a timer has no caller credential to forward, yet notifications must read
the member's address or the invoice's PDF at send time. It calls with the suite's service
credential and names the cooperative (`coop_shared.credentials.service_context`): the callee
resolves a read-only identity of that cooperative, so its tenancy rules still apply.

nameko's proxies wait for a reply without limit; a service that is down would block the worker
for ever, so each call here is bounded (`COOP_SERVICE_CALL_TIMEOUT_SECONDS`).
"""

from __future__ import annotations

import copy

from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy

from coop_shared.credentials import service_context
from coop_shared.errors import Forbidden
from coop_shared.runtime.resilient_rpc import bounded
from coop_shared.settings import Settings


class CooperativeServices:
    """`services.members.get_member(id)` as the service credential acting for one cooperative."""

    def __init__(self, provider: CooperativeRpc, worker_ctx, cooperative_id: str, cooperative: str):
        if not provider.service_key:
            raise Forbidden("No service credential: set COOP_SERVICE_KEY or COOP_PLATFORM_KEY.")
        self._ctx = copy.copy(worker_ctx)
        self._ctx.data = service_context(provider.service_key, cooperative_id, cooperative)
        self._provider = provider

    def __getattr__(self, service_name):
        proxy = ServiceProxy(self._ctx, service_name, self._provider.rpc_reply_listener)
        return bounded(proxy, self._provider.timeout)


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
