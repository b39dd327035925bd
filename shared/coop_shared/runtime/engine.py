"""Engines for PostgreSQL (production) and SQLite (the embedded first run)."""

import time

import sqlalchemy as sa
from sqlalchemy import event, exc

# A pooled connection idle for longer than this is tested (SELECT 1) before it is handed out.
# One used a moment ago is handed out as is: testing every checkout cost a round trip per
# transaction (issue 18). If the server dropped it meanwhile (a restart, connections killed), the
# first statement fails, SQLAlchemy sees the disconnect and renews the whole pool, and that one
# call fails with an error the caller retries (docs/nameko-delivery.md).
PING_AFTER_IDLE_SECONDS = 2.0


def create_engine(url: str, pool_size: int = 12) -> sa.Engine:
    """An engine whose pool is at least as large as the service's `max_workers`.

    psycopg2 is greened by eventlet's monkey patching (docs/nameko-delivery.md: psycopg 3
    would block the whole process during queries).
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No overflow: N replicas × (workers + 2) is what PostgreSQL's max_connections must hold.
    engine = sa.create_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=60)
    event.listen(engine, "checkin", _idle_from_now)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


def _idle_from_now(_dbapi_connection, record):
    if record is not None:
        record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy):
    """Raising DisconnectionError here makes the pool discard the connection and take another."""
    if time.monotonic() - record.info.get("idle_since", 0.0) <= PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
    except Exception as error:
        raise exc.DisconnectionError(f"pooled connection unusable: {error}") from error


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"
