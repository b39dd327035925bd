"""The SQLAlchemy 2 dependency: one unit of work per worker.

The session opens on first use and is rolled back and closed when the worker ends, unless the
entrypoint committed it. Entrypoints commit *before* returning (see `entrypoints.rpc`), because
nameko sends the RPC reply before calling `worker_result`: a commit there could fail after the
caller was told it succeeded.
"""

from __future__ import annotations

import logging
import weakref

import sqlalchemy as sa
from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session

from coop_shared import personal_data
from coop_shared.event_catalogue import is_mandatory
from coop_shared.events import make_event
from coop_shared.runtime.engine import create_engine, is_sqlite
from coop_shared.runtime.outbox_relay import OutboxRelay
from coop_shared.settings import Settings
from coop_shared.storage.repository import Repository
from coop_shared.storage.types import EncryptedString

log = logging.getLogger(__name__)

# Events a unit of work keeps before writing them into the outbox in one statement.
EVENTS_PER_INSERT = 1000


class UnitOfWork:
    """A worker's transaction: the service's repository (`repo`), the outbox (`emit`) and the
    inbox (`claim`). Implements `coop_shared.unit_of_work.UnitOfWork`; handlers use only that
    interface, the runtime (entrypoints, health) may use the session."""

    def __init__(self, provider: Database):
        self._provider = provider
        self._session: Session | None = None
        self._repo = None
        self._emitted = False
        self._after_commit: list = []
        self._events: list[dict] = []  # outbox rows of this transaction, written at its commit

    @property
    def session(self) -> Session:
        if self._session is None:
            self._provider.acquire()
            self._session = Session(self._provider.engine, expire_on_commit=False)
        return self._session

    @property
    def repo(self):
        """The service's repository on this unit of work's session (opened on first use)."""
        if self._repo is None:
            self._repo = self._provider.repository(self.session)
        return self._repo

    @property
    def engine(self) -> sa.Engine:
        return self._provider.engine

    @property
    def idempotency_table(self) -> sa.Table:
        """Answers of create methods (coop_shared.runtime.idempotency)."""
        return self._provider.metadata.tables["idempotency"]

    def emit(self, event_type: str, cooperative_id, cooperative: str | None, payload: dict) -> dict:
        """Record an event in the outbox, in this transaction; it is published after commit.

        Mandatory events (coop_shared.event_catalogue) must reach at least one queue: an
        unroutable one stays in the outbox and is retried (docs/nameko-delivery.md).
        """
        mandatory = is_mandatory(event_type)
        event = make_event(event_type, cooperative_id, cooperative, payload)
        self._events.append(
            {
                "event_id": event["event_id"],
                "event_type": event_type,
                "cooperative_id": event["cooperative_id"],
                "body": event,
                "mandatory": mandatory,
                "attempts": 0,
            }
        )
        self._emitted = True
        if len(self._events) >= EVENTS_PER_INSERT:
            self._write_events()  # a thousand at a time: a big transaction's memory stays bounded
        return event

    def _write_events(self) -> None:
        """The events emitted so far, into the outbox in one statement (issue 18: a statement
        import emits tens of thousands). Still the business transaction: they are written just
        before it commits (or as each thousand is reached), and nothing in it reads its own
        outbox rows."""
        if self._events:
            events, self._events = self._events, []
            self.session.execute(sa.insert(self._provider.outbox), events)

    def claim(self, consumer: str, event_id: str) -> bool:
        """True the first time `consumer` sees `event_id` in a committed transaction."""
        inbox = self._provider.inbox
        seen = self.session.execute(
            sa.select(inbox.c.event_id).where(inbox.c.consumer == consumer, inbox.c.event_id == event_id)
        ).first()
        if seen:
            return False
        self.session.execute(sa.insert(inbox).values(consumer=consumer, event_id=event_id))
        return True

    def was_claimed(self, consumer: str, event_id: str) -> bool:
        inbox = self._provider.inbox
        with Session(self._provider.engine) as session:
            return (
                session.execute(
                    sa.select(inbox.c.event_id).where(
                        inbox.c.consumer == consumer, inbox.c.event_id == event_id
                    )
                ).first()
                is not None
            )

    def outbox_backlog(self) -> int:
        from coop_shared.runtime.outbox_relay import backlog

        return backlog(self._provider.engine, self._provider.outbox)

    def after_commit(self, callback) -> None:
        """Run `callback()` once this unit of work has committed (never if it rolls back)."""
        self._after_commit.append(callback)

    def commit(self) -> None:
        if self._session is None:
            return
        self._write_events()
        self._session.commit()
        if self._emitted:
            self._emitted = False
            self._provider.relay.wake()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def rollback(self) -> None:
        self._emitted = False
        self._after_commit = []
        self._events = []
        if self._session is not None:
            self._session.rollback()

    def close(self) -> None:
        if self._session is not None:
            try:
                self._session.close()  # rolls back whatever was not committed
            except Exception:
                # The server closed the connection (a restart, a dropped connection): there is
                # nothing left to roll back. This runs in worker_teardown, where an exception
                # would stop the whole service process (docs/nameko-delivery.md), so the
                # connection is discarded and the error only logged.
                log.warning("closing a unit of work whose database connection was lost", exc_info=True)
                try:
                    self._session.invalidate()
                except Exception:
                    pass
            finally:
                self._session = self._repo = None
                self._events = []  # never carried into the next transaction of this worker
                self._provider.release()


class Database(DependencyProvider):
    """Injects a `UnitOfWork`; owns the engine and the outbox relay of the service.

    `repository` is the service's repository class (a `coop_shared.storage.repository.Repository`
    taking a session), which the unit of work exposes as `repo`.
    """

    relay = OutboxRelay()

    def __init__(self, metadata: sa.MetaData, repository=Repository, seals_personal_data: bool | None = None):
        """`seals_personal_data`: whether the service seals values with the data key; by default
        when one of its tables has a sealed column (payroll, which seals inside a JSON
        snapshot, says so)."""
        self.metadata = metadata
        self.repository = repository
        if seals_personal_data is None:
            seals_personal_data = any(
                isinstance(column.type, EncryptedString)
                for table in metadata.tables.values()
                for column in table.columns
            )
        self.seals_personal_data = seals_personal_data
        self.engine: sa.Engine | None = None
        self._units = weakref.WeakKeyDictionary()

    @property
    def outbox(self) -> sa.Table:
        return self.metadata.tables["outbox"]

    @property
    def inbox(self) -> sa.Table:
        return self.metadata.tables["inbox"]

    def setup(self):
        settings = Settings.of(self.container)
        max_workers = int(self.container.config.get("max_workers", 10))
        self.engine = create_engine(settings.database_url, pool_size=max_workers + 2)
        # SQLite allows one writer; serialising units of work in the process avoids a
        # greenthread spinning on a lock held by another greenthread of the same hub.
        self._lock = Semaphore(1) if is_sqlite(self.engine) else None
        self.relay.configure(self, settings)
        # The key of personal data at rest, read with the other settings when the container
        # starts: a production container that seals data and lacks its key stops here, not at
        # the first write (docs/adr/017-personal-data-at-rest-and-rectification.md). A service
        # that seals nothing needs no key.
        if self.seals_personal_data:
            personal_data.install(personal_data.KeyRing.from_config(self.container.config))

    def acquire(self):
        if self._lock is not None:
            self._lock.acquire()

    def release(self):
        if self._lock is not None:
            self._lock.release()

    def get_dependency(self, worker_ctx):
        unit = UnitOfWork(self)
        self._units[worker_ctx] = unit
        return unit

    def worker_teardown(self, worker_ctx):
        unit = self._units.pop(worker_ctx, None)
        if unit is not None:
            unit.close()

    def stop(self):
        if self.engine is not None:
            self.engine.dispose()

    kill = stop
