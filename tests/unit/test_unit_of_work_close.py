"""A unit of work whose database connection died (a PostgreSQL restart, a dropped connection)
closes without raising: the close runs in nameko's worker_teardown, where an exception stops
the whole service process (found by the fault-injection suite)."""

import sqlalchemy.exc

from coop_shared.runtime.database import UnitOfWork


class Provider:
    def __init__(self):
        self.released = 0

    def acquire(self):
        pass

    def release(self):
        self.released += 1


class DeadSession:
    invalidated = False

    def close(self):
        raise sqlalchemy.exc.OperationalError("ROLLBACK", {}, Exception("server closed the connection"))

    def invalidate(self):
        self.invalidated = True


def test_a_lost_connection_is_discarded_not_raised_and_the_slot_given_back():
    provider, session = Provider(), DeadSession()
    unit = UnitOfWork(provider)
    unit._session = session
    unit.close()
    assert (session.invalidated, provider.released, unit._session) == (True, 1, None)
