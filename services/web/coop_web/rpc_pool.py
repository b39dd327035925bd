"""A pool of RPC proxies: each HTTP request borrows one for its call and gives it back.

nameko's standalone proxy waits for its replies on its own queue, one call at a time
(`SingleThreadedReplyListener`), and opening one costs a connection and a queue declaration.
So the gateway keeps up to `size` started proxies and lends each to one request at a time;
requests beyond that wait for a free one (docs/adr/023-http-api.md). The request's credential
is set on the borrowed proxy's context data just before the call, so it travels in the message
headers exactly as an integrator's `connect(..., secret)` sends it (docs/adr/004).

A proxy whose call failed for any reason other than a typed answer is closed, never lent
again: after a timeout its reply may still arrive, and after a broker restart its connection is
gone.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import amqp.exceptions
import kombu.exceptions
from eventlet.semaphore import Semaphore
from nameko.exceptions import RemoteError, RpcTimeout

from coop_shared.client import connect
from coop_shared.errors import CoopError

log = logging.getLogger(__name__)

# What a broker that is down, unreachable or refusing the gateway's user raises.
BROKER_TROUBLE = (OSError, kombu.exceptions.OperationalError, amqp.exceptions.AMQPError)


class BrokerUnavailable(Exception):
    """The bus did not take the call: answered 503, the caller may retry."""


class CallTimedOut(Exception):
    """The service did not answer in time: answered 504; a create retried with its
    Idempotency-Key returns the first answer if the first call did run."""


class RpcPool:
    def __init__(self, amqp_uri: str, *, size: int = 10, timeout: float = 30, ssl: dict | None = None):
        self.amqp_uri, self.timeout, self.ssl = amqp_uri, timeout, ssl
        self._slots = Semaphore(size)
        self._idle: list[tuple[object, object]] = []

    def call(self, service: str, method: str, authorization: str | None, payload=None, *, with_payload=True):
        """`service.method(payload)` with `authorization` as the credential; typed errors of
        `coop_shared.errors` are raised as themselves."""
        with self._borrowed() as (standalone, cluster):
            context = standalone._worker_ctx.data  # the context data sent as message headers
            context.clear()
            if authorization:
                context["authorization"] = authorization
            function = getattr(getattr(cluster, service), method)
            return function(payload) if with_payload else function()

    @contextmanager
    def _borrowed(self):
        with self._slots:
            entry = self._idle.pop() if self._idle else self._open()
            try:
                yield entry
            except (CoopError, RemoteError):
                self._idle.append(entry)  # an answer came back: the proxy is fine
                raise
            except RpcTimeout:
                self._close(entry)
                raise CallTimedOut() from None
            except BROKER_TROUBLE as exc:
                self._close(entry)
                log.warning("RPC through the broker failed: %s", type(exc).__name__)
                raise BrokerUnavailable() from None
            except BaseException:
                self._close(entry)
                raise
            self._idle.append(entry)

    def _open(self):
        standalone = connect(self.amqp_uri, None, timeout=self.timeout, ssl=self.ssl)
        try:
            cluster = standalone.start()
        except BROKER_TROUBLE as exc:
            log.warning("no broker for the HTTP API: %s", type(exc).__name__)
            raise BrokerUnavailable() from None
        return standalone, cluster

    @staticmethod
    def _close(entry):
        try:
            entry[0].stop()
        except Exception:  # already broken: nothing more to release
            log.debug("closing a broken RPC proxy", exc_info=True)

    def close(self):
        while self._idle:
            self._close(self._idle.pop())
