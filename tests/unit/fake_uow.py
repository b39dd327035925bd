"""The one in-memory unit of work for handler tests, whatever the service.

It implements `coop_shared.unit_of_work.UnitOfWork` on an in-memory SQLite database holding the
service's real tables and its real repository, so a handler test exercises the same queries as
production in milliseconds; events are kept in a list instead of an outbox, and `after_commit`
callbacks run when the test commits.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coop_shared.event_catalogue import CATALOGUE
from coop_shared.storage.repository import Repository


class FakeUnitOfWork:
    def __init__(self, metadata, repository=Repository):
        self.engine = sa.create_engine("sqlite://")
        metadata.create_all(self.engine)
        self._session = Session(self.engine, expire_on_commit=False)
        self.repo = repository(self._session)
        self.events = []  # (event_type, cooperative slug, payload), in emission order
        self.committed = False
        self._after_commit = []

    def emit(self, event_type, cooperative_id, cooperative, payload):
        assert event_type in CATALOGUE, f"{event_type} is not in the event catalogue"
        self.events.append((event_type, cooperative, payload))
        return {"event_type": event_type, "cooperative": cooperative, "payload": payload}

    def after_commit(self, callback):
        self._after_commit.append(callback)

    def commit(self):
        self._session.commit()
        self.committed = True
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def rollback(self):
        self._session.rollback()
        self._after_commit = []

    def events_of(self, event_type):
        """Payloads of the events of one type, in order."""
        return [payload for kind, _, payload in self.events if kind == event_type]
