"""`coop demo | run | serve | migrate | topology | health | status | billing …`.

eventlet must patch the standard library before kombu or psycopg2 open a socket, hence the
first lines of this module (nameko's own `nameko run` does the same).
"""

import warnings

# eventlet announces its maintenance mode on import; ADR 001 records that choice.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # must precede every other import

import json  # noqa: E402
import logging.config  # noqa: E402

import click  # noqa: E402

from coop_cli import status_report, suite  # noqa: E402
from coop_cli.accounting_commands import accounting  # noqa: E402
from coop_cli.billing_commands import billing  # noqa: E402
from coop_cli.broker_commands import broker_users  # noqa: E402
from coop_cli.data_key_commands import data_key  # noqa: E402
from coop_cli.privacy_commands import privacy  # noqa: E402
from coop_shared.settings import SERVICES  # noqa: E402

WEB = "web"  # the HTTP API: served by `coop run` and `coop serve web`, not a nameko service
SERVED = (*SERVICES, WEB)


@click.group()
def main():
    """The shared back office of business-and-employment cooperatives."""


main.add_command(billing)
main.add_command(accounting)
main.add_command(broker_users)
main.add_command(data_key)
main.add_command(privacy)


@main.command()
@click.argument("services", nargs=-1, type=click.Choice(SERVICES))
def migrate(services):
    """Apply the database migrations of SERVICES (all by default)."""
    for name, where in suite.migrate(services or SERVICES).items():
        click.echo(f"{name}: migrated ({where})")


@main.command()
def topology():
    """Declare the exchanges, every event queue, the RPC message-ttl policy and the services' broker
    users (those whose <SERVICE>_AMQP_URI is set) on the broker."""
    result = suite.declare_topology()
    click.echo(f"{len(result['queues'])} event queues declared; RPC TTL policy: {result['rpc_ttl_policy']}")
    if result["broker_users"]:
        click.echo(f"broker users declared: {', '.join(result['broker_users'])}")


@main.command()
@click.option(
    "--service",
    "services",
    multiple=True,
    type=click.Choice(SERVED),
    help="Run only these services (repeatable); all of them, the HTTP API (web) too, by default.",
)
def run(services):
    """Migrate, declare the bus, then run the services in this process until stopped."""
    from nameko.cli.run import run as nameko_run

    names = tuple(n for n in services if n != WEB) or (() if services else SERVICES)
    config = suite.nameko_config()
    logging.config.dictConfig(config["LOGGING"])
    if WEB in services or not services:  # the HTTP API beside them (docs/adr/023-http-api.md)
        from coop_web.server import spawn

        try:
            _, sock = spawn(config)
            click.echo(f"HTTP API on http://{':'.join(map(str, sock.getsockname()[:2]))}/api/v1")
        except OSError as exc:  # the port is taken (another suite on this machine): the services still run
            if not names:
                raise click.ClickException(f"HTTP API: {exc} (set COOP_HTTP_PORT)") from None
            click.echo(f"HTTP API not started: {exc} (set COOP_HTTP_PORT)", err=True)
    if not names:
        eventlet.Event().wait()  # only the HTTP API: serve until stopped
    for name, where in suite.migrate(names).items():
        click.echo(f"{name}: database ready ({where})")
    result = suite.declare_topology(names=SERVICES)
    click.echo(f"bus ready: {len(result['queues'])} event queues, RPC TTL policy {result['rpc_ttl_policy']}")
    click.echo(f"running {', '.join(names)} on {config['AMQP_URI'].split('@')[-1]} (Ctrl-C to stop)")
    nameko_run([suite.service_class(n) for n in names], config)


@main.command()
@click.option("--keep-running", is_flag=True, help="Leave the suite the demo started running afterwards.")
def demo(keep_running):
    """Dies and BRUCOOP at work: invoices, a bank statement, this month's payroll, then the
    figures their staff would read. Starts the suite when none is running; safe to run twice."""
    from coop_cli.demo import run_demo

    run_demo(keep_running)


@main.command()
@click.argument("service", type=click.Choice(SERVED))
def serve(service):
    """Run one service in this process, as a container does (migrations are a separate step:
    `coop migrate SERVICE`, then `coop topology`)."""
    from nameko.cli.run import run as nameko_run

    from coop_shared.secret_guard import refusal

    # A container never serves with a secret copied from .env.example (docs/adr/022).
    problem = refusal()
    if problem:
        click.echo(f"coop serve {service}: {problem}", err=True)
        raise SystemExit(2)
    config = suite.nameko_config()
    logging.config.dictConfig(config["LOGGING"])
    logging.getLogger("coop").info("serving %s on %s", service, config["AMQP_URI"].split("@")[-1])
    if service == WEB:  # a WSGI application, not a nameko service (docs/adr/023-http-api.md)
        from coop_web.server import serve as serve_http

        serve_http(config)
        return
    nameko_run([suite.service_class(service)], config)


@main.command()
@click.argument("services", nargs=-1, type=click.Choice(SERVICES))
@click.option("--timeout", default=5.0, show_default=True)
def health(services, timeout):
    """Ask SERVICES (all by default) for their `health` and print the answers as JSON; exit 1
    unless every one is ok (a container health check: `coop health billing`)."""
    config = suite.nameko_config()
    answers = status_report.healths(config["AMQP_URI"], services or SERVICES, timeout, config.get("AMQP_SSL"))
    click.echo(json.dumps(answers, indent=2))
    if any(a.get("status") != "ok" for a in answers.values()):
        raise SystemExit(1)


@main.command()
def contract():
    """Print the RPC and event contract as Markdown (`coop contract > docs/rpc-contract.md`)."""
    from coop_cli.contract_doc import render

    click.echo(render(), nl=False)


@main.command()
@click.option("--timeout", default=5.0, show_default=True)
@click.option(
    "--management",
    envvar="COOP_RABBIT_MANAGEMENT",
    default=None,
    help="RabbitMQ management API, e.g. http://guest:guest@localhost:15672 (default: the broker's host).",
)
def status(timeout, management):
    """Each service's health, version, outbox backlog, and its queues' depths on the broker."""
    config = suite.nameko_config()
    amqp_uri = config["AMQP_URI"]
    healths = status_report.healths(amqp_uri, SERVICES, timeout, config.get("AMQP_SSL"))
    queues = status_report.queue_depths(amqp_uri, management)
    click.echo(status_report.table(healths, queues))
    if any(a.get("status") != "ok" for a in healths.values()):
        raise SystemExit(1)
