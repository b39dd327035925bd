"""The pool's connections against a real PostgreSQL whose server drops them (coop_shared.runtime.engine):
a connection idle for a while is tested before use and replaced without the caller noticing; one
used a moment ago is not tested (a round trip saved per transaction), so a drop costs that one
call an error, after which the whole pool is renewed."""

import pytest
import sqlalchemy as sa

from coop_shared.runtime import engine as engines


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def terminate(url: str, pid: int) -> None:
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    admin.dispose()


def test_an_idle_connection_dropped_by_the_server_is_replaced_before_use(databases, monkeypatch):
    url = databases["BILLING_DATABASE_URL"]
    engine = engines.create_engine(url, pool_size=1)
    first = backend_pid(engine)
    terminate(url, first)
    monkeypatch.setattr(engines, "PING_AFTER_IDLE_SECONDS", 0.0)  # the connection counts as idle
    second = backend_pid(engine)  # no error: tested at checkout, found dead, replaced
    assert second != first
    engine.dispose()


def test_a_connection_used_a_moment_ago_costs_one_failed_call_then_the_pool_is_renewed(databases):
    url = databases["BILLING_DATABASE_URL"]
    engine = engines.create_engine(url, pool_size=2)
    first = backend_pid(engine)
    terminate(url, first)
    with pytest.raises(sa.exc.OperationalError):
        backend_pid(engine)  # handed out untested: the server had closed it
    assert backend_pid(engine) != first  # a fresh connection, no error
    engine.dispose()
