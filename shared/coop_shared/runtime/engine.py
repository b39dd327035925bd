"""Engines for PostgreSQL (production) and SQLite (the embedded first run)."""

import sqlalchemy as sa
from sqlalchemy import event


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
    return sa.create_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=60, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"
