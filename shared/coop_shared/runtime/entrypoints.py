"""The two entrypoint decorators every service uses: `rpc` and `event_handler`.

`rpc` commits the unit of work before the reply leaves and turns library errors into the
typed errors of the contract. `event_handler` claims the event in the inbox in the same
transaction as its effects, and on failure retries with backoff through a delay queue, then
parks the message in a parking-lot queue with the error: never dropped after one try, never
requeued in a tight loop (docs/nameko-delivery.md).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import marshmallow
import sqlalchemy.exc
from kombu import Connection, Exchange, Producer, Queue
from nameko.events import BROADCAST, EventHandler

from coop_shared.errors import Conflict, CoopError, ValidationError
from coop_shared.runtime import errors as _register_errors  # noqa: F401  (registers types)
from coop_shared.runtime.observability import set_cooperative
from coop_shared.runtime.resilient_rpc import patient_rpc
from coop_shared.settings import Settings
from coop_shared.wire_schemas import ref_payload

log = logging.getLogger(__name__)
RETRY_HEADER = "x-coop-retries"


def translate_errors(fn):
    """Library errors become contract errors; anything else stays an unexpected error."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except marshmallow.ValidationError as exc:
            messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
            raise ValidationError(fields=messages) from None
        except sqlalchemy.exc.IntegrityError as exc:
            raise Conflict(
                "The change clashes with existing data.", {"constraint": str(exc.orig).splitlines()[0][:200]}
            ) from None

    return wrapper


@dataclass(frozen=True)
class RpcSpec:
    """What an RPC method takes, read by `rpc` and by the contract generator (docs/)."""

    schema: type[marshmallow.Schema] | None
    id_field: str | None = None  # the payload may be a bare id string for this field
    needs_caller: bool = True  # False only for public methods (no credential)


def rpc(schema=None, *, id_field: str | None = None, needs_caller: bool = True):
    """A public RPC method of the contract.

    The wrapper resolves the caller's credential *before* reading the payload (a caller
    without a valid key learns nothing from validation messages), loads the payload with
    `schema` (an id string is accepted where `id_field` names the field), calls the method
    with `(identity, data)`, and commits the unit of work before the reply leaves: nameko
    replies before `worker_result`, so a later commit could fail after the caller was told
    it succeeded. Typed errors are expected; library errors become contract errors.

        @rpc(CreateInvoiceSchema)
        def create_invoice(self, identity, data): ...
    """
    if schema is not None and not (isinstance(schema, type) and issubclass(schema, marshmallow.Schema)):
        raise TypeError("Declare the payload: @rpc(SomeSchema), or @rpc(None) for a method without one.")
    spec = RpcSpec(schema, id_field, needs_caller)

    def decorate(fn):
        @functools.wraps(fn)
        @translate_errors
        def wrapper(self, payload=None):
            args = (self.caller.identity,) if spec.needs_caller else ()
            if spec.schema is not None:
                if spec.id_field is not None:
                    payload = ref_payload(payload, spec.id_field)
                args += (spec.schema().load({} if payload is None else payload),)
            result = fn(self, *args)
            self.uow.commit()
            return result

        wrapper.rpc_spec = spec
        return patient_rpc(expected_exceptions=CoopError)(wrapper)

    return decorate


class ReliableEventHandler(EventHandler):
    """An event handler whose failures are retried later, then parked, never lost."""

    def setup(self):
        super().setup()
        settings = Settings.of(self.container)
        self.retry_delays = settings.event_retry_delays
        self.amqp_uri = settings.amqp_uri

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is not None and self.handler_type is not BROADCAST:
            try:
                self._retry_or_park(message, exc_info[1])
            except Exception:  # broker trouble: leave the message unacked-then-requeued
                log.exception("could not schedule a retry; requeueing %s", self.queue.name)
                self.queue_consumer.requeue_message(message)
                return
        self.queue_consumer.ack_message(message)

    def _retry_or_park(self, message, error):
        retries = int((message.headers or {}).get(RETRY_HEADER, 0))
        headers = dict(
            message.headers or {}, **{RETRY_HEADER: retries + 1, "x-coop-error": repr(error)[:1000]}
        )
        permanent = isinstance(error, ValidationError)
        with Connection(self.amqp_uri) as connection:
            channel = connection.default_channel
            if permanent or retries >= len(self.retry_delays):
                target = Queue(f"{self.queue.name}.parked", durable=True)
                expiration = None
                log.error("event parked in %s after %d retries: %r", target.name, retries, error)
            else:
                target = Queue(
                    f"{self.queue.name}.retry",
                    durable=True,
                    queue_arguments={
                        "x-dead-letter-exchange": "",
                        "x-dead-letter-routing-key": self.queue.name,
                    },
                )
                expiration = self.retry_delays[retries]
                log.warning(
                    "event on %s failed (%r); retry %d in %ss",
                    self.queue.name,
                    error,
                    retries + 1,
                    expiration,
                )
            target(channel).declare()
            Producer(channel).publish(
                message.body,
                exchange=Exchange(""),
                routing_key=target.name,
                headers=headers,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                delivery_mode=2,
                expiration=expiration,
            )


def event_handler(source_service: str, event_type: str, **options):
    """Handle `event_type` from `source_service` once per event id, in one transaction."""

    def decorate(fn):
        @functools.wraps(fn)
        @translate_errors
        def wrapper(self, event):
            if not isinstance(event, dict) or not event.get("event_id"):
                raise ValidationError("An event needs an event_id.", {"event_id": ["Missing."]})
            set_cooperative(event.get("cooperative"))
            consumer = f"{self.name}.{fn.__name__}"
            if not self.uow.claim(consumer, event["event_id"]):
                log.info(
                    "event %s already handled by %s: acknowledged, no effect", event["event_id"], consumer
                )
                return "duplicate"
            result = fn(self, event)
            try:
                self.uow.commit()
            except sqlalchemy.exc.IntegrityError:
                # Another worker committed the same event first (concurrent redelivery).
                self.uow.rollback()
                if self.uow.was_claimed(consumer, event["event_id"]):
                    log.info(
                        "event %s committed concurrently by %s: acknowledged, no effect",
                        event["event_id"],
                        consumer,
                    )
                    return "duplicate"
                raise
            return result

        return ReliableEventHandler.decorator(source_service, event_type, **options)(wrapper)

    return decorate


class CredentialRevocationListener:
    """Mixin for services that cache credentials: forget a key the moment members revokes it."""

    @EventHandler.decorator("members", "api_key_revoked", handler_type=BROADCAST, reliable_delivery=False)
    def forget_revoked_credential(self, event):
        self.caller.forget(event["payload"]["key_id"])
