"""`coop data-key new | reseal`: the key of personal data at rest
(docs/adr/017-personal-data-at-rest-and-rectification.md)."""

from __future__ import annotations

import secrets
from datetime import date

import click

from coop_shared import settings
from coop_shared.personal_data import KeyRing
from coop_shared.runtime.engine import create_engine
from coop_shared.storage.sealing import SERVICES, reseal_service


@click.group("data-key")
def data_key():
    """The key sealing national numbers and rectification histories (COOP_DATA_KEY)."""


@data_key.command("new")
def new():
    """Print a fresh key for COOP_DATA_KEY: '<key id>:<secret>', the id being this month."""
    click.echo(f"{date.today():%Y-%m}:{secrets.token_urlsafe(32)}")


@data_key.command("reseal")
@click.argument("services", nargs=-1, type=click.Choice(SERVICES))
def reseal(services):
    """Reseal under COOP_DATA_KEY what is clear or sealed under another key (after a rotation:
    the previous key in COOP_DATA_OLD_KEYS); then the old key can be dropped."""
    ring = KeyRing.from_config(None)
    for service in services or SERVICES:
        engine = create_engine(settings.database_url(service))
        try:
            counts = reseal_service(engine, service, ring)
        finally:
            engine.dispose()
        done = ", ".join(f"{column}: {n}" for column, n in counts.items())
        click.echo(f"{service}: resealed under key '{ring.current.key_id}' ({done})")
