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
import uuid
from dataclasses import dataclass

import marshmallow
import sqlalchemy.exc
from kombu import Connection, Exchange, Producer, Queue
from nameko.events import BROADCAST, EventHandler

from coop_shared.credentials import SERVICE
from coop_shared.errors import Conflict, CoopError, Forbidden, ValidationError
from coop_shared.runtime import errors as _register_errors  # noqa: F401  (registers types)
from coop_shared.runtime import event_origin, idempotency
from coop_shared.runtime.observability import set_cooperative
from coop_shared.settings import Settings
from coop_shared.wire_schemas import ref_payload

log = logging.getLogger(__name__)
RETRY_HEADER = event_origin.RETRY_HEADER


class ForgedEvent(Exception):
    """An event whose publisher is not the broker user of the service that owns its type."""


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
    creates: bool = False  # run once per request and caller (idempotency.py)
    # The suite's own signed claim (acting for one cooperative) is accepted only here: the
    # methods another service needs (docs/adr/019-broker-least-privilege-and-service-claims.md).
    service_may_call: bool = False


def rpc(
    schema=None,
    *,
    id_field: str | None = None,
    needs_caller: bool = True,
    creates: bool = False,
    service_may_call: bool = False,
    never_stored: tuple[str, ...] = (),
):
    """A public RPC method of the contract.

    The wrapper resolves the caller's credential *before* reading the payload (a caller
    without a valid key learns nothing from validation messages), loads the payload with
    `schema` (an id string is accepted where `id_field` names the field), calls the method
    with `(identity, data)`, and commits the unit of work before the reply leaves: nameko
    replies before `worker_result`, so a later commit could fail after the caller was told
    it succeeded. Typed errors are expected; library errors become contract errors.

        @rpc(CreateInvoiceSchema, creates=True)
        def create_invoice(self, identity, data): ...

    `creates=True` marks a method that creates a record: it accepts an `idempotency_key`, and
    the same request again (a redelivered message, or the caller's key again) returns the first
    answer without running (coop_shared.runtime.idempotency); `never_stored` names answer
    fields, such as a secret, that are not kept and come back as null in a replay.
    """
    if schema is not None and not (isinstance(schema, type) and issubclass(schema, marshmallow.Schema)):
        raise TypeError("Declare the payload: @rpc(SomeSchema), or @rpc(None) for a method without one.")
    if creates:
        if schema is None:
            raise TypeError("A create method takes a payload (it may carry an idempotency_key).")
        schema = idempotency.with_key_field(schema)
    spec = RpcSpec(schema, id_field, needs_caller, creates, service_may_call)

    def decorate(fn):
        @functools.wraps(fn)
        @translate_errors
        def wrapper(self, payload=None):
            identity = self.caller.identity if spec.needs_caller else None
            if identity is not None and identity.role == SERVICE and not spec.service_may_call:
                raise Forbidden("The service credential may not call this method.")
            args = (identity,) if spec.needs_caller else ()
            if spec.schema is not None:
                if spec.id_field is not None:
                    payload = ref_payload(payload, spec.id_field)
                args += (_loader(spec.schema).load({} if payload is None else payload),)
            if spec.creates:
                return _run_once(self, fn, identity, payload, args, never_stored)
            result = fn(self, *args)
            self.uow.commit()
            return result

        wrapper.rpc_spec = spec
        return idempotency.request_rpc(expected_exceptions=CoopError)(wrapper)

    return decorate


@functools.cache
def _loader(schema: type[marshmallow.Schema]) -> marshmallow.Schema:
    """One instance per payload schema, built at its first call (issue 18: a schema's
    construction copies its fields, nested schemas included, and cost more than loading a
    small payload). Loading keeps no state on the instance (marshmallow 4 has no `context`)
    and runs without yielding to another greenthread, so the instance is shared safely."""
    return schema()


def _run_once(service, fn, identity, payload, args, never_stored):
    """Run a create method once per (caller, method, key); a repeat returns the first answer."""
    uow, method = service.uow, fn.__name__
    key = idempotency.request_key(args[-1], service.caller.context_data)
    if key is None:  # no correlation id and no client key: nothing to recognise a repeat by
        result = fn(service, *args)
        uow.commit()
        return result
    scope, fingerprint = idempotency.scope_of(identity), idempotency.request_hash(payload)
    answers = idempotency.Answers(uow.idempotency_table)
    first = answers.recorded(uow.session, scope, method, key, fingerprint)
    if first is not None:
        log.info("%s already answered for this request (%s): replayed, nothing run", method, key)
        uow.rollback()
        return first
    try:
        result = fn(service, *args)
        answers.record(uow.session, scope, method, key, fingerprint, result, never_stored)
        uow.commit()
    except (sqlalchemy.exc.IntegrityError, Conflict):
        # The same request may have run concurrently in another worker (a redelivery while the
        # first delivery was still running) and committed first: then this one collided with
        # it (on the answer's key, or on the record's own unique key such as a slug) and the
        # first one's answer is the answer. Otherwise the clash is a real one.
        uow.rollback()
        first = answers.recorded_elsewhere(uow.engine, scope, method, key, fingerprint)
        if first is None:
            raise
        log.info("%s ran concurrently for this request (%s): the first answer is returned", method, key)
        return first
    return result


class ReliableEventHandler(EventHandler):
    """An event handler whose failures are retried later, then parked, never lost."""

    def setup(self):
        super().setup()
        settings = Settings.of(self.container)
        self.settings = settings
        self.retry_delays = settings.event_retry_delays
        self.amqp_uri = settings.amqp_uri

    def handle_message(self, body, message):
        # Only the owner of an event type publishes it (event_origin.py): anything else is
        # parked with the reason and logged, never handled.
        refused = event_origin.refusal(
            message.properties, message.headers, self.settings, self.event_type, self.source_service
        )
        if refused is None:
            return super().handle_message(body, message)
        log.error("event refused on %s: %s", self.queue.name, refused)
        if self.handler_type is not BROADCAST:
            try:
                self._retry_or_park(message, ForgedEvent(refused), permanent=True)
            except Exception:  # broker trouble: leave the message unacked-then-requeued
                log.exception("could not park a refused event; requeueing %s", self.queue.name)
                self.queue_consumer.requeue_message(message)
                return
        self.queue_consumer.ack_message(message)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is not None and self.handler_type is not BROADCAST:
            try:
                self._retry_or_park(message, exc_info[1])
            except Exception:  # broker trouble: leave the message unacked-then-requeued
                log.exception("could not schedule a retry; requeueing %s", self.queue.name)
                self.queue_consumer.requeue_message(message)
                return
        self.queue_consumer.ack_message(message)

    def _retry_or_park(self, message, error, permanent=False):
        retries = int((message.headers or {}).get(RETRY_HEADER, 0))
        headers = dict(
            message.headers or {}, **{RETRY_HEADER: retries + 1, "x-coop-error": repr(error)[:1000]}
        )
        # The copy is published as this service: the original publisher is kept for the reader.
        headers.setdefault(event_origin.PUBLISHER_HEADER, str(message.properties.get("user_id")))
        permanent = permanent or isinstance(error, ValidationError)
        with Connection(self.amqp_uri, ssl=self.settings.amqp_ssl or False) as connection:
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
                user_id=event_origin.broker_user(self.amqp_uri),
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


# How long a broadcast queue outlives its consumer: long enough for a connection to come back
# (a broker restart, a network cut), short enough that queues of stopped instances go away.
BROADCAST_QUEUE_EXPIRES_MS = 10 * 60 * 1000


class DurableBroadcastHandler(ReliableEventHandler):
    """A broadcast handler whose per-instance queue is durable and not tied to its connection.

    nameko's unreliable broadcast queue is exclusive and auto-deleted: when the connection drops,
    the queue and whatever is published meanwhile are gone. This queue survives a dropped
    connection and a broker restart, so an instance reconnecting receives what was broadcast
    while it was away; RabbitMQ deletes it `BROADCAST_QUEUE_EXPIRES_MS` after its last consumer
    left (`x-expires`), so stopped instances leave no queue behind."""

    def __init__(self, *args, **kwargs):
        kwargs.update(handler_type=BROADCAST, reliable_delivery=True)
        super().__init__(*args, **kwargs)
        self._instance = uuid.uuid4().hex

    @property
    def broadcast_identifier(self):
        # One queue per running instance, as nameko's default; x-expires (not a stable name)
        # is what keeps stopped instances from leaving queues behind.
        return self._instance

    def setup(self):
        super().setup()
        self.queue = Queue(
            self.queue.name,
            exchange=self.queue.exchange,
            routing_key=self.event_type,
            durable=True,
            auto_delete=False,
            exclusive=False,
            queue_arguments={"x-expires": BROADCAST_QUEUE_EXPIRES_MS},
        )


class CredentialRevocationListener:
    """Mixin for services that cache credentials: forget a key the moment members revokes it,
    even when the revocation was broadcast while this instance's connection was down."""

    @DurableBroadcastHandler.decorator("members", "api_key_revoked")
    def forget_revoked_credential(self, event):
        self.caller.forget(event["payload"]["key_id"])
