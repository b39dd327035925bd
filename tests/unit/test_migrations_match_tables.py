"""Each service's migrations build exactly the tables its orm.py declares: a column added to a
model without its migration (or the reverse) fails here, not in production."""

import importlib

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coop_shared.storage.migrations import upgrade

SERVICES = ("members", "billing", "payroll", "notifications", "accounting")


def drift(url: str, metadata: sa.MetaData) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    # SQLite reflects neither server defaults nor named constraints the way PostgreSQL does; the
    # tables, columns, nullability and indexes are what this test is about.
    return [
        d
        for d in differences
        if not (isinstance(d, tuple) and d[0] in ("add_constraint", "remove_constraint"))
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_build_the_declared_tables(service, tmp_path):
    url = f"sqlite:///{tmp_path / (service + '.db')}"
    upgrade(f"coop_{service}", url)
    metadata = importlib.import_module(f"coop_{service}.orm").Base.metadata
    assert drift(url, metadata) == []
