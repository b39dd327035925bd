"""A unit of work on in-memory SQLite for handler tests: real tables, events kept in a list."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coop_shared.event_catalogue import CATALOGUE


class FakeUnitOfWork:
    def __init__(self, metadata):
        self.engine = sa.create_engine("sqlite://")
        metadata.create_all(self.engine)
        self.session = Session(self.engine, expire_on_commit=False)
        self.events = []
        self.committed = False

    def emit(self, event_type, cooperative_id, cooperative, payload):
        assert event_type in CATALOGUE, f"{event_type} is not in the event catalogue"
        self.events.append((event_type, cooperative, payload))

    def commit(self):
        self.session.commit()
        self.committed = True
