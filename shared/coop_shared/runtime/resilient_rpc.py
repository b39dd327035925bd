"""RPC that survives a broker outage (found by tests/chaos: a RabbitMQ restart killed services).

- Replies: nameko retries publishing a reply 3 times (about 12 s), then raises inside the
  worker, and the whole service process dies. A reply waits here up to about five minutes for
  the broker; if it still cannot leave, the work stays committed, the loss is logged, and the
  caller retries with its idempotency key. The process lives on either way.
- Calls made by a service to another: nameko's proxy waits for a reply without limit. A reply
  lost with a broker restart would hold the worker for ever, and ten of them stop the service.
  Each call here is bounded (`COOP_SERVICE_CALL_TIMEOUT_SECONDS`, one setting for every call
  between services) and fails with `RpcTimeout`.
"""

from __future__ import annotations

import logging

import eventlet
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.rpc import Responder, Rpc, RpcConsumer, RpcProxy, get_rpc_exchange

from coop_shared.settings import Settings

log = logging.getLogger(__name__)


class RpcTimeout(Exception):
    """The called service did not answer in time."""


class PatientPublisher(Publisher):
    # kombu's ensure(): 1 s, then 1 s more each time up to 5 s, 60 times: about five minutes.
    retry_policy = {"max_retries": 60, "interval_start": 1, "interval_step": 1, "interval_max": 5}


class PatientResponder(Responder):
    publisher_cls = PatientPublisher


class PatientRpcConsumer(RpcConsumer):
    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = PatientResponder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except Exception:  # the broker stayed away: keep the process, lose only this reply
            log.exception(
                "reply to %s lost: the broker stayed unreachable", message.delivery_info.get("routing_key")
            )
        try:
            self.queue_consumer.ack_message(message)
        except Exception:  # the channel died with the broker; the request is redelivered
            log.warning(
                "could not acknowledge %s; it will be redelivered", message.delivery_info.get("routing_key")
            )
        return result, exc_info


class PatientRpc(Rpc):
    rpc_consumer = PatientRpcConsumer()


patient_rpc = PatientRpc.decorator


class _Bounded:
    def __init__(self, proxy, timeout: float):
        self._proxy, self._timeout = proxy, timeout

    def __getattr__(self, method):
        method_proxy = getattr(self._proxy, method)

        def call(*args, **kwargs):
            with eventlet.Timeout(
                self._timeout, RpcTimeout(f"{method} did not answer within {self._timeout}s")
            ):
                return method_proxy(*args, **kwargs)

        return call


def bounded(proxy, timeout: float):
    """Every method call on `proxy` fails with RpcTimeout after `timeout` seconds."""
    return _Bounded(proxy, timeout)


class ServiceRpc(RpcProxy):
    """`RpcProxy` whose calls are bounded in time.

    The caller's context data is forwarded as nameko does, except a service claim: it is bound
    to the method it was signed for, so a worker serving one re-signs a claim for the same
    cooperative for each call it makes (coop_shared.runtime.cooperative_rpc)."""

    def get_dependency(self, worker_ctx):
        settings = Settings.of(self.container)
        timeout = settings.service_call_timeout_seconds
        claimed = _verified_claim(worker_ctx, settings)
        if claimed is not None:
            from coop_shared.runtime.cooperative_rpc import ClaimingProxy

            return ClaimingProxy(
                worker_ctx,
                self.target_service,
                self.rpc_reply_listener,
                settings.service_key,
                claimed.cooperative_id,
                claimed.cooperative,
                timeout,
            )
        return bounded(super().get_dependency(worker_ctx), timeout)


def _verified_claim(worker_ctx, settings):
    """The identity of the worker's service claim if it is valid for this entrypoint, else None
    (never raises: an exception in get_dependency kills the process, docs/nameko-delivery.md)."""
    import time

    from coop_shared.credentials import bearer_secret, is_service_claim, verify_service_claim

    try:
        secret = bearer_secret((worker_ctx.data or {}).get("authorization"))
        if not is_service_claim(secret) or not settings.service_key:
            return None
        target = f"{worker_ctx.container.service_name}.{worker_ctx.entrypoint.method_name}"
        return verify_service_claim(
            secret, (settings.service_key, settings.previous_service_key), target, time.time()
        )
    except Exception:  # no credential, or not a valid claim: forwarded unchanged, refused downstream
        return None
