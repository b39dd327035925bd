"""`coop broker-users`: the broker users of the services and of integrators, least privilege
(coop_shared.runtime.broker_users, docs/adr/019-broker-least-privilege-and-service-claims.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from coop_cli import suite
from coop_shared.settings import SERVICES, Settings


@click.command("broker-users")
@click.option(
    "--client", "clients", multiple=True, help="Create (or reset) an integrator's broker user; repeatable."
)
@click.option(
    "--definitions",
    "definitions_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the service users and their permissions into this RabbitMQ definitions file instead.",
)
@click.option("--vhost", default="coop", show_default=True, help="The suite's vhost (for --definitions).")
def broker_users(clients, definitions_path, vhost):
    """Declare each service's broker user from its <SERVICE>_AMQP_URI (the web gateway's from
    WEB_AMQP_URI) over the management API (as the operator of AMQP_URI), and each --client's; a
    client's URI is printed once, never stored."""
    if definitions_path is not None:
        write_definitions(definitions_path, vhost)
        click.echo(f"{definitions_path}: users and permissions of {', '.join(SERVICES)} and web written")
        return
    for user in suite.declare_broker_users():
        click.echo(f"{user}: declared")
    for name in clients:
        try:
            uri = declare_client(name)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--client") from None
        click.echo(f"{name}: {uri}")


def declare_client(name: str, config=None) -> str:
    """Create an integrator's broker user with a fresh password; return its AMQP URI."""
    from coop_shared.runtime.broker_users import (
        Management,
        check_client_name,
        client_grant,
        new_password,
        uri_vhost,
        with_credentials,
    )

    settings = Settings.load("members", config)
    check_client_name(name, settings.broker_user_prefix)
    password = new_password()
    Management(suite.management_api(config)).declare(
        client_grant(name), uri_vhost(settings.amqp_uri), password
    )
    return with_credentials(settings.amqp_uri, name, password)


def write_definitions(path: Path, vhost: str, prefix: str = "coop-") -> dict:
    """Replace the users, permissions and topic permissions of a definitions file by the
    services' (empty password hashes: `coop topology` sets the passwords from the service URIs);
    the operator is added at boot by deploy/rabbitmq/start.sh, never committed."""
    from coop_shared.runtime.broker_users import (
        WEB,
        definitions_entries,
        service_grant,
        service_user,
        web_grant,
    )

    definitions = json.loads(path.read_text()) if path.exists() else {"vhosts": [{"name": vhost}]}
    entries = {"users": [], "permissions": [], "topic_permissions": []}
    grants = [service_grant(name, service_user(name, prefix), suite.service_class(name)) for name in SERVICES]
    grants.append(web_grant(service_user(WEB, prefix)))  # the HTTP gateway: a caller only
    for grant in grants:
        for key, values in definitions_entries(grant, vhost, None).items():
            entries[key].extend(values)
    definitions.update(entries)
    path.write_text(json.dumps(definitions, indent=2) + "\n")
    return definitions
