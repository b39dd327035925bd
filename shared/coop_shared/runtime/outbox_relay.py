"""The outbox relay: publishes committed outbox rows, with confirms, then marks them published.

Rows are taken `FOR UPDATE SKIP LOCKED`, so several replicas of a service share the work
without publishing a row twice; a row is marked published only after the broker confirmed it.
A crash between the confirm and the mark publishes the row again on restart: consumers are
idempotent on `event_id` (the inbox), which is what makes "at least once" "exactly once" in
effect. A `mandatory` event that no queue takes comes back (basic.return) and stays in the
outbox, retried with backoff, instead of being silently dropped.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import eventlet
import sqlalchemy as sa
from eventlet.queue import Empty, LightQueue
from kombu import Connection, Producer
from nameko.extensions import Extension
from nameko.standalone.events import get_event_exchange

from coop_shared.runtime.event_origin import broker_user
from coop_shared.storage.types import utcnow

log = logging.getLogger(__name__)
BATCH = 200


class Unroutable(Exception):
    """The broker returned a mandatory event: no queue is bound for it yet."""


class OutboxPublisher:
    """A confirmed kombu publisher on one service's event exchange."""

    def __init__(self, amqp_uri: str, service: str, config: dict, ssl: dict | None = None):
        self.amqp_uri = amqp_uri
        self.ssl = ssl
        # RabbitMQ checks that user_id is the connection's user: consumers know the publisher
        # for sure and refuse events not from their owner (coop_shared.runtime.event_origin).
        self.user_id = broker_user(amqp_uri)
        self.exchange = get_event_exchange(service, config)
        self._connection = None
        self._producer = None
        self._returned = []

    def _ensure(self):
        if self._producer is None:
            self._connection = Connection(
                self.amqp_uri,
                transport_options={"confirm_publish": True},
                heartbeat=0,
                ssl=self.ssl or False,
            )
            channel = self._connection.channel()
            self._producer = Producer(channel, exchange=self.exchange, on_return=self._on_return)
            self.exchange(channel).declare()
        return self._producer

    def _on_return(self, exception, exchange, routing_key, message):
        self._returned.append(message.headers.get("coop.event_id"))

    def publish(self, body: dict, event_type: str, mandatory: bool) -> None:
        producer = self._ensure()
        self._returned.clear()
        producer.publish(
            body,
            routing_key=event_type,
            mandatory=mandatory,
            serializer="json",
            delivery_mode=2,
            retry=False,
            user_id=self.user_id,
            headers={"coop.event_id": body["event_id"], "coop.event_type": event_type},
        )
        if body["event_id"] in self._returned:
            raise Unroutable(f"No queue is bound for '{event_type}' on {self.exchange.name}.")

    def close(self):
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # closing a broken connection must not mask the first error
                pass
        self._connection = self._producer = None


def publish_pending(
    engine: sa.Engine, outbox: sa.Table, publisher: OutboxPublisher, retry_delays: tuple[float, ...]
) -> int:
    """Publish due rows, oldest first; return how many were published. A row that cannot
    leave waits the next of `retry_delays` seconds (`COOP_OUTBOX_RETRY_DELAYS`)."""
    now = utcnow()
    due = (
        sa.select(outbox)
        .where(outbox.c.published_at.is_(None))
        .where(sa.or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now))
        .order_by(outbox.c.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    published: list[int] = []
    with engine.begin() as conn:
        for row in conn.execute(due).mappings().all():
            try:
                publisher.publish(row["body"], row["event_type"], row["mandatory"])
            except Unroutable as exc:
                _postpone(conn, outbox, row, str(exc), retry_delays)
                continue
            except Exception as exc:  # broker gone: keep what was done, retry the rest later
                log.warning("outbox relay: publishing failed, will retry: %s", exc)
                publisher.close()
                _postpone(conn, outbox, row, repr(exc), retry_delays)
                break
            published.append(row["id"])
        if published:
            # The rows published, marked in one statement (issue 18: one per row before), in the
            # transaction that locked them: a relay stopped before this commit leaves them to be
            # published again, and consumers drop the repeat by its event id (the inbox).
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.id.in_(published))
                .values(published_at=utcnow(), attempts=outbox.c.attempts + 1, last_error=None)
            )
    return len(published)


def _postpone(conn, outbox, row, error: str, retry_delays: tuple[float, ...]) -> None:
    attempts = row["attempts"] + 1
    delay = retry_delays[min(attempts, len(retry_delays)) - 1]
    conn.execute(
        sa.update(outbox)
        .where(outbox.c.id == row["id"])
        .values(
            attempts=attempts, last_error=error[:2000], next_attempt_at=utcnow() + timedelta(seconds=delay)
        )
    )
    log.warning("outbox event %s (%s) postponed %ss: %s", row["event_id"], row["event_type"], delay, error)


def backlog(engine: sa.Engine, outbox: sa.Table) -> int:
    """How many events wait to be published (an operator's first question)."""
    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        ).scalar_one()


class OutboxRelay(Extension):
    """Runs `publish_pending` after each commit that emitted events, and every poll period."""

    def __init__(self):
        self._database = None
        self._wakeups = LightQueue()
        self._thread = None
        self._running = False

    def configure(self, database, settings):
        self._database = database
        self._settings = settings

    def start(self):
        self._publisher = OutboxPublisher(
            self._settings.amqp_uri,
            self.container.service_name,
            self.container.config,
            ssl=self._settings.amqp_ssl,
        )
        self._running = True
        self._thread = self.container.spawn_managed_thread(self._run, identifier="outbox_relay")

    def wake(self):
        self._wakeups.put(True)

    def _run(self):
        while self._running:
            try:
                self._wakeups.get(timeout=self._settings.outbox_poll_seconds)
            except Empty:
                pass
            self._drain()

    def _drain(self):
        while self._running:
            self._database.acquire()
            try:
                count = publish_pending(
                    self._database.engine,
                    self._database.outbox,
                    self._publisher,
                    self._settings.outbox_retry_delays,
                )
            except Exception:  # database unreachable: log and retry at the next tick
                log.exception("outbox relay: could not read the outbox")
                count = 0
            finally:
                self._database.release()
            if count < BATCH:
                return
            eventlet.sleep(0)

    def stop(self):
        self._running = False
        self.wake()
        if self._thread is not None:
            self._thread.wait()
        self._publisher.close()

    def kill(self):
        self._running = False
        if self._thread is not None:
            self._thread.kill()
