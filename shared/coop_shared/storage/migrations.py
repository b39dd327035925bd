"""Alembic, driven from code: every service keeps its scripts in `coop_<service>/migrations`."""

from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine, pool


def alembic_config(package: str, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", f"{package}:migrations")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(package: str, database_url: str, revision: str = "heads") -> None:
    """Apply the migrations of `package` (e.g. 'coop_members') to `database_url`: every head, so
    that branches written side by side apply before they are put in one line."""
    command.upgrade(alembic_config(package, database_url), revision)


def run_env(target_metadata) -> None:
    """Body of each service's `migrations/env.py` (online mode only: we always have a URL)."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
