"""Nothing run twice: the answers of create methods, kept by (caller scope, method, key).

After a broker restart, or when a worker dies before acknowledging, RabbitMQ delivers the same
RPC request again (docs/nameko-delivery.md, "A killed worker's message runs twice"). A create
method declared `@rpc(Schema, creates=True)` therefore keeps its answer in the service's
`idempotency` table, in the transaction of the record it created, under:

- the caller's **scope**: its key id, or the cooperative and role of a service credential, or
  the platform: another caller's key is a fresh key for them and never returns their record;
- the method's name;
- the **key**: the client's `idempotency_key` when it sends one (a client retrying after a
  timeout sends a new message, with a new correlation id), else the AMQP `correlation_id` of
  the request. nameko's client gives each call a new uuid4 correlation id, and a redelivered
  message is the same message: same correlation id, same headers, `redelivered` set. The
  worker's own `call_id` is drawn afresh for each delivery, so it cannot serve.

The same key with another payload is refused with `Conflict` rather than answered with a record
the caller did not ask for. Fields such as an API key's secret are never stored: a replayed
answer carries them as null (docs/adr/021-nothing-run-twice-and-the-trail.md).
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from marshmallow import fields, validate
from sqlalchemy.orm import Session

from coop_shared.credentials import PLATFORM, SERVICE, Identity
from coop_shared.errors import Conflict
from coop_shared.runtime.resilient_rpc import PatientRpc

# The context data key under which the request's AMQP correlation id reaches the worker.
REQUEST_ID = "coop_request_id"
KEY_FIELD = "idempotency_key"


class RequestRpc(PatientRpc):
    """The RPC entrypoint that hands the worker the correlation id of its request message.

    A caller may put anything in the context data (nameko forwards it downstream too), so any
    `coop_request_id` it sent is replaced by the one of the message actually delivered."""

    def unpack_message_headers(self, message):
        data = super().unpack_message_headers(message)
        data.pop(REQUEST_ID, None)
        correlation_id = (message.properties or {}).get("correlation_id")
        if correlation_id:
            data[REQUEST_ID] = str(correlation_id)[:120]
        return data


request_rpc = RequestRpc.decorator


def with_key_field(schema):
    """`schema`, accepting an optional `idempotency_key` if it does not declare one already."""
    if KEY_FIELD in schema._declared_fields:
        return schema
    key = fields.String(load_default=None, validate=validate.Length(1, 100))
    return type(schema.__name__, (schema,), {KEY_FIELD: key, "__doc__": schema.__doc__})


def scope_of(identity: Identity | None) -> str:
    """Whose keys these are: a key id, a service acting for one cooperative, the platform."""
    if identity is None:
        return "public"
    if identity.role == PLATFORM:
        return "platform"
    if identity.role == SERVICE or not identity.key_id:
        return f"{identity.role}:{identity.cooperative_id}"
    return f"key:{identity.key_id}"


def request_key(data: dict | None, context_data: dict) -> str | None:
    """The client's idempotency key, else the request message's correlation id, else None."""
    client_key = (data or {}).pop(KEY_FIELD, None)
    if client_key:
        return f"client:{client_key}"
    correlation_id = context_data.get(REQUEST_ID)
    return f"message:{correlation_id}" if correlation_id else None


def request_hash(payload) -> str:
    """A fingerprint of the payload as sent, so that one key cannot answer two requests."""
    if isinstance(payload, dict):
        payload = {k: v for k, v in payload.items() if k != KEY_FIELD}
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Answers:
    """The `idempotency` table of one service, read and written inside a unit of work."""

    def __init__(self, table: sa.Table):
        self.table = table

    def _where(self, scope: str, method: str, key: str):
        t = self.table
        return sa.select(t.c.request_hash, t.c.answer).where(
            t.c.scope == scope, t.c.method == method, t.c.key == key
        )

    def recorded(self, session: Session, scope: str, method: str, key: str, fingerprint: str):
        """The first answer to this request, or None; Conflict if the key served another payload."""
        row = session.execute(self._where(scope, method, key)).first()
        if row is None:
            return None
        if row.request_hash != fingerprint:
            raise Conflict(
                "This idempotency key was already used for another request.",
                {"idempotency_key": key.split(":", 1)[1]},
            )
        return row.answer

    def record(
        self, session: Session, scope: str, method: str, key: str, fingerprint: str, answer, omit=()
    ) -> None:
        """Keep `answer` in this transaction, with the `omit` fields (secrets) as null."""
        stored = (
            {k: (None if k in omit else v) for k, v in answer.items()} if isinstance(answer, dict) else answer
        )
        session.execute(
            sa.insert(self.table).values(
                scope=scope, method=method, key=key, request_hash=fingerprint, answer=stored
            )
        )

    def recorded_elsewhere(self, engine: sa.Engine, scope, method, key, fingerprint):
        """The answer another worker committed for the same request (a concurrent redelivery)."""
        with Session(engine) as session:
            return self.recorded(session, scope, method, key, fingerprint)
